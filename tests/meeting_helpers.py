"""Fixtures shared by the meeting, decision and review tests: bodies with members, meetings with items."""
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.meetings.models import AgendaItem, AgendaLink, Body, BodyMember, Meeting
from app.meetings.rules import BodyKind, MeetingStatus, MemberRole
from app.timeutil import utcnow

DAY = timedelta(days=1)


@pytest.fixture
def make_body(app, make_association):
    """An advisory board with `seats` association seats, each with a member and a personal deputy."""
    bodies = iter(range(1, 1000))

    def make(name: str | None = None, kind: str = BodyKind.ADVISORY_BOARD, seats: int = 3, **fields):
        n = next(bodies)
        body = Body(name=name or ("Kyläasiain neuvottelukunta" if n == 1 else f"Neuvottelukunta {n}"), kind=kind,
                    **fields)
        db.session.add(body)
        for number in range(1, seats + 1):
            association = make_association(name=f"Kyläyhdistys {number} ry" + (f" ({n})" if n > 1 else ""),
                                           village=f"Kylä {number}")
            member = BodyMember(body=body, name=f"Jäsen {number}", association=association,
                                role=MemberRole.CHAIR if number == 1 else MemberRole.MEMBER,
                                starts_on=date(2025, 1, 1))
            db.session.add(member)
            db.session.add(BodyMember(body=body, name=f"Varajäsen {number}", association=association,
                                      role=MemberRole.DEPUTY, deputy_for=member, starts_on=date(2025, 1, 1)))
        db.session.commit()
        return body

    return make


@pytest.fixture
def make_meeting(app, make_body):
    """A meeting (of a new advisory board unless `body` is given) with `items` agenda items titled
    "Asia 1", "Asia 2", ...; `links` maps an item number to proposals or budgets to link to it.
    An approved meeting is stored held first and then approved, as the database only takes it that way."""
    def make(status: str = MeetingStatus.PLANNED, body=None, items: int = 2, starts_in=7 * DAY,
             links: dict | None = None, **fields):
        approved = status == MeetingStatus.APPROVED
        meeting = Meeting(body=body or make_body(), starts_at=utcnow() + starts_in,
                          status=MeetingStatus.HELD if approved else status,
                          place=fields.pop("place", "Kausalan kunnantalo"), **fields)
        db.session.add(meeting)
        for number in range(1, items + 1):
            item = AgendaItem(meeting=meeting, number=number, title=f"Asia {number}",
                              presentation=f"Esittely {number}")
            db.session.add(item)
            for target in (links or {}).get(number, ()):
                key = "proposal" if target.__tablename__ == "proposal" else target.__tablename__
                db.session.add(AgendaLink(item=item, **{key: target}))
        db.session.commit()
        if approved:
            meeting.status = MeetingStatus.APPROVED
            db.session.commit()
        return meeting

    return make
