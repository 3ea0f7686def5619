"""Moderation: the report queue, hiding and dismissing, blocking accounts; all audited, nothing deleted."""
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.auth.models import User
from app.comments.models import Comment, Report
from app.extensions import db
from app.proposals.models import Proposal
from tests.comment_helpers import (  # noqa: F401  (fixtures)
    comments,
    english,
    make_comment,
    make_proposal,
    report,
    reports,
    text,
    write,
)
from tests.conftest import count_queries, login, post_form


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))


def reported_comment(make_proposal, make_comment, make_user, reporters: int = 2, **fields):
    """A comment with open reports from `reporters` people."""
    proposal = make_proposal()
    comment = make_comment(proposal, make_user(name="Riku Riitelijä"), body="Te olette kaikki idiootteja!",
                           **fields)
    for n in range(reporters):
        db.session.add(Report(reporter_id=make_user().id, comment_id=comment.id, reason=f"Solvaus {n}"))
    db.session.commit()
    return proposal, comment


def test_queue_shows_reported_comments_and_proposals_grouped(english, make_proposal, make_comment, make_user):
    proposal, comment = reported_comment(make_proposal, make_comment, make_user)
    spam = make_proposal(title="Halpoja kelloja netistä")
    db.session.add(Report(reporter_id=make_user().id, proposal_id=spam.id, reason="Mainos"))
    db.session.commit()
    coordinator, _ = english("coordinator")
    html = text(coordinator.get("/moderation/"))
    assert "Te olette kaikki idiootteja!" in html and "Comment by Riku Riitelijä" in html
    assert "2 reports" in html and "Solvaus 0" in html and "Solvaus 1" in html
    assert "Proposal: Halpoja kelloja netistä" in html and "Mainos" in html
    assert html.count('class="card report-group"') == 2
    dashboard = text(coordinator.get("/admin/"))
    assert "2 reported items wait for a decision." in dashboard
    assert 'href="/moderation/"' in dashboard  # the sub-nav link


def test_queue_queries_do_not_grow_with_the_reports(english, make_proposal, make_comment, make_user):
    reported_comment(make_proposal, make_comment, make_user, reporters=1)
    coordinator, _ = english("coordinator")
    coordinator.get("/moderation/")
    with count_queries() as few:
        coordinator.get("/moderation/")
    for _ in range(8):
        reported_comment(make_proposal, make_comment, make_user, reporters=3)
    with count_queries() as many:
        html = coordinator.get("/moderation/").get_data(as_text=True)
    assert html.count('class="card report-group"') == 9
    assert len(many) == len(few)


def test_hide_a_comment_resolves_every_report_and_is_audited(english, make_proposal, make_comment, make_user):
    proposal, comment = reported_comment(make_proposal, make_comment, make_user, reporters=3)
    coordinator, boss = english("coordinator")
    response = post_form(coordinator, f"/moderation/comment/{comment.id}/hide", {"reason": "Solvaa muita"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation/")
    assert "The comment is now hidden. Its open reports are closed." in text(coordinator.get("/moderation/"))
    (hidden,) = comments()
    assert hidden.hidden_at is not None and hidden.hidden_reason == "Solvaa muita" and hidden.hidden_by_id == boss.id
    assert hidden.body == "Te olette kaikki idiootteja!"  # kept, never deleted
    assert {(r.resolution, r.resolved_by_id) for r in reports()} == {("hidden", boss.id)}
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "comment.hidden"))
    assert entry.actor_id == boss.id and entry.object_id == comment.id
    assert entry.details["reason"] == "Solvaa muita" and entry.details["reports_resolved"] == 3
    visitor, _ = english(None)
    public = text(visitor.get(f"/proposals/{proposal.id}/comments"))
    assert "Hidden by a moderator: Solvaa muita" in public and "idiootteja" not in public
    assert "No reports are waiting." in text(coordinator.get("/moderation/"))


def test_dismiss_keeps_the_comment_and_is_audited(english, make_proposal, make_comment, make_user):
    proposal, comment = reported_comment(make_proposal, make_comment, make_user, reporters=2)
    coordinator, boss = english("coordinator")
    response = post_form(coordinator, f"/moderation/comment/{comment.id}/dismiss", {})
    assert response.status_code == 302
    assert "2 reports were dismissed" in text(coordinator.get("/moderation/"))
    assert comments()[0].hidden_at is None
    assert {r.resolution for r in reports()} == {"dismissed"}
    assert audit_actions() == ["comment.reports_dismissed"]
    post_form(coordinator, f"/moderation/comment/{comment.id}/dismiss", {})
    assert "There are no open reports about this." in text(coordinator.get("/moderation/"))
    assert audit_actions() == ["comment.reports_dismissed"]


