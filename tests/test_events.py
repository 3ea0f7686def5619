"""The events calendar: publishing with clashes, co-organisers, volunteer tasks and sign-ups, the calendar
views and their query counts, the iCalendar feeds, cancelling and hiding, and refusals that change nothing."""
import threading
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditLog
from app.events import services
from app.events.models import Event, EventCoOrganiser, TaskSignup, VolunteerTask
from app.events.rules import EventError, EventStatus, local_to_utc, utc_to_local
from app.extensions import db
from app.timeutil import utcnow
from tests.conftest import count_queries, post_form
from tests.event_helpers import DAY, HOUR, make_event, sign_up_directly  # noqa: F401
from tests.meeting_helpers import make_body, make_meeting  # noqa: F401


def _association_of(user):
    return user.current_representations(date.today())[0].association


def _form(association, when: date, **overrides) -> dict:
    data = {"organiser_id": association.id, "title": "Vuolenkosken karnevaali", "category": "village_party",
            "description": "Tervetuloa **kaikki**!", "village_id": association.village_id or 0,
            "place": "Kylätalo", "start_day": when.isoformat(), "start_time": "12:00", "end_time": "16:00",
            "price": "", "accessibility": "Esteetön sisäänkäynti."}
    data.update(overrides)
    return data


def _english(client, user=None) -> None:
    """Show the pages in English (the messages are asserted in their source language)."""
    client.set_cookie("lang", "en")
    if user is not None:
        user.language = "en"
        db.session.commit()


def _events() -> list[Event]:
    return list(db.session.scalars(sa.select(Event).order_by(Event.id)))


# --- publishing ----------------------------------------------------------------------------------

