"""Proposals: submitting with a preview, editing, withdrawing, supports, endorsements, follows,
the board's state moves and answers, hidden proposals, the list and its query counts."""
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.comments.models import Comment
from app.extensions import db
from app.proposals import services
from app.proposals.models import Endorsement, Follow, Support
from app.timeutil import utcnow
from tests.conftest import count_queries, immediate_emails, post_form
from tests.proposal_helpers import (  # noqa: F401  (fixtures)
    DAY,
    PROPOSAL_FORM,
    add_proposal,
    english,
    endorsements,
    follows,
    make_consultation,
    proposals,
    send_proposal,
    state_changes,
    supports,
    text,
    then,
)

REVIEW_STARTED = (("proposals", -30 * DAY, -DAY), ("review", -DAY, 30 * DAY))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))


# --- submitting ----------------------------------------------------------------------------------

def test_preview_shows_the_rendered_text_and_stores_nothing(english, make_consultation):
    consultation = make_consultation()
    client, _ = english("resident")
    response = send_proposal(client, consultation, action="preview")
    assert response.status_code == 200
    html = text(response)
    assert 'id="preview"' in html and "<strong>katos</strong>" in html
    assert 'value="6 500,50"' in html  # the cost as typed
    assert proposals() == []


def test_resident_submits_a_proposal_and_follows_it(english, make_consultation, make_association):
    village = make_association().village
    consultation = make_consultation()
    client, user = english("resident", name="Aino Asukas")
    response = send_proposal(client, consultation, village_id=str(village.id))
    (proposal,) = proposals()
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    assert (proposal.title, proposal.author_id, proposal.association_id) == ("Radansuun bussikatos", user.id, None)
    assert proposal.estimated_cost == Decimal("6500.50") and proposal.village_id == village.id
    assert proposal.state == "submitted" and proposal.category == "roads_and_lighting"
    assert [(f.user_id, f.proposal_id) for f in follows()] == [(user.id, proposal.id)]
    html = then(client, response)
    assert "Your proposal has been submitted." in html
    assert "Submitted by Aino Asukas" in html and "<strong>katos</strong>" in html


@pytest.mark.parametrize("typed, stored", [("1 234,50", "1234.50"), ("1234.50", "1234.50"),
                                           ("1\u00a0234,5 €", "1234.5"), ("500", "500"), ("1.234,50", "1234.50"),
                                           ("", None)])
def test_cost_is_read_the_finnish_or_the_english_way(english, make_consultation, typed, stored):
    client, _ = english("resident")
    assert send_proposal(client, make_consultation(), estimated_cost=typed).status_code == 302
    (proposal,) = proposals()
    assert proposal.estimated_cost == (Decimal(stored) if stored else None)


@pytest.mark.parametrize("typed, message", [
    ("-5", "The cost cannot be negative."),
    ("-1 234,50", "The cost cannot be negative."),
    ("viisisataa", "Write the cost in euros as a number"),
    ("12,345", "Give the cost with at most two decimals"),
    ("1e6", "Write the cost in euros as a number"),
    ("NaN", "Write the cost in euros as a number"),
    ("99999999999", "The cost is too large."),
])
def test_bad_cost_is_refused_with_a_clear_message(english, make_consultation, typed, message):
    client, _ = english("resident")
    response = send_proposal(client, make_consultation(), estimated_cost=typed)
    assert response.status_code == 200
    html = text(response)
    assert message in html and 'id="estimated_cost-error"' in html
    assert f'value="{typed}"' in html
    assert proposals() == []


@pytest.mark.parametrize("bad", [{"title": ""}, {"title": "x" * 201}, {"title": "x" * 100_000}, {"body": ""},
                                 {"body": "x" * 20_001}, {"category": "weapons"}, {"village_id": "999"},
                                 {"location": "x" * 201}, {"title": "a\x07b"}])
def test_bad_proposal_input_is_refused_and_nothing_is_stored(english, make_consultation, bad):
    client, _ = english("resident")
    response = send_proposal(client, make_consultation(), **bad)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert proposals() == []