def test_hide_needs_a_reason_and_hiding_twice_changes_nothing(english, make_proposal, make_comment, make_user):
    _proposal, comment = reported_comment(make_proposal, make_comment, make_user)
    coordinator, _ = english("coordinator")
    page = coordinator.get(f"/moderation/comment/{comment.id}/hide")
    assert page.status_code == 200 and "Solvaus 0" in text(page)
    for reason in ("", "   ", "x" * 1001):
        response = post_form(coordinator, f"/moderation/comment/{comment.id}/hide", {"reason": reason})
        assert response.status_code == 200 and 'aria-invalid="true"' in text(response)
    assert comments()[0].hidden_at is None and audit_actions() == []
    assert coordinator.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "x"}).status_code == 400
    post_form(coordinator, f"/moderation/comment/{comment.id}/hide", {"reason": "Asiaton"})
    post_form(coordinator, f"/moderation/comment/{comment.id}/hide", {"reason": "Toisen kerran"})
    assert comments()[0].hidden_reason == "Asiaton" and audit_actions() == ["comment.hidden"]
    assert coordinator.get("/moderation/comment/999/hide").status_code == 404
    assert coordinator.get("/moderation/vote/1/hide").status_code == 404


def test_unhide_shows_it_again_and_is_audited(english, make_proposal, make_comment, make_user):
    proposal, comment = reported_comment(make_proposal, make_comment, make_user)
    coordinator, _ = english("coordinator")
    post_form(coordinator, f"/moderation/comment/{comment.id}/hide", {"reason": "Asiaton"})
    assert "Hidden now" in text(coordinator.get("/moderation/"))
    response = post_form(coordinator, f"/moderation/comment/{comment.id}/unhide",
                         {"next": f"/proposals/{proposal.id}/comments"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}/comments"
    assert comments()[0].hidden_at is None and comments()[0].hidden_reason == ""
    assert audit_actions() == ["comment.hidden", "comment.unhidden"]
    unhidden = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "comment.unhidden"))
    assert unhidden.details["previous_reason"] == "Asiaton"
    post_form(coordinator, f"/moderation/comment/{comment.id}/unhide", {"next": "https://evil.example/"})
    assert audit_actions() == ["comment.hidden", "comment.unhidden"]