def test_representative_writes_a_draft_sees_clashes_and_publishes(login_as, make_event, make_meeting,
                                                                  make_association):
    client, rep = login_as("representative")
    association = _association_of(rep)
    when = date.today() + timedelta(days=20)
    # Another event in the same village at an overlapping time, and a municipal meeting without an end.
    other = make_event(village=association.village, title="Naapurin markkinat", category="market",
                       starts_in=timedelta(days=20))
    other.starts_at, other.ends_at = local_to_utc(when, time(15, 0)), local_to_utc(when, time(18, 0))
    meeting = make_meeting()
    meeting.starts_at = local_to_utc(when, time(11, 0))
    partner = make_association(name="Kylän Martat ry", village="Muu kylä")
    db.session.commit()

    response = post_form(client, "/events/new", _form(association, when, co_organiser_ids=[partner.id]),
                         token_from="/events/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    event = _events()[-1]
    assert event.status == EventStatus.DRAFT
    assert response.headers["Location"].endswith(f"/events/{event.id}/preview")
    assert utc_to_local(event.starts_at).time() == time(12, 0)

    _english(client, rep)
    page = client.get(f"/events/{event.id}/preview").get_data(as_text=True)
    assert "Naapurin markkinat" in page and "in the same village" in page
    assert f"/meetings/{meeting.id}" in page
    # Not in the public calendar while a draft, and its page is not found by others.
    anonymous = login_as(None)[0]
    assert "Vuolenkosken karnevaali" not in anonymous.get("/events").get_data(as_text=True)
    assert anonymous.get(f"/events/{event.id}").status_code == 404

    response = post_form(client, f"/events/{event.id}/publish", token_from=f"/events/{event.id}/preview")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    listing = anonymous.get("/events").get_data(as_text=True)
    assert "Vuolenkosken karnevaali" in listing
    detail = anonymous.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<strong>kaikki</strong>" in detail
    assert "Kylän Martat ry" not in detail  # the invitation is still pending: not listed publicly


@pytest.mark.parametrize("overrides, message", [
    ({"end_time": "11:00"}, "The end must be after the start."),
    ({"start_day": (date.today() - timedelta(days=2)).isoformat()}, "The event would already be over."),
    ({"price": "viisi"}, "Give the price in euros"),
    ({"start_time": ""}, "Give the starting time"),
    ({"title": ""}, "Give a title."),
])
def test_bad_event_input_is_refused_and_nothing_is_stored(login_as, overrides, message):
    client, rep = login_as("representative")
    _english(client, rep)
    data = _form(_association_of(rep), date.today() + timedelta(days=5), **overrides)
    response = post_form(client, "/events/new", data, token_from="/events/new")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _events() == []


def test_an_event_over_midnight_and_an_all_day_event(login_as):
    client, rep = login_as("representative")
    association = _association_of(rep)
    when = date.today() + timedelta(days=9)
    post_form(client, "/events/new", _form(association, when, start_time="21:00",
                                           end_day=(when + DAY).isoformat(), end_time="01:00"), token_from="/events/new")
    post_form(client, "/events/new", _form(association, when, title="Markkinat", all_day="y", start_time="",
                                           end_time="", end_day=(when + DAY).isoformat()), token_from="/events/new")
    night, fair = _events()
    assert night.ends_at - night.starts_at == 4 * HOUR
    assert fair.all_day and utc_to_local(fair.starts_at).time() == time(0, 0)
    assert utc_to_local(fair.ends_at).date() == when + 2 * DAY


def test_times_on_daylight_saving_nights_are_stored_sensibly(login_as):
    client, rep = login_as("representative")
    association = _association_of(rep)
    spring, autumn = date(2027, 3, 28), date(2027, 10, 31)  # clocks jump 03→04, and 04→03
    post_form(client, "/events/new", _form(association, spring, title="Yöhiihto", start_time="02:30",
                                           end_time="05:00"), token_from="/events/new")
    post_form(client, "/events/new", _form(association, spring, title="Aamulenkki", start_time="03:30",
                                           end_time="05:00"), token_from="/events/new")
    post_form(client, "/events/new", _form(association, autumn, title="Yökävely", start_time="03:30",
                                           end_time="04:30"), token_from="/events/new")
    night_ski, jog, walk = _events()
    assert (night_ski.starts_at, night_ski.ends_at) == (datetime(2027, 3, 28, 0, 30), datetime(2027, 3, 28, 2, 0))
    assert jog.starts_at == datetime(2027, 3, 28, 1, 30)  # 03:30 does not exist: shown as 04:30
    assert utc_to_local(jog.starts_at).time() == time(4, 30)
    assert (walk.starts_at, walk.ends_at) == (datetime(2027, 10, 31, 0, 30), datetime(2027, 10, 31, 2, 30))
    assert walk.ends_at - walk.starts_at == 2 * HOUR  # 03:30 summer time to 04:30 winter time


def test_a_draft_does_not_take_sign_ups_or_show_to_strangers(login_as, make_event):
    event = make_event(status=EventStatus.DRAFT, tasks=[("Kahvio", 3)])
    client, _resident = login_as("resident")
    assert client.get(f"/events/{event.id}").status_code == 404
    response = post_form(client, f"/events/{event.id}/tasks/{event.tasks[0].id}/signup")
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(TaskSignup.id))) == 0


def test_only_representatives_of_the_organiser_may_publish_for_it(login_as, make_association):
    client, rep = login_as("representative")
    foreign = make_association(name="Vieras yhdistys ry", village="Vieras kylä")
    response = post_form(client, "/events/new", _form(foreign, date.today() + timedelta(days=5)),
                         token_from="/events/new")
    assert response.status_code == 422  # not among the choices
    assert _events() == []


def test_editing_keeps_the_organiser_and_moving_tells_volunteers(login_as, make_event, make_user):
    client, rep = login_as("representative")
    event = make_event(organiser=_association_of(rep), tasks=[("Kahvio", 3)])
    volunteer = make_user("resident")
    sign_up_directly(event.tasks[0], volunteer)
    new_day = date.today() + timedelta(days=30)
    response = post_form(client, f"/events/{event.id}/edit", _form(event.organiser, new_day, title="Siirretty"),
                         token_from=f"/events/{event.id}/edit")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    moved = db.session.get(Event, event.id)
    assert moved.title == "Siirretty" and utc_to_local(moved.starts_at).date() == new_day
    from app.notifications.models import Notification
    notes = list(db.session.scalars(sa.select(Notification)))
    assert [(n.user_id, n.kind, n.params["change"]) for n in notes] == [(volunteer.id, "volunteer_task_changed",
                                                                          "moved")]


# --- co-organisers -------------------------------------------------------------------------------

