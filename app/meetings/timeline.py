"""The decision trail's timeline: dated events in order, and how many days passed from the first input
(a proposal, a statement, a comment, a budget vote) to the decision. Plain Python: no Flask, no database."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from enum import StrEnum


class EventKind(StrEnum):
    # Listed in the order that events at the same moment are shown: input first, then the meeting,
    # its decision, and what the decision did.
    PROPOSAL_SUBMITTED = "proposal_submitted"
    FIRST_COMMENT = "first_comment"
    STATEMENT = "statement"
    BUDGET_VOTE_CLOSED = "budget_vote_closed"
    MEETING = "meeting"
    DECISION = "decision"
    STATE_CHANGE = "state_change"


INPUT_KINDS = frozenset({EventKind.PROPOSAL_SUBMITTED, EventKind.FIRST_COMMENT, EventKind.STATEMENT,
                         EventKind.BUDGET_VOTE_CLOSED})
_SAME_MOMENT_ORDER = {kind: position for position, kind in enumerate(EventKind)}


@dataclass(frozen=True)
class Event:
    """Something that happened on the way to a decision. `subject` names what it concerns (a proposal's
    title, an association, a body), `detail` adds a code (a proposal's new state), `ref` an id to link to."""

    at: datetime
    kind: str
    subject: str = ""
    detail: str = ""
    ref: int | None = None

    @property
    def is_input(self) -> bool:
        return self.kind in INPUT_KINDS


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    first_input: datetime | None
    decided_at: datetime | None
    days: int | None  # calendar days from the first input to the decision; None without either


def calendar_day(moment: datetime, zone: tzinfo | None = None):
    """The day of a naive UTC moment, in `zone` (UTC when None)."""
    if zone is None:
        return moment.date()
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).date()


def build_timeline(events: Iterable[Event], decided_at: datetime | None = None,
                   zone: tzinfo | None = None) -> Timeline:
    """The events oldest first (ties: input, meeting, decision, its effects), and the span in calendar days
    (in `zone`) from the first input to the decision: `decided_at`, else the latest decision event."""
    ordered = tuple(sorted(events, key=lambda e: (e.at, _SAME_MOMENT_ORDER.get(e.kind, len(_SAME_MOMENT_ORDER)))))
    if decided_at is None:
        decided_at = max((e.at for e in ordered if e.kind == EventKind.DECISION), default=None)
    first_input = next((e.at for e in ordered if e.is_input), None)
    days = None
    if first_input is not None and decided_at is not None:
        # Input recorded after the decision (a correction, a late import) does not make the span negative.
        days = max(0, (calendar_day(decided_at, zone) - calendar_day(first_input, zone)).days)
    return Timeline(events=ordered, first_input=first_input, decided_at=decided_at, days=days)