def test_coordinator_hides_a_comment_from_the_thread(english, make_proposal, make_comment):
    proposal = make_proposal()
    comment = make_comment(proposal, body="Mainos: https://spam.example")
    coordinator, _ = english("coordinator")
    html = text(coordinator.get(f"/proposals/{proposal.id}/comments"))
    hide_url = f"/moderation/comment/{comment.id}/hide?next=/proposals/{proposal.id}/comments%23comment-{comment.id}"
    assert hide_url in html.replace("&amp;", "&")
    form = coordinator.get(hide_url)
    assert 'name="next"' in text(form) and "Mainos" in text(form)
    response = post_form(coordinator, f"/moderation/comment/{comment.id}/hide",
                         {"reason": "Mainos", "next": f"/proposals/{proposal.id}/comments#comment-{comment.id}"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}/comments#comment-{comment.id}"
    assert comments()[0].hidden_reason == "Mainos"


def test_hide_a_reported_proposal(english, make_proposal, make_user):
    proposal = make_proposal(title="Naapurin nimi ja osoite")
    resident, _ = english()
    post_form(resident, f"/proposals/{proposal.id}/report", {"reason": "Henkilötietoja"})
    coordinator, boss = english("coordinator")
    assert "Proposal: Naapurin nimi ja osoite" in text(coordinator.get("/moderation/"))
    post_form(coordinator, f"/moderation/proposal/{proposal.id}/hide", {"reason": "Henkilötietoja"})
    db.session.expire_all()
    stored = db.session.get(Proposal, proposal.id)
    assert stored.hidden_at is not None and stored.hidden_reason == "Henkilötietoja" and stored.hidden_by_id == boss.id
    assert [r.resolution for r in reports()] == ["hidden"]
    assert audit_actions() == ["proposal.hidden"]
    # Commenting and reporting are then closed, with the reason.
    write(resident, proposal, "Vielä kommentti")
    assert comments() == []
    other, _ = english()
    html = text(other.get(f"/proposals/{proposal.id}/comments"))
    assert "cannot be commented on" in html and f'action="/proposals/{proposal.id}/report"' not in html
    post_form(coordinator, f"/moderation/proposal/{proposal.id}/unhide", {})
    post_form(coordinator, f"/moderation/proposal/{proposal.id}/dismiss", {})
    assert audit_actions() == ["proposal.hidden", "proposal.unhidden"]


def test_only_coordinators_moderate(english, make_proposal, make_comment, make_user):
    _proposal, comment = reported_comment(make_proposal, make_comment, make_user)
    for role in ("resident", "representative", "board_member"):
        client, _ = english(role)
        assert client.get("/moderation/").status_code == 403
        assert post_form(client, f"/moderation/comment/{comment.id}/hide", {"reason": "x"}).status_code == 403
    assert comments()[0].hidden_at is None


# --- blocking accounts -----------------------------------------------------------------------

def block(client, user_id, reason="Roskapostia toistuvasti"):
    return post_form(client, f"/admin/users/{user_id}/block", {"reason": reason})


def test_block_signs_out_at_once_and_says_so_only_with_the_right_password(app, english, make_proposal,
                                                                          make_comment):
    proposal = make_proposal()
    person_client, person = english()
    make_comment(proposal, person, body="Jää näkyviin")
    coordinator, boss = english("coordinator")
    assert "Block " + person.display_name in text(coordinator.get(f"/admin/users?q={person.email}"))
    assert coordinator.get(f"/admin/users/{person.id}/block").status_code == 200
    response = block(coordinator, person.id)
    assert response.status_code == 302
    db.session.expire_all()
    assert person.blocked_at is not None and person.blocked_reason == "Roskapostia toistuvasti"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.blocked"))
    assert entry.actor_id == boss.id and entry.object_id == person.id and entry.details["reason"]
    # Signed out at once: the old session no longer works.
    assert person_client.get("/account/").status_code == 302
    # Content stays.
    assert "Jää näkyviin" in text(english(None)[0].get(f"/proposals/{proposal.id}/comments"))
    # The right password gets the clear message; a wrong one the usual answer (no enumeration).
    fresh = app.test_client()
    fresh.set_cookie("lang", "en")
    blocked = login(fresh, person.email)
    assert blocked.status_code == 403
    assert "This account has been blocked by the coordinators" in text(blocked)
    assert "Roskapostia toistuvasti" in text(blocked)
    wrong = login(fresh, person.email, "wrong password here")
    assert "blocked" not in text(wrong) and "The email address or password is wrong." in text(wrong)
    assert fresh.get("/account/").status_code == 302


def test_unblock_lets_the_person_sign_in_again_but_old_sessions_stay_ended(app, english):
    person_client, person = english()
    coordinator, _ = english("coordinator")
    block(coordinator, person.id)
    response = post_form(coordinator, f"/admin/users/{person.id}/unblock", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert person.blocked_at is None
    assert audit_actions() == ["user.blocked", "user.unblocked"]
    assert person_client.get("/account/").status_code == 302  # the session from before the block
    assert login(app.test_client(), person.email).status_code == 302
    post_form(coordinator, f"/admin/users/{person.id}/unblock", {})
    assert audit_actions() == ["user.blocked", "user.unblocked"]


def test_bad_blocks_change_nothing(english, make_user):
    coordinator, boss = english("coordinator")
    other_coordinator = make_user("coordinator")
    person = make_user()
    cases = [(boss.id, "x", "You cannot block your own account."),
             (other_coordinator.id, "x", "Remove the coordinator role first.")]
    for user_id, reason, expected in cases:
        response = block(coordinator, user_id, reason)
        assert response.status_code == 200 and expected in text(response)
    for reason in ("", "  ", "x" * 1001):
        assert 'aria-invalid="true"' in text(block(coordinator, person.id, reason))
    assert coordinator.post(f"/admin/users/{person.id}/block", data={"reason": "x"}).status_code == 400
    assert block(coordinator, 9999).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.blocked_at.is_not(None))) == 0
    assert audit_actions() == []
    resident, _ = english()
    assert block(resident, person.id).status_code == 403


def test_hide_all_content_of_an_account(english, make_proposal, make_comment, make_user):
    spammer = make_user(name="Spämmääjä")
    proposal = make_proposal()
    own_proposal = make_proposal(title="Osta kelloja", author=spammer)
    first = make_comment(proposal, spammer, body="Osta kelloja 1")
    make_comment(proposal, spammer, body="Osta kelloja 2")
    make_comment(proposal, body="Asiallinen kommentti")
    db.session.add(Report(reporter_id=make_user().id, comment_id=first.id, reason="Roskaa"))
    db.session.commit()
    coordinator, boss = english("coordinator")
    page = text(coordinator.get(f"/admin/users/{spammer.id}/block"))
    assert "Hide all comments and proposals of Spämmääjä" in page
    assert 'aria-invalid' not in text(post_form(coordinator, f"/admin/users/{spammer.id}/hide-content",
                                               {"hide-reason": "Roskapostia"}, follow_redirects=True))
    hidden = {c.body: c.hidden_reason for c in comments()}
    assert hidden == {"Osta kelloja 1": "Roskapostia", "Osta kelloja 2": "Roskapostia", "Asiallinen kommentti": ""}
    db.session.expire_all()
    assert db.session.get(Proposal, own_proposal.id).hidden_reason == "Roskapostia"
    assert [r.resolution for r in reports()] == ["hidden"]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.content_hidden"))
    assert entry.details == {"reason": "Roskapostia", "comments": 2, "proposals": 1}
    empty = post_form(coordinator, f"/admin/users/{spammer.id}/hide-content", {"hide-reason": ""})
    assert empty.status_code == 200 and 'aria-invalid="true"' in text(empty)
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 3  # nothing deleted