def test_co_organiser_confirms_and_is_then_listed(login_as, make_event, make_association):
    partner_client, partner_rep = login_as("representative")
    partner = _association_of(partner_rep)
    event = make_event(co_organisers={partner: "pending"})
    invitation_id = event.co_organisers[0].id
    anonymous = login_as(None)[0]
    assert partner.name not in anonymous.get(f"/events/{event.id}").get_data(as_text=True)

    # A representative of another association cannot confirm for the partner: refused, nothing changes.
    other_client, other = login_as("representative")
    _english(other_client, other)
    response = post_form(other_client, f"/events/{event.id}/invitations/{invitation_id}/confirm",
                         token_from=f"/events/{event.id}")
    assert response.status_code == 403
    assert f"Only a representative of {partner.name} can answer this invitation." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(EventCoOrganiser, invitation_id).status == "pending"

    response = post_form(partner_client, f"/events/{event.id}/invitations/{invitation_id}/confirm",
                         token_from=f"/events/{event.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(EventCoOrganiser, invitation_id).status == "confirmed"
    assert partner.name in anonymous.get(f"/events/{event.id}").get_data(as_text=True)
    # The confirmed co-organiser now manages the event: sees the volunteers.
    assert partner_client.get(f"/events/{event.id}/volunteers").status_code == 200
    assert other_client.get(f"/events/{event.id}/volunteers").status_code == 403


def test_invited_association_sees_the_draft_to_confirm(login_as, make_event):
    partner_client, partner_rep = login_as("representative")
    event = make_event(status=EventStatus.DRAFT, co_organisers={_association_of(partner_rep): "pending"})
    assert partner_client.get(f"/events/{event.id}").status_code == 200
    assert login_as("resident")[0].get(f"/events/{event.id}").status_code == 404


# --- volunteer tasks -----------------------------------------------------------------------------

def test_sign_up_cancel_and_sign_up_again(login_as, make_event):
    client, resident = login_as("resident")
    event = make_event(tasks=[("Kahvio 10–12", 3)])
    task_id = event.tasks[0].id
    url = f"/events/{event.id}/tasks/{task_id}"
    assert post_form(client, url + "/signup", token_from=f"/events/{event.id}").status_code == 302
    _english(client, resident)
    response = post_form(client, url + "/signup", token_from=f"/events/{event.id}", follow_redirects=True)  # twice
    assert "You have already signed up for this task." in response.get_data(as_text=True)
    signups = list(db.session.scalars(sa.select(TaskSignup)))
    assert len(signups) == 1
    assert post_form(client, url + "/cancel-signup", token_from=f"/events/{event.id}").status_code == 302
    db.session.expire_all()
    signup = db.session.get(TaskSignup, signups[0].id)
    assert signup.cancelled_at is not None  # kept, marked cancelled
    assert post_form(client, url + "/signup", token_from=f"/events/{event.id}").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(TaskSignup.id))) == 2


def test_a_full_task_says_so_and_refuses(login_as, make_event, make_user):
    client, resident = login_as("resident")
    _english(client, resident)
    event = make_event(tasks=[("Järjestyksenvalvonta", 1)])
    sign_up_directly(event.tasks[0], make_user("resident"))
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Full" in page and "Sign up for" not in page
    response = post_form(client, f"/events/{event.id}/tasks/{event.tasks[0].id}/signup",
                         token_from=f"/events/{event.id}", follow_redirects=True)
    assert "The task is full" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(TaskSignup.id))) == 1


def test_the_database_refuses_a_second_active_signup(app, make_event, make_user):
    event = make_event(tasks=[("Kahvio", 5)])
    person = make_user("resident")
    sign_up_directly(event.tasks[0], person)
    with pytest.raises(IntegrityError):
        sign_up_directly(event.tasks[0], person)
    db.session.rollback()
    sign_up_directly(event.tasks[0], make_user("resident"), cancelled=True)  # cancelled rows do not count


