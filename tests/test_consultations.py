"""Consultations: the coordinator's form with phase dates, the list, the page and its timeline."""
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from app.audit.models import AuditLog
from app.consultations.models import Consultation, ConsultationPhase
from app.consultations.services import LIFECYCLE_RANK, lifecycle_of, lifecycle_rank
from app.extensions import db
from app.timeutil import local_midnight_utc, today, utcnow
from tests.conftest import count_queries, post_form
from tests.proposal_helpers import (  # noqa: F401  (fixtures)
    DAY,
    add_proposal,
    english,
    make_consultation,
    text,
    then,
)

PHASES = ("information", "proposals", "review", "voting", "results", "closed")


def form_data(title="Kylien investointiraha 2027", village_id="0", override="", **days):
    """The consultation form; `days` maps e.g. proposals_starts to a date (or text)."""
    data = {"title": title, "description": "Kunta varaa **120 000 €** kylien investointeihin.",
            "village_id": village_id, "phase_override": override}
    for phase in PHASES:
        data[f"{phase}_starts"] = ""
        data[f"{phase}_ends"] = ""
    data.update({k: v.isoformat() if isinstance(v, date) else v for k, v in days.items()})
    return data


def save(client, data, consultation_id=None):
    url = f"/consultations/{consultation_id}/edit" if consultation_id else "/consultations/new"
    return post_form(client, url, data, token_from="/consultations")


def consultations():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Consultation).order_by(Consultation.id)))


def windows(consultation):
    rows = db.session.scalars(sa.select(ConsultationPhase).where(ConsultationPhase.consultation_id == consultation.id)
                              .order_by(ConsultationPhase.starts_at))
    return [(r.phase, r.starts_at, r.ends_at) for r in rows]


# --- creating and editing ------------------------------------------------------------------------

def test_coordinator_creates_a_consultation_with_phase_days(english, make_association):
    association = make_association()
    client, boss = english("coordinator")
    t = today()
    response = save(client, form_data(village_id=str(association.village_id),
                                      information_starts=t - timedelta(days=10), information_ends=t - DAY,
                                      proposals_starts=t, proposals_ends=t + timedelta(days=20),
                                      closed_starts=t + timedelta(days=21)))
    (consultation,) = consultations()
    assert response.headers["Location"] == f"/consultations/{consultation.id}"
    assert consultation.village_id == association.village_id and consultation.created_by_id == boss.id
    # Days are stored as UTC moments of Helsinki midnight; a last day runs to the next midnight.
    assert windows(consultation) == [
        ("information", local_midnight_utc(t - timedelta(days=10)), local_midnight_utc(t)),
        ("proposals", local_midnight_utc(t), local_midnight_utc(t + timedelta(days=21))),
        ("closed", local_midnight_utc(t + timedelta(days=21)), None),
    ]
    html = text(client.get(f"/consultations/{consultation.id}"))
    assert "<strong>120 000 €</strong>" in html
    assert html.count('aria-current="step"') == 1
    current = re.search(r'<li class="timeline-step is-current" aria-current="step">\s*'
                        r'<span class="timeline-name">(\w+)</span>', html)
    assert current and current.group(1) == "Proposals"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "consultation.created"))
    assert entry.actor_id == boss.id and entry.object_id == consultation.id


def test_editing_moves_dates_in_place_and_audits_the_changes(english):
    client, _ = english("coordinator")
    t = today()
    save(client, form_data(proposals_starts=t, proposals_ends=t + timedelta(days=20),
                           review_starts=t + timedelta(days=21), review_ends=t + timedelta(days=30)))
    (consultation,) = consultations()
    ids = {r.phase: r.id for r in consultation.phases}
    form = text(client.get(f"/consultations/{consultation.id}/edit"))
    assert f'value="{(t + timedelta(days=20)).isoformat()}"' in form  # the last day, as entered
    response = save(client, form_data(title="Kylien investointiraha 2027 (jatkettu)", proposals_starts=t,
                                      proposals_ends=t + timedelta(days=25), voting_starts=t + timedelta(days=26)),
                    consultation.id)
    assert response.status_code == 302
    (consultation,) = consultations()
    assert [r.phase for r in consultation.phases] == ["proposals", "voting"]
    assert {r.phase: r.id for r in consultation.phases}["proposals"] == ids["proposals"]  # updated, not replaced
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "consultation.edited"))
    assert entry.details["title"] == ["Kylien investointiraha 2027", "Kylien investointiraha 2027 (jatkettu)"]
    assert entry.details["phase:review"][1] is None and entry.details["phase:voting"][0] is None


