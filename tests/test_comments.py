"""Comments on proposals: writing, replies, stances, editing, reporting, limits and the thread."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.comments.models import Report
from app.comments.services import thread_context
from app.extensions import db
from app.timeutil import utcnow
from tests.comment_helpers import (  # noqa: F401  (fixtures)
    comments,
    english,
    fill_thread,
    make_comment,
    make_proposal,
    report,
    reports,
    reply,
    text,
    write,
)
from tests.conftest import count_queries, post_form


def discussion(client, proposal, query: str = ""):
    return client.get(f"/proposals/{proposal.id}/comments{query}")


def then(client, response, proposal) -> str:
    """After a redirect, the discussion page with the flashed message."""
    assert response.status_code == 302, response.status_code
    return text(discussion(client, proposal))


# --- writing ---------------------------------------------------------------------------------

def test_resident_writes_a_comment_with_a_stance(english, make_proposal):
    proposal = make_proposal()
    client, user = english("resident", name="Aino Asukas")
    response = write(client, proposal, "Laituri on tärkeä lapsiperheille.", "for")
    assert response.status_code == 302
    (comment,) = comments()
    assert (comment.author_id, comment.body, comment.stance, comment.parent_id) == (
        user.id, "Laituri on tärkeä lapsiperheille.", "for", None)
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    html = then(client, response, proposal)
    assert "Your comment has been published." in html
    assert "Laituri on tärkeä lapsiperheille." in html and "Aino Asukas" in html
    assert f'id="comment-{comment.id}"' in html
    assert "Stance: For" in html


def test_stance_summary_counts_each_person_once_as_text_too(english, make_proposal, make_comment, make_user):
    proposal = make_proposal()
    first, second, third = make_user(), make_user(), make_user()
    make_comment(proposal, first, stance="against", age=timedelta(hours=2))
    make_comment(proposal, first, stance="for", age=timedelta(hours=1))  # changed their mind: counts as for
    make_comment(proposal, second, stance="for")
    make_comment(proposal, third, stance="neutral")
    make_comment(proposal, third, stance="against", hidden_at=utcnow(), hidden_reason="Asiaton")
    make_comment(proposal, make_user())  # no stance
    client, _ = english(None)
    html = text(discussion(client, proposal))
    assert "Stances taken by 3 people" in html
    assert "For: 2 people (67%)" in html
    assert "Against: 0 people (0%)" in html
    assert "Neutral: 1 person (33%)" in html
    assert '<svg class="stance-bar"' in html and 'aria-hidden="true"' in html
    assert " style=" not in html and "<script>" not in html


def test_links_become_clickable_and_markup_stays_text(english, make_proposal, make_comment):
    proposal = make_proposal()
    make_comment(proposal, body='Katso https://iitti.fi/kylat?a=1&b=2. <script>alert(1)</script>\n'
                                '<a href="javascript:alert(2)">x</a> https://x.fi/"onmouseover="alert(3)')
    client, _ = english(None)
    html = discussion(client, proposal).get_data(as_text=True)
    assert '<a href="https://iitti.fi/kylat?a=1&amp;b=2" rel="nofollow noopener noreferrer ugc">' in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html and "onmouseover=\"" not in html
    assert '<a href="https://x.fi/" rel=' in html


def test_bad_comment_input_is_refused_and_nothing_is_stored(english, make_proposal):
    proposal = make_proposal()
    client, _ = english()
    cases = [("", "", "Write something first"), ("   \n  ", "", "Write something first"),
             ("x" * 10_001, "", "at most 5000 characters"), ("Hyvä", "maybe", "Choose for, against, neutral"),
             ("Näkymätön\x00merkki", "", "control characters")]
    for body, stance, expected in cases:
        response = write(client, proposal, body, stance)
        assert response.status_code == 200, (body[:20], stance)
        html = text(response)
        assert expected in html
        assert 'aria-invalid="true"' in html or 'class="field stance-choice has-error"' in html
    assert comments() == []
    # Text of 5000 characters is fine.
    assert write(client, proposal, "y" * 5000).status_code == 302


def test_comment_without_csrf_token_is_refused(english, make_proposal):
    proposal = make_proposal()
    client, _ = english()
    response = client.post(f"/proposals/{proposal.id}/comments", data={"comment-body": "Ilman tokenia"})
    assert response.status_code == 400
    assert comments() == []


def test_visitor_is_asked_to_sign_in_and_cannot_post(english, make_proposal):
    proposal = make_proposal()
    client, _ = english(None)
    html = text(discussion(client, proposal))
    assert "Sign in to comment" in html and 'name="comment-body"' not in html
    response = write(client, proposal, "Anonyymi kommentti")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert comments() == []


@pytest.mark.parametrize("phase, starts, ends, expected", [
    ("information", timedelta(days=2), timedelta(days=9), "has not started yet"),
    ("results", timedelta(days=-9), timedelta(days=-2), "consultation has ended"),
])
def test_commenting_closed_outside_the_phase_windows_says_why(english, make_proposal, phase, starts, ends,
                                                              expected):
    proposal = make_proposal(phase=phase, starts=starts, ends=ends)
    client, _ = english()
    html = text(discussion(client, proposal))
    assert expected in html and 'name="comment-body"' not in html
    assert expected in then(client, write(client, proposal, "Myöhässä"), proposal)
    assert comments() == []


def test_commenting_is_closed_between_phases(english, make_proposal):
    from app.consultations.models import ConsultationPhase

    proposal = make_proposal(phase="proposals", starts=timedelta(days=-9), ends=timedelta(days=-2))
    now = utcnow()
    db.session.add(ConsultationPhase(consultation_id=proposal.consultation_id, phase="voting",
                                     starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=9)))
    db.session.commit()
    client, _ = english()
    assert "between two phases" in text(discussion(client, proposal))
    write(client, proposal, "Väliin")
    assert comments() == []


def test_hidden_proposal_cannot_be_commented(english, make_proposal, make_user):
    proposal = make_proposal(hidden_at=utcnow(), hidden_reason="Henkilötietoja", hidden_by_id=make_user("coordinator").id)
    client, _ = english()
    html = text(discussion(client, proposal))
    assert "hidden this proposal, so it cannot be commented on" in html
    assert "Hidden by a moderator: Henkilötietoja" in html
    write(client, proposal, "Piilotettuun")
    assert comments() == []


def test_honeypot_comment_is_not_stored(english, make_proposal):
    proposal = make_proposal()
    client, _ = english()
    response = post_form(client, f"/proposals/{proposal.id}/comments",
                         {"comment-body": "Osta halpoja kelloja", "comment-website_url": "http://spam.example"})
    assert response.status_code == 302
    assert comments() == []


def test_unknown_proposal_or_comment_is_404(english):
    client, _ = english()
    assert client.get("/proposals/999/comments").status_code == 404
    assert post_form(client, "/proposals/999/comments", {"comment-body": "x"}).status_code == 404
    for action in ("reply", "edit", "report"):
        assert client.get(f"/comments/999/{action}").status_code == 404
        assert post_form(client, f"/comments/999/{action}", {"body": "x", "reason": "x"}).status_code == 404


# --- replies -------------------------------------------------------------------------------

def test_reply_is_shown_under_its_comment(english, make_proposal, make_comment, make_user):
    proposal = make_proposal()
    parent = make_comment(proposal, make_user(name="Eero Edustaja"), body="Kuka rakentaa laiturin?")
    client, user = english()
    response = reply(client, parent, "Kyläyhdistys talkoilla.")
    assert response.status_code == 302
    stored = comments()[-1]
    assert stored.parent_id == parent.id and stored.stance is None and stored.author_id == user.id
    html = text(discussion(client, proposal))
    thread = html[html.index(f'id="comment-{parent.id}"'):]
    assert 'aria-label="Replies to Eero Edustaja"' in thread
    assert thread.index("Kyläyhdistys talkoilla.") > thread.index("Kuka rakentaa laiturin?")
    assert f'action="/comments/{parent.id}/reply"' in html
    assert f'action="/comments/{stored.id}/reply"' not in html  # no reply form under a reply


def test_reply_to_a_reply_is_refused_with_a_clear_message(english, make_proposal, make_comment):
    proposal = make_proposal()
    parent = make_comment(proposal)
    child = make_comment(proposal, parent=parent, body="Vastaus")
    client, _ = english()
    response = reply(client, child, "Vastaus vastaukseen")
    assert "You can only reply to a main comment, not to a reply." in then(client, response, proposal)
    response = client.get(f"/comments/{child.id}/reply")
    assert "You can only reply to a main comment" in then(client, response, proposal)
    assert len(comments()) == 2


def test_reply_form_errors_are_shown_on_its_own_page(english, make_proposal, make_comment):
    proposal = make_proposal()
    parent = make_comment(proposal, body="Alkuperäinen")
    client, _ = english()
    response = reply(client, parent, "")
    assert response.status_code == 200
    html = text(response)
    assert "Write something first" in html and 'aria-describedby="body-hint body-error"' in html
    assert "Alkuperäinen" in html  # the comment being replied to is quoted
    assert client.get(f"/comments/{parent.id}/reply").status_code == 200
    assert len(comments()) == 1


def test_stance_in_a_reply_is_ignored_by_the_form_and_refused_by_the_service(app, make_proposal, make_comment,
                                                                            make_user):
    from app.comments.services import CommentError, post_comment

    proposal = make_proposal()
    parent = make_comment(proposal)
    with pytest.raises(CommentError) as refused:
        post_comment(make_user(), proposal, "Samaa mieltä", "for", parent=parent)
    assert refused.value.code == "stance_on_reply"
    with pytest.raises(CommentError) as refused:
        post_comment(make_user(), make_proposal(title="Toinen"), "Väärä", parent=parent)
    assert refused.value.code == "wrong_proposal"
    assert len(comments()) == 1


# --- editing -------------------------------------------------------------------------------

def test_author_edits_within_15_minutes_and_it_shows_edited(english, make_proposal):
    proposal = make_proposal()
    client, _ = english()
    write(client, proposal, "Laitturi on tärkeä.", "for")
    (comment,) = comments()
    form = client.get(f"/comments/{comment.id}/edit")
    assert form.status_code == 200 and "Laitturi on tärkeä." in text(form)
    response = post_form(client, f"/comments/{comment.id}/edit", {"body": "Laituri on tärkeä.", "stance": "neutral"})
    assert response.status_code == 302
    (comment,) = comments()
    assert comment.body == "Laituri on tärkeä." and comment.stance == "neutral" and comment.edited_at is not None
    assert "(edited)" in text(discussion(client, proposal))


def test_edit_after_15_minutes_is_refused(english, make_proposal, make_comment):
    proposal = make_proposal()
    client, user = english()
    comment = make_comment(proposal, user, body="Vanha teksti", age=timedelta(minutes=15, seconds=1))
    assert f"/comments/{comment.id}/edit" not in text(discussion(client, proposal))
    response = post_form(client, f"/comments/{comment.id}/edit", {"body": "Uusi teksti"})
    assert "can be edited for 15 minutes after it was written" in then(client, response, proposal)
    assert "can no longer be edited" in then(client, client.get(f"/comments/{comment.id}/edit"), proposal)
    assert comments()[0].body == "Vanha teksti" and comments()[0].edited_at is None


def test_editing_someone_elses_comment_is_403(english, make_proposal, make_comment):
    proposal = make_proposal()
    comment = make_comment(proposal, body="Toisen kommentti")
    for role in ("resident", "coordinator"):
        client, _ = english(role)
        assert client.get(f"/comments/{comment.id}/edit").status_code == 403
        assert post_form(client, f"/comments/{comment.id}/edit", {"body": "Muutettu"}).status_code == 403
    assert comments()[0].body == "Toisen kommentti"


def test_editing_a_reply_keeps_it_without_stance_and_bad_input_changes_nothing(english, make_proposal,
                                                                               make_comment):
    proposal = make_proposal()
    client, user = english()
    parent = make_comment(proposal)
    mine = make_comment(proposal, user, body="Vastaus", parent=parent)
    assert 'name="stance"' not in text(client.get(f"/comments/{mine.id}/edit"))
    for body in ("", "z" * 10_001):
        assert post_form(client, f"/comments/{mine.id}/edit", {"body": body}).status_code == 200
    assert comments()[1].body == "Vastaus" and comments()[1].edited_at is None
    post_form(client, f"/comments/{mine.id}/edit", {"body": "Vastaus korjattu", "stance": "for"})
    assert comments()[1].body == "Vastaus korjattu" and comments()[1].stance is None


# --- hidden comments -------------------------------------------------------------------------

def test_hidden_comment_shows_the_reason_to_the_public_and_the_text_to_its_author(english, make_proposal,
                                                                                  make_comment, make_user):
    proposal = make_proposal()
    author_client, author = english()
    coordinator = make_user("coordinator")
    hidden = make_comment(proposal, author, body="Naapurin puhelinnumero on 040 123", stance="against",
                          hidden_at=utcnow(), hidden_reason="Henkilötietoja", hidden_by_id=coordinator.id)
    visitor, _ = english(None)
    public = text(discussion(visitor, proposal))
    assert "Hidden by a moderator: Henkilötietoja" in public
    assert "040 123" not in public and "Stance: Against" not in public
    own = text(discussion(author_client, proposal))
    assert "Hidden by a moderator: Henkilötietoja" in own and "040 123" in own
    boss, _ = english("coordinator")
    assert "040 123" in text(discussion(boss, proposal))
    other, _ = english("resident")
    assert "040 123" not in text(discussion(other, proposal))
    assert f'action="/comments/{hidden.id}/reply"' not in text(discussion(other, proposal))


def test_a_hidden_comment_cannot_be_replied_to_edited_or_reported(english, make_proposal, make_comment):
    proposal = make_proposal()
    client, user = english()
    own_hidden = make_comment(proposal, user, hidden_at=utcnow(), hidden_reason="Asiaton")
    other_hidden = make_comment(proposal, hidden_at=utcnow(), hidden_reason="Asiaton")
    expected = "A moderator has hidden this comment"
    assert expected in then(client, reply(client, other_hidden, "Vastaan silti"), proposal)
    assert expected in then(client, post_form(client, f"/comments/{own_hidden.id}/edit", {"body": "Korjaan"}),
                            proposal)
    assert "A moderator has already hidden this" in then(client, report(client, other_hidden), proposal)
    assert len(comments()) == 2 and reports() == []
    assert comments()[0].edited_at is None


# --- reports -------------------------------------------------------------------------------

def test_report_a_comment_once(english, make_proposal, make_comment):
    proposal = make_proposal()
    comment = make_comment(proposal)
    client, user = english()
    response = report(client, comment, "Kiroilua ja solvaamista.")
    assert response.status_code == 302
    assert "The coordinators will look at your report" in then(client, response, proposal)
    (stored,) = reports()
    assert (stored.reporter_id, stored.comment_id, stored.reason, stored.resolution) == (
        user.id, comment.id, "Kiroilua ja solvaamista.", None)
    assert "You have reported this comment." in text(discussion(client, proposal))
    again = report(client, comment, "Uudestaan")
    assert "You have already reported this." in then(client, again, proposal)
    assert len(reports()) == 1


def test_the_database_refuses_a_second_report_by_the_same_person(app, make_proposal, make_comment, make_user):
    comment = make_comment(make_proposal())
    reporter = make_user()
    for _ in range(2):
        db.session.add(Report(reporter_id=reporter.id, comment_id=comment.id, reason="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_bad_reports_are_refused(english, make_proposal, make_comment):
    proposal = make_proposal()
    client, user = english()
    mine = make_comment(proposal, user)
    other = make_comment(proposal)
    assert "You cannot report what you wrote yourself" in then(client, report(client, mine), proposal)
    for reason in ("", "   ", "r" * 1001):
        response = report(client, other, reason)
        assert response.status_code == 200 and 'aria-invalid="true"' in text(response)
    assert client.post(f"/comments/{other.id}/report", data={"reason": "Ilman tokenia"}).status_code == 400
    assert reports() == []


def test_report_a_proposal(english, make_proposal):
    client, user = english()
    proposal = make_proposal()
    html = text(discussion(client, proposal))
    assert f'action="/proposals/{proposal.id}/report"' in html
    response = post_form(client, f"/proposals/{proposal.id}/report", {"reason": "Mainos, ei ehdotus."})
    assert response.status_code == 302
    (stored,) = reports()
    assert stored.proposal_id == proposal.id and stored.comment_id is None
    assert "You have reported this proposal" in text(discussion(client, proposal))
    again = post_form(client, f"/proposals/{proposal.id}/report", {"reason": "Uudestaan"})
    assert "You have already reported this." in then(client, again, proposal)
    own = make_proposal(title="Oma", author=user)
    refused = post_form(client, f"/proposals/{own.id}/report", {"reason": "x"})
    assert "You cannot report what you wrote yourself" in then(client, refused, own)
    assert len(reports()) == 1


# --- rate limits -----------------------------------------------------------------------------

def test_new_account_may_write_5_comments_an_hour(english, make_proposal):
    proposal = make_proposal()
    client, _ = english()
    for n in range(5):
        assert write(client, proposal, f"Kommentti {n}").status_code == 302
    response = write(client, proposal, "Kuudes kommentti")
    assert response.status_code == 429
    html = text(response)
    assert "please wait 60 minutes before writing the next one" in html or "please wait 59 minutes" in html
    assert "Kuudes kommentti" in html  # the text is kept in the form
    assert len(comments()) == 5


def test_older_account_has_the_higher_limit_and_replies_count_too(app, english, make_proposal, make_comment):
    proposal = make_proposal()
    client, user = english()
    user.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    for n in range(7):
        assert write(client, proposal, f"Kommentti {n}").status_code == 302
    app.extensions["comment_throttles"]["established"] = type(
        app.extensions["comment_throttles"]["established"])("memory://", "2/hour")
    parent = comments()[0]
    assert reply(client, parent, "Vastaus 1").status_code == 302
    assert reply(client, parent, "Vastaus 2").status_code == 302
    refused = reply(client, parent, "Vastaus 3")
    assert refused.status_code == 429 and "many comments in a short time" in text(refused)
    assert len(comments()) == 9


def test_blocked_account_cannot_comment(english, make_proposal, make_user):
    from app.admin.services import block_user

    proposal = make_proposal()
    client, user = english()
    block_user(make_user("coordinator"), user, "Roskapostia")
    response = write(client, proposal, "Vielä yksi")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert comments() == []


# --- the thread ------------------------------------------------------------------------------

def test_order_newest_or_oldest_first(english, make_proposal, make_comment):
    proposal = make_proposal()
    make_comment(proposal, body="Ensimmäinen", age=timedelta(hours=2))
    make_comment(proposal, body="Toinen", age=timedelta(hours=1))
    client, _ = english(None)
    oldest = text(discussion(client, proposal))
    assert oldest.index("Ensimmäinen") < oldest.index("Toinen")
    newest = text(discussion(client, proposal, "?comments=newest"))
    assert newest.index("Toinen") < newest.index("Ensimmäinen")
    assert 'href="?comments=newest#comments" aria-current="true"' in newest
    assert discussion(client, proposal, "?comments=<script>").status_code == 200


def _fill(proposal, make_comment, make_user, count: int):
    fill_thread(proposal, make_comment, [make_user() for _ in range(max(1, count // 4))], count, hide_every=17,
                reply_body="Vastaus {n} https://iitti.fi")


def test_thread_queries_do_not_grow_with_the_comments(english, make_proposal, make_comment, make_user):
    small, large = make_proposal(title="Pieni"), make_proposal(title="Suuri")
    _fill(small, make_comment, make_user, 10)
    _fill(large, make_comment, make_user, 200)
    small_url, large_url = f"/proposals/{small.id}/comments", f"/proposals/{large.id}/comments"
    for role in (None, "resident", "coordinator"):
        client, user = english(role)
        if user is not None:
            post_form(client, f"/comments/{comments()[2].id}/report", {"reason": "x"})
        client.get(small_url)  # warm up: first-request work is not counted
        with count_queries() as few:
            small_html = client.get(small_url).get_data(as_text=True)
        with count_queries() as many:
            large_html = client.get(large_url).get_data(as_text=True)
        assert large_html.count('class="comment') > 190 and small_html.count('class="comment') >= 10
        assert len(many) == len(few), (role, len(many), len(few))
    db.session.refresh(large)
    # comments, their authors, the consultation and its phases
    with english(None)[0].application.test_request_context(), count_queries() as direct:
        context = thread_context(large, None, "newest")
    assert context["count"] == 200 and len(direct) <= 4


def test_my_data_lists_my_comments_and_reports(english, make_proposal, make_comment):
    proposal = make_proposal()
    client, user = english()
    write(client, proposal, "Oma kommentti", "against")
    report(client, make_comment(proposal), "Asiaton")
    data = client.get("/account/data.json").get_json()
    (mine,) = data["comments"]
    assert mine["text"] == "Oma kommentti" and mine["stance"] == "against" and mine["proposal_id"] == proposal.id
    (reported,) = data["reports"]
    assert reported["reason"] == "Asiaton" and reported["resolution"] is None


def test_erased_author_is_shown_as_a_deleted_user(english, make_proposal, make_comment, make_user):
    from app.auth.services import erase_account

    proposal = make_proposal()
    author = make_user(name="Poistuva Kirjoittaja")
    make_comment(proposal, author, body="Jää talteen")
    erase_account(author)
    client, _ = english(None)
    html = text(discussion(client, proposal))
    assert "Jää talteen" in html and "deleted user" in html and "Poistuva Kirjoittaja" not in html


def test_comment_count_and_database_check_on_stance(app, make_proposal, make_user):
    from app.comments.models import Comment

    proposal = make_proposal()
    db.session.add(Comment(proposal_id=proposal.id, author_id=make_user().id, body="x", stance="maybe"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_proposal_page_includes_the_discussion_with_bounded_queries(english, make_proposal, make_comment,
                                                                    make_user):
    small, large = make_proposal(title="Pieni"), make_proposal(title="Suuri")
    _fill(small, make_comment, make_user, 10)
    _fill(large, make_comment, make_user, 200)
    small_url, large_url = f"/proposals/{small.id}", f"/proposals/{large.id}"
    for role in (None, "resident", "coordinator"):
        client, _ = english(role)
        client.get(small_url)
        with count_queries() as few:
            small_html = text(client.get(small_url))
        with count_queries() as many:
            large_html = text(client.get(large_url))
        assert 'id="comments"' in small_html and large_html.count('class="comment') > 190
        assert "Hidden by a moderator: Asiaton" in large_html
        if role:
            assert f'action="/proposals/{large.id}/report"' in large_html
            assert f'action="/proposals/{large.id}/comments"' in large_html
        assert len(many) == len(few), (role, len(many), len(few))


def test_after_writing_the_browser_returns_to_the_proposal_page(english, make_proposal):
    proposal = make_proposal()
    client, _ = english()
    response = write(client, proposal, "Takaisin ehdotukseen")
    (comment,) = comments()
    assert response.headers["Location"] == f"/proposals/{proposal.id}#comment-{comment.id}"
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert "Your comment has been published." in html and "Takaisin ehdotukseen" in html