def test_simultaneous_signups_do_not_overfill_a_task(app, make_event, make_user):
    event = make_event(tasks=[("Viimeinen paikka", 2)])
    task_id = event.tasks[0].id
    people = [make_user("resident").id for _ in range(6)]
    outcomes: list[str] = []
    start = threading.Barrier(len(people))

    def submit(user_id: int) -> None:
        from app.auth.models import User
        with app.app_context():
            user = db.session.get(User, user_id)
            start.wait()
            try:
                services.sign_up(user, task_id, utcnow())
                outcomes.append("stored")
            except EventError as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert sorted(outcomes) == ["stored"] * 2 + ["task_full"] * 4
    assert db.session.scalar(sa.select(sa.func.count(TaskSignup.id)).where(TaskSignup.task_id == task_id)) == 2


def test_simultaneous_clicks_by_one_person_store_one_signup(app, make_event, make_user):
    event = make_event(tasks=[("Kahvio", 5)])
    task_id, user_id = event.tasks[0].id, make_user("resident").id
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def submit() -> None:
        from app.auth.models import User
        with app.app_context():
            user = db.session.get(User, user_id)
            start.wait()
            try:
                services.sign_up(user, task_id, utcnow())
                outcomes.append("stored")
            except EventError as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_signed_up"] * 3 + ["stored"]
    assert db.session.scalar(sa.select(sa.func.count(TaskSignup.id))) == 1


def test_event_page_runs_a_fixed_number_of_queries(client, make_event, make_user, make_association):
    partner = make_association(name="Kumppani", village="Kumppanikylä")

    def queries(event) -> int:
        with count_queries() as statements:
            assert client.get(f"/events/{event.id}").status_code == 200
        return len(statements)

    small = make_event(tasks=[("Kahvio", 3)], co_organisers={partner: "confirmed"})
    sign_up_directly(small.tasks[0], make_user("resident"))
    big = make_event(tasks=[(f"Tehtävä {n}", 5) for n in range(12)], co_organisers={partner: "confirmed"})
    people = [make_user("resident") for _ in range(4)]
    for task in big.tasks:
        for person in people:
            sign_up_directly(task, person)
    assert queries(big) == queries(small)


def test_organiser_adds_and_changes_a_task_and_emails_volunteers(login_as, make_event, make_user, outbox):
    client, rep = login_as("representative")
    event = make_event(organiser=_association_of(rep))
    response = post_form(client, f"/events/{event.id}/tasks/new", {"title": "Kahvio", "capacity": "3",
                                                                    "starts": "10:00", "ends": "12:00"},
                         token_from=f"/events/{event.id}/tasks/new")
    assert response.status_code == 302
    task = db.session.scalars(sa.select(VolunteerTask)).one()
    assert task.ends_at - task.starts_at == 2 * HOUR
    volunteer = make_user("resident", name="Ville Vapaaehtoinen")
    sign_up_directly(task, volunteer)
    page = client.get(f"/events/{event.id}/volunteers").get_data(as_text=True)
    assert "Ville Vapaaehtoinen" in page
    # Capacity below the sign-ups is refused.
    response = post_form(client, f"/events/{event.id}/tasks/{task.id}/edit", {"title": "Kahvio", "capacity": "0"},
                         token_from=f"/events/{event.id}/tasks/new")
    assert response.status_code == 422
    response = post_form(client, f"/events/{event.id}/tasks/{task.id}/edit",
                         {"title": "Kahvio ja arpajaiset", "capacity": "4", "starts": "10:00", "ends": "13:00"},
                         token_from=f"/events/{event.id}/tasks/new")
    assert response.status_code == 302
    from app.notifications.models import Notification
    note = db.session.scalars(sa.select(Notification)).one()
    assert note.params == {"event": event.title, "task": "Kahvio ja arpajaiset", "change": "changed"}
    response = post_form(client, f"/events/{event.id}/volunteers", {"subject": "Ohjeet", "message": "Tule 9.45."},
                         token_from=f"/events/{event.id}/volunteers")
    assert response.status_code == 302
    assert [m["To"] for m in outbox] == [volunteer.email]
    assert "Tule 9.45." in outbox[0].get_content()


# --- cancelling and hiding -----------------------------------------------------------------------