@pytest.mark.parametrize("days, field, message", [
    ({"proposals_starts": 10, "proposals_ends": 5}, "proposals_ends", "The last day must not be before the first day."),
    ({"proposals_starts": 0, "proposals_ends": 20, "review_starts": 15, "review_ends": 30}, "review_starts",
     "This phase must start after the previous phase has ended."),
    ({"information_starts": 0, "proposals_starts": 10}, "proposals_starts",
     "Only the last phase may be left without a last day."),
    ({"proposals_ends": 20}, "proposals_starts", "Give the first day too."),
    ({}, "information_starts", "Give the dates of at least one phase."),
    ({"proposals_starts": "31.2.2026"}, "proposals_starts", "Not a valid date value."),
])
def test_impossible_phase_dates_are_refused_with_a_message(english, days, field, message):
    client, _ = english("coordinator")
    t = today()
    values = {k: (t + timedelta(days=v) if isinstance(v, int) else v) for k, v in days.items()}
    response = save(client, form_data(**values))
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert f'id="{field}-error"' in html and 'class="error-summary"' in html
    assert consultations() == []
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == 0


@pytest.mark.parametrize("bad", [{"title": ""}, {"title": "x" * 201}, {"title": "x" * 100_000},
                                 {"village_id": "999"}, {"phase_override": "bogus"}, {"title": "a\x00b"}])
def test_bad_consultation_input_changes_nothing(english, bad):
    client, _ = english("coordinator")
    response = save(client, {**form_data(proposals_starts=today()), **bad})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert consultations() == []


def test_description_markup_is_sanitised(english, make_consultation):
    consultation = make_consultation(description="<script>alert(1)</script> [x](javascript:alert(1)) *ok*")
    client, _ = english(None)
    html = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "<script>alert" not in html and 'href="javascript' not in html and "<em>ok</em>" in html


def test_forced_phase_overrides_the_dates(english, make_consultation):
    consultation = make_consultation()
    client, _ = english("coordinator")
    data = form_data(title=consultation.title, override="closed", proposals_starts=today() - DAY,
                     proposals_ends=today() + timedelta(days=30))
    assert save(client, data, consultation.id).status_code == 302
    html = then(client, client.get(f"/consultations/{consultation.id}/proposals/new"))
    assert "Proposals can be submitted only in the consultation's proposals phase." in html
    assert "A coordinator has set the phase" in html
    assert re.search(r'aria-current="step">\s*<span class="timeline-name">Closed', html)


# --- the list ------------------------------------------------------------------------------------

def test_list_shows_open_then_upcoming_then_closed(english, make_consultation):
    make_consultation("Päättynyt", windows=(("proposals", -30 * DAY, -10 * DAY),))
    make_consultation("Tuleva myöhemmin", windows=(("information", 20 * DAY, 30 * DAY),))
    make_consultation("Auki", windows=(("proposals", -DAY, 10 * DAY),))
    make_consultation("Tuleva pian", windows=(("information", 2 * DAY, 30 * DAY),))
    make_consultation("Suljettu koordinaattorin toimesta", override="closed")
    make_consultation("Suljettu-vaiheessa", windows=(("results", -30 * DAY, -5 * DAY), ("closed", -5 * DAY, None)))
    make_consultation("Välissä", windows=(("proposals", -20 * DAY, -5 * DAY), ("voting", 5 * DAY, 10 * DAY)))
    make_consultation("Ilman päiviä", windows=())
    client, _ = english(None)
    html = text(client.get("/consultations"))
    titles = re.findall(r'<h3 class="card-title"><a href="/consultations/\d+">([^<]+)</a>', html)
    assert titles[:2] == ["Auki", "Välissä"] or titles[:2] == ["Välissä", "Auki"]
    assert titles[2:5] == ["Tuleva pian", "Tuleva myöhemmin", "Ilman päiviä"]
    assert set(titles[5:]) == {"Päättynyt", "Suljettu koordinaattorin toimesta", "Suljettu-vaiheessa"}
    assert [h for h in re.findall(r'<h2 id="group-(\w+)"', html)] == ["open", "upcoming", "closed"]
    assert "Nothing is open right now. The next phase starts on" in html  # the one between phases