def test_script_and_javascript_links_are_stored_as_typed_and_shown_harmless(english, make_consultation):
    body = "Katso <script>alert(1)</script> ja [tämä](javascript:alert(1)) <img src=x onerror=alert(1)>"
    client, _ = english("resident")
    send_proposal(client, make_consultation(), body=body, title="<b>Otsikko</b>")
    (proposal,) = proposals()
    assert proposal.body == body and proposal.title == "<b>Otsikko</b>"
    for html in (client.get(f"/proposals/{proposal.id}").get_data(as_text=True),
                 client.get("/proposals").get_data(as_text=True)):
        assert "<script>alert" not in html and 'href="javascript' not in html and "<img" not in html
        assert "<b>Otsikko</b>" not in html and "&lt;b&gt;Otsikko&lt;/b&gt;" in html


@pytest.mark.parametrize("windows", [(("information", -DAY, 10 * DAY),), REVIEW_STARTED,
                                     (("proposals", 2 * DAY, 10 * DAY),), (("proposals", -10 * DAY, -DAY),)])
def test_no_proposal_outside_the_proposals_phase(english, make_consultation, windows):
    consultation = make_consultation(windows=windows)
    client, _ = english("resident")
    message = "Proposals can be submitted only in the consultation's proposals phase."
    assert message in then(client, client.get(f"/consultations/{consultation.id}/proposals/new"))
    assert message in then(client, send_proposal(client, consultation))
    assert proposals() == []


def test_proposal_phase_is_checked_again_when_saving(app, make_consultation, make_user):
    from app.proposals.services import ProposalDraft, ProposalError

    consultation = make_consultation(windows=REVIEW_STARTED)
    with pytest.raises(ProposalError) as error:
        services.submit_proposal(make_user(), consultation, ProposalDraft("Otsikko", "Teksti"), utcnow(),
                                 datetime.now().date())
    assert error.value.code == "phase_closed"
    assert proposals() == []


def test_representative_submits_in_the_name_of_the_association(english, make_consultation, make_association):
    association = make_association("Vuolenkosken kyläyhdistys ry")
    consultation = make_consultation()
    client, user = english("representative", name="Eero Edustaja", association=association)
    form = text(client.get(f"/consultations/{consultation.id}/proposals/new"))
    assert "Me, for Vuolenkosken kyläyhdistys ry" in form
    send_proposal(client, consultation, association_id=str(association.id))
    (proposal,) = proposals()
    assert proposal.association_id == association.id
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert "Submitted by Eero Edustaja for Vuolenkosken kyläyhdistys ry" in html


def test_resident_cannot_submit_for_an_association(english, make_consultation, make_association):
    association = make_association()
    consultation = make_consultation()
    client, _ = english("resident")
    assert 'name="association_id"' not in client.get(f"/consultations/{consultation.id}/proposals/new").get_data(
        as_text=True)
    response = send_proposal(client, consultation, association_id=str(association.id))
    assert response.status_code == 200 and proposals() == []


def test_new_proposal_emails_the_consultations_followers_in_their_language(english, make_consultation, outbox):
    consultation = make_consultation("Kylien investointiraha 2027")
    follower, person = english("resident")
    immediate_emails(person)  # not in the default weekly digest
    post_form(follower, f"/consultations/{consultation.id}/follow", {"value": "1"})
    author, writer = english("resident")
    post_form(author, f"/consultations/{consultation.id}/follow", {"value": "1"})
    send_proposal(author, consultation)
    assert [m["To"] for m in outbox] == [person.email]  # not to the author
    assert "Kylien investointiraha 2027" in outbox[0]["Subject"]
    assert "A new proposal “Radansuun bussikatos” in Kylien investointiraha 2027." in outbox[0].get_content()
    assert f"/proposals/{proposals()[0].id}" in outbox[0].get_content()


# --- editing and withdrawing ---------------------------------------------------------------------

def test_author_edits_with_a_preview(english, add_proposal):
    client, user = english("resident")
    proposal = add_proposal(author=user, estimated_cost=Decimal("18500"))
    form = text(client.get(f"/proposals/{proposal.id}/edit"))
    assert 'value="18,500"' in form  # English grouping; the Finnish page shows 18 500
    url = f"/proposals/{proposal.id}/edit"
    data = {**PROPOSAL_FORM, "title": "Radansuun bussikatos ja penkki"}
    response = post_form(client, url, {**data, "action": "preview"})
    assert response.status_code == 200 and proposals()[0].title == "Radansuun bussikatos"
    response = post_form(client, url, {**data, "action": "submit"})
    assert "Your changes have been saved." in then(client, response)
    assert proposals()[0].title == "Radansuun bussikatos ja penkki"


