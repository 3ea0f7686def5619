"""Fixtures shared by the event tests: events (published by default) with volunteer tasks and sign-ups."""
from datetime import timedelta

import pytest

from app.events.models import Event, EventCoOrganiser, TaskSignup, VolunteerTask
from app.events.rules import EventStatus
from app.extensions import db
from app.timeutil import utcnow

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def make_event(app, make_association):
    """An event of `organiser` (a new association unless given) starting `starts_in` from now, lasting
    `hours`; `tasks` is a list of (title, capacity); `co_organisers` maps associations to a status."""
    counter = iter(range(1, 10_000))

    def make(organiser=None, starts_in=7 * DAY, hours=3, status=EventStatus.PUBLISHED, category="village_party",
             tasks=(), co_organisers=None, village=None, **fields):
        n = next(counter)
        organiser = organiser or make_association(name=f"Tapahtumayhdistys {n}", village=f"Tapahtumakylä {n}")
        starts_at = utcnow().replace(microsecond=0) + starts_in
        event = Event(organiser=organiser, village=village or organiser.village, title=fields.pop("title", f"Tapahtuma {n}"),
                      place=fields.pop("place", "Kylätalo"), category=category, starts_at=starts_at,
                      ends_at=starts_at + hours * HOUR, status=status,
                      published_at=utcnow() if status != EventStatus.DRAFT else None, **fields)
        db.session.add(event)
        for title, capacity in tasks:
            db.session.add(VolunteerTask(event=event, title=title, capacity=capacity))
        for association, co_status in (co_organisers or {}).items():
            db.session.add(EventCoOrganiser(event=event, association=association, status=co_status))
        db.session.commit()
        return event

    return make


def sign_up_directly(task, user, cancelled=False) -> TaskSignup:
    """A stored sign-up, as if the person had clicked."""
    signup = TaskSignup(task_id=task.id, user_id=user.id, cancelled_at=utcnow() if cancelled else None)
    db.session.add(signup)
    db.session.commit()
    return signup