def test_sql_lifecycle_agrees_with_the_phase_rules(make_consultation):
    now = utcnow()
    shapes = [(), (("proposals", -DAY, DAY),), (("proposals", DAY, 2 * DAY),), (("proposals", -2 * DAY, -DAY),),
              (("proposals", -DAY, None),), (("proposals", -5 * DAY, -DAY), ("voting", DAY, 2 * DAY)),
              (("results", -5 * DAY, -DAY), ("closed", -DAY, None)), (("closed", DAY, None),),
              (("information", -5 * DAY, -4 * DAY), ("proposals", -4 * DAY, None))]
    made = [make_consultation(f"c{i}", windows=shape) for i, shape in enumerate(shapes)]
    made += [make_consultation(f"o-{phase}", override=phase) for phase in ("upcoming", "proposals", "closed")]
    ranks = dict(db.session.execute(sa.select(Consultation.id, lifecycle_rank(now))).all())
    for consultation in made:
        assert ranks[consultation.id] == LIFECYCLE_RANK[lifecycle_of(consultation.phase_at(now))], consultation.title


def test_list_paginates_with_bounded_queries(english, make_consultation):
    client, _ = english(None)
    make_consultation("Kuuleminen 0")
    with count_queries() as few:
        client.get("/consultations")
    for n in range(1, 25):
        make_consultation(f"Kuuleminen {n}", windows=(("proposals", -DAY, n * DAY), ("closed", n * DAY, None)))
    with count_queries() as many:
        html = client.get("/consultations").get_data(as_text=True)
    assert html.count('class="card consultation-card') == 20
    assert len(many) == len(few)
    assert client.get("/consultations?page=2").get_data(as_text=True).count('class="card consultation-card') == 5


# --- one consultation ----------------------------------------------------------------------------

def test_page_says_what_can_be_done_now_and_until_when(english, make_consultation):
    now = utcnow()
    end = local_midnight_utc(today() + timedelta(days=12))
    consultation = make_consultation(windows=(("information", -10 * DAY, -DAY), ("proposals", -DAY, end - now),
                                              ("review", end - now, end - now + 10 * DAY)))
    visitor, _ = english(None)
    html = text(visitor.get(f"/consultations/{consultation.id}"))
    assert "Now you can:" in html and "Submit proposals" in html and "Support proposals" in html
    last_day = today() + timedelta(days=11)
    assert f"Open until {format_date(last_day, 'medium', locale='en')} (inclusive)." in html
    assert f"/login?next=/consultations/{consultation.id}/proposals/new" in html
    member, _ = english("resident")
    html = text(member.get(f"/consultations/{consultation.id}"))
    assert f'href="/consultations/{consultation.id}/proposals/new"' in html


@pytest.mark.parametrize("windows, phrase", [
    ((("information", 5 * DAY, 10 * DAY),), "The consultation starts on"),
    ((("proposals", -10 * DAY, -DAY),), "The consultation has ended."),
    ((("review", -DAY, 10 * DAY),), "Comment on proposals"),
])
def test_page_in_other_phases_offers_no_proposal_button(english, make_consultation, windows, phrase):
    consultation = make_consultation(windows=windows)
    client, _ = english("resident")
    html = text(client.get(f"/consultations/{consultation.id}"))
    assert phrase in html
    assert f"/consultations/{consultation.id}/proposals/new" not in html


def test_page_lists_the_first_proposals_and_links_to_the_filtered_list(english, make_consultation, add_proposal):
    consultation = make_consultation()
    other = make_consultation("Toinen kuuleminen")
    for n in range(12):
        add_proposal(f"Ehdotus {n}", consultation=consultation)
    add_proposal("Muualla", consultation=other)
    client, _ = english(None)
    html = text(client.get(f"/consultations/{consultation.id}"))
    assert html.count('class="card proposal-card"') == 10
    assert "Muualla" not in html and "12 proposals." in html
    assert f'href="/proposals?consultation={consultation.id}"' in html