def test_editing_someone_elses_proposal_is_forbidden(english, add_proposal):
    proposal = add_proposal()
    for role in ("resident", "board_member", "coordinator"):
        client, _ = english(role)
        assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
        assert post_form(client, f"/proposals/{proposal.id}/edit", {**PROPOSAL_FORM, "title": "Kaapattu",
                                                                     "action": "submit"}).status_code == 403
        assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 403
    visitor, _ = english(None)
    assert "/login" in visitor.get(f"/proposals/{proposal.id}/edit").headers["Location"]
    assert proposals()[0].title == "Radansuun bussikatos"


def test_no_editing_after_the_review_phase_started(english, add_proposal, make_consultation):
    client, user = english("resident")
    proposal = add_proposal(author=user, consultation=make_consultation(windows=REVIEW_STARTED))
    html = then(client, client.get(f"/proposals/{proposal.id}/edit"))
    assert "can no longer be edited" in html
    response = post_form(client, f"/proposals/{proposal.id}/edit", {**PROPOSAL_FORM, "title": "Myöhässä",
                                                                     "action": "submit"})
    assert response.status_code == 302
    assert proposals()[0].title == "Radansuun bussikatos"
    assert f"/proposals/{proposal.id}/edit" not in text(client.get(f"/proposals/{proposal.id}"))


def test_no_editing_once_the_board_has_moved_it(english, add_proposal):
    client, user = english("resident")
    proposal = add_proposal(author=user, state="under_review")
    assert "Only a proposal that is waiting for review can be edited." in then(
        client, client.get(f"/proposals/{proposal.id}/edit"))


def test_author_withdraws_and_the_proposal_stays(english, add_proposal, make_user, outbox):
    client, user = english("resident")
    proposal = add_proposal(author=user)
    follower = make_user()
    immediate_emails(follower)
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    db.session.commit()
    url = f"/proposals/{proposal.id}/withdraw"
    assert client.get(url).status_code == 200
    assert post_form(client, url, {}).status_code == 200  # the box not ticked: nothing happens
    assert proposals()[0].state == "submitted"
    html = then(client, post_form(client, url, {"confirm": "y"}))
    assert "Your proposal has been withdrawn." in html and "Withdrawn" in html
    assert proposals()[0].state == "withdrawn"
    assert [(c.from_state, c.to_state, c.changed_by_id) for c in state_changes()] == [
        ("submitted", "withdrawn", user.id)]
    assert [m["To"] for m in outbox] == [follower.email]
    assert "can no longer be withdrawn" in then(client, post_form(client, url, {"confirm": "y"}))
    assert len(state_changes()) == 1


# --- supports, endorsements, follows -------------------------------------------------------------

def support(client, proposal, value="1"):
    return post_form(client, f"/proposals/{proposal.id}/support", {"value": value})


def test_support_once_take_back_and_support_again(english, add_proposal):
    proposal = add_proposal()
    client, user = english("resident")
    assert "Thank you for supporting" in then(client, support(client, proposal))
    support(client, proposal)
    (row,) = supports()
    assert row.user_id == user.id and row.withdrawn_at is None
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert "1 support" in html and "Take back my support" in html
    support(client, proposal, "0")
    (row,) = supports()
    assert row.withdrawn_at is not None
    assert "0 supports" in text(client.get(f"/proposals/{proposal.id}"))
    support(client, proposal)
    assert [(r.id, r.withdrawn_at) for r in supports()] == [(row.id, None)]


def test_the_database_allows_one_support_per_person(app, add_proposal, make_user):
    from sqlalchemy.exc import IntegrityError

    proposal = add_proposal()
    user = make_user()
    db.session.add_all([Support(proposal_id=proposal.id, user_id=user.id) for _ in range(2)])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_concurrent_double_click_keeps_one_support_and_no_error(english, add_proposal, monkeypatch):
    proposal = add_proposal()
    client, user = english("resident")
    real_find = services._find_row
    raced = []

    def racing_find(model, lookup):
        # The other click's insert lands between this request's read and its insert.
        if not raced:
            raced.append(True)
            with db.engine.begin() as connection:
                connection.execute(sa.insert(Support).values(proposal_id=proposal.id, user_id=user.id,
                                                             created_at=utcnow()))
            return None
        return real_find(model, lookup)

    monkeypatch.setattr(services, "_find_row", racing_find)
    assert "Thank you for supporting" in then(client, support(client, proposal))
    assert raced and len(supports()) == 1