def test_cancelling_keeps_the_event_marked_and_tells_volunteers(login_as, make_event, make_user):
    client, rep = login_as("representative")
    event = make_event(organiser=_association_of(rep), tasks=[("Kahvio", 3)])
    volunteer = make_user("resident")
    sign_up_directly(event.tasks[0], volunteer)
    response = post_form(client, f"/events/{event.id}/cancel", {"reason": "Myrskyvaroitus"},
                         token_from=f"/events/{event.id}")
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "Myrskyvaroitus"
    anonymous = login_as(None)[0]
    assert "Myrskyvaroitus" in anonymous.get(f"/events/{event.id}").get_data(as_text=True)
    feed = Calendar.from_ical(anonymous.get("/events.ics").data)
    assert [str(v["STATUS"]) for v in feed.walk("VEVENT")] == ["CANCELLED"]
    from app.notifications.models import Notification
    assert db.session.scalars(sa.select(Notification)).one().params["change"] == "cancelled"
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == 0  # the organiser's own act


def test_coordinator_hides_and_cancels_any_event_with_audit(login_as, make_event):
    client, _coordinator = login_as("coordinator")
    event = make_event(title="Sopimaton")
    response = post_form(client, f"/events/{event.id}/hide", {"reason": "Mainos"}, token_from=f"/events/{event.id}")
    assert response.status_code == 302
    anonymous = login_as(None)[0]
    assert "Sopimaton" not in anonymous.get("/events").get_data(as_text=True)
    assert "Sopimaton" not in anonymous.get("/events.ics").get_data(as_text=True)
    assert "Mainos" in anonymous.get(f"/events/{event.id}").get_data(as_text=True)
    post_form(client, f"/events/{event.id}/unhide", token_from=f"/events/{event.id}")
    post_form(client, f"/events/{event.id}/cancel", {"reason": "Tuplat"}, token_from=f"/events/{event.id}")
    actions = list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["event.hide", "event.unhide", "event.cancel"]


# --- calendar views ------------------------------------------------------------------------------

def test_list_filters_and_paginates(app, client, make_event, make_association):
    kausala = make_association(name="Kausalan seura", village="Kausala")
    for n in range(3):
        make_event(organiser=kausala, title=f"Kausalan tapahtuma {n}", category="sports")
    make_event(title="Muualla", category="culture")
    make_event(title="Mennyt", starts_in=-3 * DAY)
    page = client.get("/events").get_data(as_text=True)
    assert "Muualla" in page and "Mennyt" not in page
    assert page.index("Kausalan tapahtuma 0") < page.index("Muualla")
    page = client.get(f"/events?village={kausala.village_id}").get_data(as_text=True)
    assert "Kausalan tapahtuma 1" in page and "Muualla" not in page
    page = client.get("/events?category=culture").get_data(as_text=True)
    assert "Muualla" in page and "Kausalan tapahtuma" not in page
    page = client.get(f"/events?association={kausala.id}").get_data(as_text=True)
    assert "Kausalan tapahtuma 2" in page and "Muualla" not in page
    app.config["PAGE_SIZE"] = 2
    second = client.get("/events?page=2").get_data(as_text=True)
    assert "Kausalan tapahtuma 2" in second and "Kausalan tapahtuma 0" not in second


def _month_of(moment: datetime) -> str:
    local = utc_to_local(moment)
    return f"{local.year}-{local.month:02d}"


def test_month_view_grid_and_neighbours(client, make_event):
    event = make_event(title="Juhannustanssit", starts_in=10 * DAY)
    month = _month_of(event.starts_at)
    page = client.get(f"/events/month?month={month}").get_data(as_text=True)
    assert "<table" in page and "<caption>" in page and 'scope="col"' in page
    assert "Juhannustanssit" in page and 'rel="prev"' in page and 'rel="next"' in page
    year, number = (int(p) for p in month.split("-"))
    following = f"{year + number // 12}-{number % 12 + 1:02d}"
    assert f"month={following}" in page
    assert "Juhannustanssit" not in client.get(f"/events/month?month={following}").get_data(as_text=True) \
        or utc_to_local(event.ends_at).month != utc_to_local(event.starts_at).month
    assert client.get("/events/month?month=nonsense").status_code == 200