def test_page_queries_do_not_grow_with_the_proposals(english, make_consultation, add_proposal, make_user):
    consultation = make_consultation()
    client, _ = english("resident")
    add_proposal("Ehdotus 0", consultation=consultation)
    with count_queries() as few:
        client.get(f"/consultations/{consultation.id}")
    author = make_user()
    for n in range(1, 30):
        add_proposal(f"Ehdotus {n}", consultation=consultation, author=author)
    with count_queries() as many:
        client.get(f"/consultations/{consultation.id}")
    assert len(many) == len(few)


def test_nonexistent_consultation_is_404(english):
    coordinator, _ = english("coordinator")
    assert coordinator.get("/consultations/999").status_code == 404
    assert coordinator.get("/consultations/999/edit").status_code == 404
    assert coordinator.get("/consultations/999/proposals/new").status_code == 404
    assert post_form(coordinator, "/consultations/999/follow", {"value": "1"}).status_code == 404
    assert save(coordinator, form_data(proposals_starts=today()), 999).status_code == 404


def test_follow_and_unfollow_a_consultation(english, make_consultation):
    from app.proposals.models import Follow

    consultation = make_consultation()
    client, user = english("resident")
    url = f"/consultations/{consultation.id}/follow"
    for _ in range(2):  # the same click twice leaves one row
        assert post_form(client, url, {"value": "1"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Follow.id)).where(Follow.user_id == user.id)) == 1
    assert "Stop following this consultation" in text(client.get(f"/consultations/{consultation.id}"))
    post_form(client, url, {"value": "0"})
    assert db.session.scalar(sa.select(sa.func.count(Follow.id))) == 0
    html = then(client, post_form(client, url, {"value": "maybe"}))
    assert "Nothing was changed" in html


def test_front_page_shows_open_consultations_and_newest_proposals(english, make_consultation, add_proposal):
    open_one = make_consultation("Kylien investointiraha 2027")
    make_consultation("Osallistuva budjetointi 2026", windows=(("proposals", -30 * DAY, -10 * DAY),))
    add_proposal("Lyöttilän rantasauna", consultation=open_one)
    add_proposal("Piilotettu ehdotus", consultation=open_one, hidden_at=datetime(2026, 1, 1), hidden_reason="x")
    client, _ = english(None)
    html = text(client.get("/"))
    assert "Kylien investointiraha 2027" in html and "Osallistuva budjetointi 2026" not in html
    assert "Phase: Proposals" in html and "submit proposals" in html
    assert "Lyöttilän rantasauna" in html and "Piilotettu ehdotus" not in html
    assert 'href="/consultations"' in html and 'href="/proposals"' in html


def test_demo_has_a_consultation_in_each_phase_and_is_idempotent(runner):
    from app.proposals.demo import CONSULTATIONS
    from app.proposals.models import Endorsement, Follow, Proposal, ProposalStateChange, Support

    models = (Consultation, ConsultationPhase, Proposal, Support, Endorsement, ProposalStateChange, Follow, AuditLog)

    def counts():
        return [db.session.scalar(sa.select(sa.func.count(m.id))) for m in models]

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = counts()
    # Run again weeks later: the dates move so each consultation is in its phase again; nothing is added.
    for row in db.session.scalars(sa.select(ConsultationPhase)):
        row.starts_at -= timedelta(days=90)
        row.ends_at = row.ends_at - timedelta(days=90) if row.ends_at else None
    db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts() == first
    now = utcnow()
    phases = {c.title: c.phase_at(now).value for c in consultations()}
    assert phases == {spec.title: spec.phase.value for spec in CONSULTATIONS}
    assert set(phases.values()) == set(PHASES)
    titles = set(db.session.scalars(sa.select(Proposal.title)))
    for title in ("Vuolenkosken kylätalon katon korjaus", "Lyöttilän rantasauna", "Radansuun bussikatos",
                  "Kymijoen rantareitti", "Lainattava tapahtumakalusto: teltat ja äänentoisto"):
        assert title in titles
    states = set(db.session.scalars(sa.select(Proposal.state)))
    assert {"submitted", "under_review", "accepted", "rejected", "withdrawn", "implemented"} <= states
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id)).where(Proposal.association_id.is_not(None))) >= 5
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id)).where(Proposal.answer != "")) >= 5