@pytest.mark.parametrize("windows", [REVIEW_STARTED, (("information", -DAY, 10 * DAY),)])
def test_no_supporting_outside_the_proposals_phase(english, add_proposal, make_consultation, windows):
    proposal = add_proposal(consultation=make_consultation(windows=windows))
    client, _ = english("resident")
    assert "This cannot be done in the consultation's current phase." in then(client, support(client, proposal))
    assert supports() == []
    assert "Support this proposal" not in text(client.get(f"/proposals/{proposal.id}"))


def test_no_supporting_a_withdrawn_proposal(english, add_proposal):
    proposal = add_proposal(state="withdrawn")
    client, _ = english("resident")
    assert "This proposal has been closed" in then(client, support(client, proposal))
    assert supports() == []


def test_visitor_is_sent_to_sign_in_to_support(english, add_proposal):
    proposal = add_proposal()
    visitor, _ = english(None)
    assert "Sign in to support this proposal" in text(visitor.get(f"/proposals/{proposal.id}"))
    assert "/login" in support(visitor, proposal).headers["Location"]
    assert supports() == []


def test_representative_endorses_for_the_association(english, add_proposal, make_association):
    association = make_association("Radansuun kyläyhdistys ry", "Radansuu")
    proposal = add_proposal()
    client, rep = english("representative", association=association)
    url = f"/proposals/{proposal.id}/endorsements/{association.id}"
    assert "Endorse for Radansuun kyläyhdistys ry" in text(client.get(f"/proposals/{proposal.id}"))
    html = then(client, post_form(client, url, {"value": "1"}))
    assert "Radansuun kyläyhdistys ry now endorses the proposal." in html
    post_form(client, url, {"value": "1"})
    (row,) = endorsements()
    assert (row.association_id, row.user_id, row.withdrawn_at) == (association.id, rep.id, None)
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert "Withdraw the endorsement of Radansuun kyläyhdistys ry" in html
    assert f'<li><a href="/associations/{association.id}">Radansuun kyläyhdistys ry</a></li>' in html
    post_form(client, url, {"value": "0"})
    assert endorsements()[0].withdrawn_at is not None


def test_only_the_associations_representatives_may_endorse(english, add_proposal, make_association):
    association = make_association()
    proposal = add_proposal()
    url = f"/proposals/{proposal.id}/endorsements/{association.id}"
    for role in ("resident", "representative", "coordinator"):  # the representative represents another one
        client, _ = english(role)
        assert post_form(client, url, {"value": "1"}).status_code == 403
    assert endorsements() == []


def test_follow_and_unfollow_a_proposal(english, add_proposal):
    proposal = add_proposal()
    client, user = english("resident")
    url = f"/proposals/{proposal.id}/follow"
    post_form(client, url, {"value": "1"})
    post_form(client, url, {"value": "1"})
    assert [(f.user_id, f.proposal_id) for f in follows()] == [(user.id, proposal.id)]
    assert "Stop following" in text(client.get(f"/proposals/{proposal.id}"))
    post_form(client, url, {"value": "0"})
    assert follows() == []


# --- the board: states and answers ---------------------------------------------------------------

def move(client, proposal, state, note=""):
    return post_form(client, f"/proposals/{proposal.id}/state", {"state": state, "note": note})


def test_board_moves_the_proposal_and_people_hear_of_it(english, add_proposal, make_user, outbox):
    author = make_user(name="Aino Asukas")
    author.language = "en"
    follower = make_user()
    proposal = add_proposal(author=author)
    immediate_emails(author, follower)
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    db.session.commit()
    board, member = english("board_member", name="Leena Lautakunta")
    html = text(board.get(f"/proposals/{proposal.id}"))
    assert '<option value="under_review">Under review</option>' in html
    assert '<option value="implemented">' not in html  # only the moves the state machine allows
    assert "The proposal is now: Under review." in then(board, move(board, proposal, "under_review", "Selvitetään."))
    move(board, proposal, "accepted")
    assert proposals()[0].state == "accepted"
    assert [(c.from_state, c.to_state, c.changed_by_id, c.note) for c in state_changes()] == [
        ("submitted", "under_review", member.id, "Selvitetään."), ("under_review", "accepted", member.id, "")]
    assert audit_actions() == ["proposal.state_changed", "proposal.state_changed"]
    assert sorted(m["To"] for m in outbox) == sorted([author.email, follower.email] * 2)
    english_mail = next(m for m in outbox if m["To"] == author.email)
    assert "has moved from “Submitted” to “Under review”" in english_mail.get_content()
    assert "Selvitetään." in english_mail.get_content()
    history = text(board.get(f"/proposals/{proposal.id}"))
    assert "Selvitetään." in history and "Leena Lautakunta" in history