@pytest.mark.parametrize("view", ["/events/month", "/events"])
def test_calendar_views_run_a_fixed_number_of_queries(client, make_event, make_association, view):
    association = make_association(name="Kyselyseura", village="Kyselykylä")
    partner = make_association(name="Kumppani", village="Kumppanikylä")
    base = utcnow() + 2 * DAY

    def add(count):
        for n in range(count):
            make_event(organiser=association, starts_in=2 * DAY + n * HOUR, co_organisers={partner: "confirmed"},
                       tasks=[("Kahvio", 2)])

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(f"{view}?month={_month_of(base)}").status_code == 200
        return len(statements)

    add(3)
    few = queries()
    add(27)
    assert queries() == few


# --- feeds ---------------------------------------------------------------------------------------

def _vevents(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = list(calendar.walk("VEVENT"))
    for vevent in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert prop in vevent, prop
    return events


def test_feeds_are_valid_with_stable_uids(client, make_event, make_association):
    kausala = make_association(name="Kausalan seura", village="Kausala")
    partner = make_association(name="Kumppaniseura", village="Muu")
    mine = make_event(organiser=kausala, title="Kausalan juhla")
    co_organised = make_event(title="Yhteinen", co_organisers={kausala: "confirmed"})
    make_event(title="Kutsuttu", co_organisers={partner: "pending"})
    make_event(title="Luonnos", status=EventStatus.DRAFT)
    first = _vevents(client.get("/events.ics"))
    assert sorted(str(v["SUMMARY"]) for v in first) == ["Kausalan juhla", "Kutsuttu", "Yhteinen"]
    second = _vevents(client.get("/events.ics"))
    assert sorted(str(v["UID"]) for v in first) == sorted(str(v["UID"]) for v in second)
    assert f"event-{mine.id}@localhost" in {str(v["UID"]) for v in first}
    village = _vevents(client.get(f"/villages/{kausala.village_id}/events.ics"))
    assert [str(v["SUMMARY"]) for v in village] == ["Kausalan juhla"]
    assert [str(v["SUMMARY"]) for v in _vevents(client.get(f"/events.ics?village={kausala.village_id}"))] == \
        ["Kausalan juhla"]
    by_association = _vevents(client.get(f"/associations/{kausala.id}/events.ics"))
    assert sorted(str(v["SUMMARY"]) for v in by_association) == ["Kausalan juhla", "Yhteinen"]
    assert _vevents(client.get(f"/associations/{partner.id}/events.ics")) == []  # pending: not theirs yet
    assert co_organised.id


def test_all_day_events_are_dates_in_the_feed(client, make_event):
    event = make_event(title="Markkinapäivä")
    day = date.today() + timedelta(days=40)
    event.starts_at, event.ends_at, event.all_day = local_to_utc(day, time.min), local_to_utc(day + DAY, time.min), True
    db.session.commit()
    (vevent,) = _vevents(client.get("/events.ics"))
    assert vevent["DTSTART"].dt == day and vevent["DTEND"].dt == day + DAY


def test_one_event_as_a_calendar_file_with_the_feeds_uid(client, make_event, login_as):
    event = make_event(title="Kesäjuhla")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}.ics"' in page
    response = client.get(f"/events/{event.id}.ics")
    (vevent,) = _vevents(response)
    assert str(vevent["SUMMARY"]) == "Kesäjuhla" and str(vevent["UID"]) == f"event-{event.id}@localhost"
    assert f"event-{event.id}.ics" in response.headers["Content-Disposition"]

    draft = make_event(title="Luonnos", status=EventStatus.DRAFT)
    coordinator, _user = login_as("coordinator")
    assert coordinator.get(f"/events/{draft.id}").status_code == 200
    assert coordinator.get(f"/events/{draft.id}.ics").status_code == 404  # not in anyone's calendar yet
    event.hidden_at, event.hidden_reason = utcnow(), "Väärä paikka"
    db.session.commit()
    assert client.get(f"/events/{event.id}.ics").status_code == 404


def test_meetings_feed_still_valid(client, make_meeting):
    meeting = make_meeting()
    (vevent,) = _vevents(client.get("/meetings.ics"))
    assert str(vevent["UID"]) == f"meeting-{meeting.id}@localhost"


# --- links from other pages ----------------------------------------------------------------------

