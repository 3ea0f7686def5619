"""The decision trail's timeline: plain Python, no app, no database."""
from datetime import datetime
from zoneinfo import ZoneInfo

from app.meetings.timeline import Event, EventKind, build_timeline, calendar_day

HELSINKI = ZoneInfo("Europe/Helsinki")


def at(day: int, hour: int = 12, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, 0)


def test_events_come_out_oldest_first_with_the_span_to_the_decision():
    events = [
        Event(at(12, 16), EventKind.DECISION),
        Event(at(2), EventKind.STATEMENT, subject="Vuolenkosken kyläyhdistys"),
        Event(at(12, 15), EventKind.MEETING),
        Event(datetime(2027, 2, 20, 9), EventKind.PROPOSAL_SUBMITTED, subject="Laituri", ref=7),
        Event(at(13), EventKind.STATE_CHANGE, subject="Laituri", detail="accepted", ref=7),
    ]
    timeline = build_timeline(events)
    assert [e.kind for e in timeline.events] == [
        EventKind.PROPOSAL_SUBMITTED, EventKind.STATEMENT, EventKind.MEETING, EventKind.DECISION,
        EventKind.STATE_CHANGE]
    assert timeline.first_input == datetime(2027, 2, 20, 9)
    assert timeline.decided_at == at(12, 16)
    assert timeline.days == 20  # 20 February to 12 March 2027


def test_events_at_the_same_moment_put_input_before_the_meeting_and_the_decision_before_its_effects():
    moment = at(12, 15)
    events = [Event(moment, EventKind.STATE_CHANGE), Event(moment, EventKind.DECISION),
              Event(moment, EventKind.MEETING), Event(moment, EventKind.BUDGET_VOTE_CLOSED)]
    kinds = [e.kind for e in build_timeline(events).events]
    assert kinds == [EventKind.BUDGET_VOTE_CLOSED, EventKind.MEETING, EventKind.DECISION, EventKind.STATE_CHANGE]


def test_an_explicit_decision_moment_wins_over_the_decision_events():
    events = [Event(at(1), EventKind.PROPOSAL_SUBMITTED), Event(at(5), EventKind.DECISION),
              Event(at(20), EventKind.DECISION)]
    assert build_timeline(events).days == 19  # the latest decision event
    assert build_timeline(events, decided_at=at(5)).days == 4


def test_no_span_without_input_or_without_a_decision():
    only_meeting = build_timeline([Event(at(3), EventKind.MEETING), Event(at(3), EventKind.DECISION)])
    assert only_meeting.first_input is None and only_meeting.days is None
    undecided = build_timeline([Event(at(1), EventKind.PROPOSAL_SUBMITTED), Event(at(3), EventKind.MEETING)])
    assert undecided.first_input == at(1) and undecided.decided_at is None and undecided.days is None
    empty = build_timeline([])
    assert empty.events == () and empty.days is None


def test_meetings_decisions_and_state_changes_are_not_input():
    events = [Event(at(1), EventKind.MEETING), Event(at(2), EventKind.STATE_CHANGE),
              Event(at(4), EventKind.FIRST_COMMENT), Event(at(9), EventKind.DECISION)]
    timeline = build_timeline(events)
    assert timeline.first_input == at(4)
    assert timeline.days == 5


def test_input_recorded_after_the_decision_does_not_make_the_span_negative():
    timeline = build_timeline([Event(at(10), EventKind.STATEMENT), Event(at(3), EventKind.DECISION)])
    assert timeline.days == 0


def test_days_are_counted_in_the_given_time_zone():
    # 22.30 UTC on 1 March is already 2 March in Helsinki (UTC+2); 10.00 UTC on 3 March is 3 March in both.
    events = [Event(datetime(2027, 3, 1, 22, 30), EventKind.PROPOSAL_SUBMITTED),
              Event(datetime(2027, 3, 3, 10, 0), EventKind.DECISION)]
    assert build_timeline(events).days == 2
    assert build_timeline(events, zone=HELSINKI).days == 1
    assert calendar_day(datetime(2027, 3, 1, 22, 30), HELSINKI).day == 2


def test_the_input_does_not_have_to_be_given_in_order_and_is_not_changed():
    events = (Event(at(9), EventKind.DECISION), Event(at(1), EventKind.PROPOSAL_SUBMITTED))
    timeline = build_timeline(iter(events))
    assert timeline.events == (events[1], events[0])
    assert timeline.events[0].is_input and not timeline.events[1].is_input