@pytest.mark.parametrize("state, start, message", [
    ("implemented", "submitted", "cannot be moved to that state"),
    ("submitted", "submitted", "already in this state"),
    ("withdrawn", "submitted", "You cannot make this change"),
    ("accepted", "rejected", "cannot be moved to that state"),
    ("bogus", "submitted", "Not a valid choice"),
    ("", "submitted", "Choose the new state."),
])
def test_moves_the_state_machine_refuses_change_nothing(english, add_proposal, outbox, state, start, message):
    proposal = add_proposal(state=start)
    board, _ = english("coordinator")
    html = then(board, move(board, proposal, state))
    assert message in html
    assert proposals()[0].state == start
    assert state_changes() == [] and audit_actions() == [] and outbox == []


def test_only_the_board_moves_states_and_answers(english, add_proposal):
    proposal = add_proposal()
    client, _ = english("resident")
    assert move(client, proposal, "under_review").status_code == 403
    assert post_form(client, f"/proposals/{proposal.id}/answer", {"answer": "Ei."}).status_code == 403
    assert "For the board" not in text(client.get(f"/proposals/{proposal.id}"))
    assert proposals()[0].state == "submitted" and proposals()[0].answer == ""


def test_official_answer_is_shown_at_the_top_and_sent(english, add_proposal, make_user, outbox):
    author = make_user()
    immediate_emails(author)
    proposal = add_proposal(author=author)
    board, member = english("board_member", name="Leena Lautakunta")
    url = f"/proposals/{proposal.id}/answer"
    html = then(board, post_form(board, url, {"answer": "Katos rakennetaan **keväällä**."}))
    assert "The official answer has been published." in html
    answer_at = html.index("Official answer")
    assert answer_at < html.index("Pysäkille tarvitaan katos.")
    assert "<strong>keväällä</strong>" in html and "Answered by Leena Lautakunta" in html
    (row,) = proposals()
    assert row.answered_by_id == member.id and row.answered_at is not None
    assert [m["To"] for m in outbox] == [author.email]
    assert "Katos rakennetaan **keväällä**." in outbox[0].get_content()
    post_form(board, url, {"answer": "Katos rakennetaan kesällä."})
    post_form(board, url, {"answer": "Katos rakennetaan kesällä."})  # unchanged: no new email or audit
    assert audit_actions() == ["proposal.answered", "proposal.answer_edited"]
    assert len(outbox) == 2
    assert "Write the answer." in then(board, post_form(board, url, {"answer": "   "}))
    assert proposals()[0].answer == "Katos rakennetaan kesällä."


# --- hidden proposals ----------------------------------------------------------------------------

def test_hidden_proposal_shows_the_reason_to_the_public_and_the_text_to_its_author(english, add_proposal):
    author_client, author = english("resident")
    proposal = add_proposal(author=author, title="Salainen otsikko", body="Salainen teksti",
                            hidden_at=utcnow(), hidden_reason="Henkilötietoja")
    visitor, _ = english(None)
    html = text(visitor.get(f"/proposals/{proposal.id}"))
    assert "Hidden by a moderator: Henkilötietoja" in html
    assert "Salainen otsikko" not in html and "Salainen teksti" not in html
    assert "Salainen otsikko" not in text(visitor.get("/proposals"))
    for client in (author_client, english("coordinator")[0]):
        html = text(client.get(f"/proposals/{proposal.id}"))
        assert "Salainen teksti" in html and "Hidden by a moderator: Henkilötietoja" in html
    assert "Salainen otsikko" in text(english("coordinator")[0].get("/proposals"))
    resident, _ = english("resident")
    assert "hidden by a moderator" in then(resident, support(resident, proposal))
    assert supports() == []


# --- 404s ----------------------------------------------------------------------------------------