def test_front_page_village_and_association_pages_link_events(client, make_event):
    event = make_event(title="Kesäjuhla")
    assert "Kesäjuhla" in client.get("/").get_data(as_text=True)
    assert f"/events/{event.id}" in client.get(f"/villages/{event.village_id}").get_data(as_text=True)
    assert f"/events/{event.id}" in client.get(f"/associations/{event.organiser_id}").get_data(as_text=True)
    assert 'href="/events"' in client.get("/").get_data(as_text=True)


# --- demo data -----------------------------------------------------------------------------------

def test_demo_season_is_seeded_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    def counts():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (Event, EventCoOrganiser, VolunteerTask, TaskSignup))

    first = counts()
    assert first[0] >= 8 and first[1] >= 3 and first[3] >= 5
    events = _events()
    now = utcnow()
    assert any(e.ends_at < now for e in events) and any(e.starts_at > now for e in events)
    assert {c.status for c in db.session.scalars(sa.select(EventCoOrganiser))} == {"confirmed", "pending"}
    assert any(t.is_full for t in db.session.scalars(sa.select(VolunteerTask)))
    assert any(e.is_cancelled for e in events)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert counts() == first


# --- the picture ---------------------------------------------------------------------------------

def _png(size=(800, 600)) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(out, "PNG")
    return out.getvalue()


def _upload(client, event, raw: bytes, alt="Lapset onkimassa", name="kuva.png"):
    from io import BytesIO

    from tests.conftest import csrf_token
    token = csrf_token(client, f"/events/{event.id}/image")
    return client.post(f"/events/{event.id}/image", data={"csrf_token": token, "alt_text": alt,
                                                            "image": (BytesIO(raw), name)},
                       content_type="multipart/form-data")


def test_organiser_adds_replaces_and_removes_the_picture(login_as, make_event):
    from app.events.models import EventImage

    client, rep = login_as("representative")
    event = make_event(organiser=_association_of(rep))
    assert _upload(client, event, _png()).status_code == 302
    first = db.session.scalars(sa.select(EventImage)).one()
    assert first.content_type == "image/jpeg" and first.alt_text == "Lapset onkimassa"
    anonymous = login_as(None)[0]
    page = anonymous.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'/events/{event.id}/images/{first.id}.jpg' in page and 'alt="Lapset onkimassa"' in page
    served = anonymous.get(f"/events/{event.id}/images/{first.id}.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg" and served.data.startswith(b"\xff\xd8")
    # A larger photo than the app's usual 2 MB request limit goes through this form.
    import os
    from io import BytesIO

    from PIL import Image
    noisy = Image.frombytes("RGB", (1400, 1000), os.urandom(1400 * 1000 * 3))
    out = BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 2 * 1024 * 1024
    assert _upload(client, event, out.getvalue(), alt="Uusi kuva").status_code == 302
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(EventImage).order_by(EventImage.id)))
    assert [r.removed_at is None for r in rows] == [False, True]  # the old one kept, marked removed
    assert anonymous.get(f"/events/{event.id}/images/{first.id}.jpg").status_code == 404
    post_form(client, f"/events/{event.id}/image", {"remove": "1"}, token_from=f"/events/{event.id}/image")
    db.session.expire_all()
    assert all(r.removed_at is not None for r in db.session.scalars(sa.select(EventImage)))


@pytest.mark.parametrize("raw, alt, message", [
    (b"GIF89a but really a text file", "Kuva", "The file is not a picture we can use."),
    (b"\x00" * (8 * 1024 * 1024 + 1), "Kuva", "The picture file is too large: at most 8 MB."),
    (None, "", "Describe the picture for people who cannot see it."),
])
def test_bad_pictures_are_refused_and_nothing_is_stored(login_as, make_event, raw, alt, message):
    from app.events.models import EventImage

    client, rep = login_as("representative")
    _english(client, rep)
    event = make_event(organiser=_association_of(rep))
    response = _upload(client, event, raw if raw is not None else _png(), alt=alt)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(EventImage.id))) == 0


def test_a_request_over_the_picture_limit_gets_the_size_message(login_as, make_event):
    client, rep = login_as("representative")
    _english(client, rep)
    event = make_event(organiser=_association_of(rep))
    response = _upload(client, event, b"\x00" * (9 * 1024 * 1024))
    assert response.status_code == 413
    assert "The data sent was too large." in response.get_data(as_text=True)