def test_nonexistent_proposal_is_404(english, add_proposal, make_association):
    association = make_association()
    proposal = add_proposal()
    client, _ = english("coordinator")
    for path in ("/proposals/999", "/proposals/999/edit", "/proposals/999/withdraw"):
        assert client.get(path).status_code == 404, path
    for path in ("/proposals/999/support", "/proposals/999/follow", "/proposals/999/state", "/proposals/999/answer",
                 f"/proposals/999/endorsements/{association.id}", f"/proposals/{proposal.id}/endorsements/999"):
        assert post_form(client, path, {"value": "1", "state": "accepted", "answer": "x"}).status_code == 404, path
    assert supports() == [] and endorsements() == []


# --- the list ------------------------------------------------------------------------------------

def titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title"><a href="/proposals/\d+">([^<]+)</a>', html)


def test_list_filters(english, make_consultation, add_proposal, make_association):
    rep_association = make_association("Lyöttilän kyläyhdistys ry", "Lyöttilä")
    vuolenkoski = make_association("Vuolenkosken kyläyhdistys ry", "Vuolenkoski")
    invest = make_consultation("Kylien investointiraha 2027")
    other = make_consultation("Osallistuva budjetointi 2026")
    add_proposal("Lyöttilän rantasauna", consultation=invest, village=rep_association.village,
                 association=rep_association, category="nature_and_recreation",
                 body="Puulämmitteinen sauna uimarannalle.")
    add_proposal("Vuolenkosken kylätalon katto", consultation=invest, village=vuolenkoski.village,
                 category="village_facilities", body="Katto vuotaa, saunan lauteet myös.", state="under_review")
    add_proposal("Kymijoen rantareitti", consultation=other, category="nature_and_recreation",
                 body="Reitti joen vartta.", state="implemented")
    client, _ = english(None)
    cases = {
        f"consultation={invest.id}": {"Lyöttilän rantasauna", "Vuolenkosken kylätalon katto"},
        f"village={vuolenkoski.village_id}": {"Vuolenkosken kylätalon katto"},
        "category=nature_and_recreation": {"Lyöttilän rantasauna", "Kymijoen rantareitti"},
        "state=implemented": {"Kymijoen rantareitti"},
        f"association={rep_association.id}": {"Lyöttilän rantasauna"},
        "q=sauna": {"Lyöttilän rantasauna", "Vuolenkosken kylätalon katto"},  # 'saunan' in a body
        "q=SAUNA+uimarannalle": {"Lyöttilän rantasauna"},
        "q=kymijoen": {"Kymijoen rantareitti"},
        # Only letters and digits are searched for: '%' is no wildcard, punctuation is no syntax.
        "q=%25saun%25": {"Lyöttilän rantasauna", "Vuolenkosken kylätalon katto"},
        "q=sauna%27%3B--": {"Lyöttilän rantasauna", "Vuolenkosken kylätalon katto"},
        "q=!!!": {"Lyöttilän rantasauna", "Vuolenkosken kylätalon katto", "Kymijoen rantareitti"},
        f"consultation={invest.id}&category=village_facilities": {"Vuolenkosken kylätalon katto"},
        # Unknown values filter nothing and are no errors.
        "village=abc&state=<script>&sort=bogus&consultation=999&page=-1": {
            "Lyöttilän rantasauna", "Vuolenkosken kylätalon katto", "Kymijoen rantareitti"},
    }
    for query, expected in cases.items():
        response = client.get(f"/proposals?{query}")
        assert response.status_code == 200, query
        assert set(titles(text(response))) == expected, query


def _fill(consultation, add_proposal, make_user, count: int, with_activity: bool = True):
    """`count` proposals; the i-th gets i % 4 supports and i % 3 visible comments (plus a hidden one)."""
    people = [make_user() for _ in range(4)]
    made = []
    for i in range(count):
        proposal = add_proposal(f"Ehdotus {i:02d}", consultation=consultation, author=people[0],
                                created_at=utcnow() - timedelta(minutes=count - i))
        if with_activity:
            for person in people[: i % 4]:
                db.session.add(Support(proposal_id=proposal.id, user_id=person.id))
            for _ in range(i % 3):
                db.session.add(Comment(proposal_id=proposal.id, author_id=people[1].id, body="Hyvä"))
            db.session.add(Comment(proposal_id=proposal.id, author_id=people[2].id, body="Piilotettu",
                                   hidden_at=utcnow(), hidden_reason="asiaton"))
        made.append(proposal)
    db.session.commit()
    return made


def test_sorts_by_supports_newest_and_discussion(english, make_consultation, add_proposal, make_user):
    consultation = make_consultation()
    _fill(consultation, add_proposal, make_user, 8)
    client, _ = english(None)
    newest = titles(text(client.get("/proposals?sort=newest")))
    assert newest == [f"Ehdotus {i:02d}" for i in range(7, -1, -1)]
    by_supports = titles(text(client.get("/proposals?sort=supports")))
    assert by_supports[:2] == ["Ehdotus 07", "Ehdotus 03"]  # 3 supports each, newest first
    by_comments = titles(text(client.get("/proposals?sort=discussed")))
    assert by_comments[:3] == ["Ehdotus 05", "Ehdotus 02", "Ehdotus 07"]  # 2 visible comments each
    html = text(client.get("/proposals?sort=supports"))
    assert "3 supports" in html and "2 comments" in html


def test_random_order_is_stable_per_visitor_and_across_pages(english, make_consultation, add_proposal, make_user):
    consultation = make_consultation()
    _fill(consultation, add_proposal, make_user, 30, with_activity=False)
    first, _ = english(None)
    page1 = titles(text(first.get("/proposals")))
    page2 = titles(text(first.get("/proposals?page=2")))
    assert len(page1) == 20 and len(page2) == 10 and not set(page1) & set(page2)
    assert titles(text(first.get("/proposals?sort=random"))) == page1
    assert page1 + page2 != [f"Ehdotus {i:02d}" for i in range(30)]
    others = [titles(text(english(None)[0].get("/proposals"))) for _ in range(3)]
    assert any(order != page1 for order in others)  # another visitor, another order


@pytest.mark.parametrize("sort", ["random", "supports", "newest", "discussed"])
def test_list_queries_do_not_grow_with_the_proposals(english, make_consultation, add_proposal, make_user, sort):
    consultation = make_consultation()
    client, _ = english("resident")
    _fill(consultation, add_proposal, make_user, 5)
    with count_queries() as few:
        assert len(titles(text(client.get(f"/proposals?sort={sort}&q=ehdotus")))) == 5
    _fill(consultation, add_proposal, make_user, 55)
    with count_queries() as many:
        assert len(titles(text(client.get(f"/proposals?sort={sort}&q=ehdotus")))) == 20
    assert len(many) == len(few)


def test_proposal_page_queries_do_not_grow_with_supports_and_comments(english, make_consultation, add_proposal,
                                                                      make_user, make_association):
    proposal = add_proposal()
    client, _ = english("board_member")

    def add_activity(count):
        for n in range(count):
            person = make_user()
            db.session.add(Support(proposal_id=proposal.id, user_id=person.id))
            db.session.add(Comment(proposal_id=proposal.id, author_id=person.id, body=f"Kommentti {n}"))
            db.session.add(Follow(user_id=person.id, proposal_id=proposal.id))
            association = make_association(f"Yhdistys {count}-{n}", f"Kylä {n}")
            db.session.add(Endorsement(proposal_id=proposal.id, association_id=association.id, user_id=person.id))
        db.session.commit()

    add_activity(5)
    with count_queries() as few:
        assert "5 supports" in text(client.get(f"/proposals/{proposal.id}"))
    add_activity(55)
    with count_queries() as many:
        assert "60 supports" in text(client.get(f"/proposals/{proposal.id}"))
    assert len(many) == len(few)


# --- my data -------------------------------------------------------------------------------------

def test_my_data_lists_proposals_supports_endorsements_and_follows(english, add_proposal, make_association):
    association = make_association()
    client, user = english("representative", association=association)
    mine = add_proposal("Oma ehdotus", author=user, estimated_cost=Decimal("1234.50"))
    other = add_proposal("Toisen ehdotus")
    support(client, other)
    post_form(client, f"/proposals/{other.id}/endorsements/{association.id}", {"value": "1"})
    post_form(client, f"/proposals/{mine.id}/follow", {"value": "1"})
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert [(p["title"], p["estimated_cost"]) for p in data["proposals"]] == [("Oma ehdotus", "1234.50")]
    assert [s["proposal_id"] for s in data["supports"]] == [other.id]
    assert [(e["proposal_id"], e["association_id"]) for e in data["endorsements"]] == [(other.id, association.id)]
    assert [f["proposal_id"] for f in data["follows"]] == [mine.id]
