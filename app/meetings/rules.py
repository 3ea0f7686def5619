"""Meeting rules: the meeting's status machine, quorum, roll-call counts, what a decision does to the
proposals it answers, and which changes each status allows. Plain Python: no Flask, no database."""
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable

from app.proposals.states import Actor, ProposalState, next_states


class BodyKind(StrEnum):
    ADVISORY_BOARD = "advisory_board"  # kyläasiain neuvottelukunta: one seat per village association
    MUNICIPAL_BOARD = "municipal_board"  # kunnanhallitus
    COMMITTEE = "committee"  # lautakunta or other committee


class MemberRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    DEPUTY = "deputy"  # a personal deputy (deputy_for) or a general one


SEAT_ROLES = frozenset({MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.MEMBER})


class QuorumRule(StrEnum):
    MORE_THAN_HALF = "more_than_half"  # Kuntalaki 103 §: more than half of the members present
    AT_LEAST_HALF = "at_least_half"
    AT_LEAST_THIRD = "at_least_third"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    APPROVED = "approved"  # minutes approved: read-only, corrections are amendments


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    TABLED = "tabled"  # pöydälle
    NOTED = "noted"  # merkittiin tiedoksi


class VoteChoice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    RECUSED = "recused"  # declared a conflict of interest (esteellinen) and stepped aside


class MeetingError(Exception):
    """A meeting use case refused; `code` says why, the view translates it."""

    def __init__(self, code: str, detail=None):
        super().__init__(code)
        self.code = code
        self.detail = detail


STATUS_ORDER = (MeetingStatus.PLANNED, MeetingStatus.HELD, MeetingStatus.APPROVED)
# The only moves: planned -> held (the meeting took place), held -> approved (minutes approved).
NEXT_STATUS = {MeetingStatus.PLANNED: MeetingStatus.HELD, MeetingStatus.HELD: MeetingStatus.APPROVED}

# What each status allows. Approved minutes allow nothing but amendments.
AGENDA_EDITABLE = frozenset({MeetingStatus.PLANNED, MeetingStatus.HELD})
INPUT_OPEN = frozenset({MeetingStatus.PLANNED})  # statements by associations and residents' comments
RECORDING_OPEN = frozenset({MeetingStatus.HELD})  # attendance, roll calls and decisions


def check_status_move(current: str, target: str) -> None:
    """Raise MeetingError unless `target` is the status that follows `current`."""
    if NEXT_STATUS.get(MeetingStatus(current)) != target:
        raise MeetingError("bad_status_move")


def check_editable(status: str) -> None:
    if status == MeetingStatus.APPROVED:
        raise MeetingError("minutes_approved")
    if status not in AGENDA_EDITABLE:
        raise MeetingError("not_editable")


def check_input_open(status: str) -> None:
    """Statements and comments on agenda items are taken while the meeting is planned."""
    if status not in INPUT_OPEN:
        raise MeetingError("input_closed")


def check_recording_open(status: str) -> None:
    """Attendance, roll calls and decisions are recorded for a meeting that has been held."""
    if status == MeetingStatus.APPROVED:
        raise MeetingError("minutes_approved")
    if status not in RECORDING_OPEN:
        raise MeetingError("not_held_yet")


# --- quorum --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seat:
    """A member of a body (who holds a seat) or a deputy (deputy_for: whose seat, None for a general one)."""

    member_id: int
    role: str
    deputy_for: int | None = None


@dataclass(frozen=True)
class Quorum:
    seats: int
    present: int  # seats filled by their member or, in the member's absence, a deputy
    needed: int
    met: bool


def quorum_needed(rule: str, seats: int) -> int:
    """The number of filled seats the rule asks for."""
    if seats <= 0:
        return 1
    if rule == QuorumRule.MORE_THAN_HALF:
        return seats // 2 + 1
    if rule == QuorumRule.AT_LEAST_HALF:
        return (seats + 1) // 2
    if rule == QuorumRule.AT_LEAST_THIRD:
        return (seats + 2) // 3
    raise MeetingError("unknown_quorum_rule")


def quorum(rule: str, members: Iterable[Seat], present_ids: Iterable[int]) -> Quorum:
    """Whether the meeting had a quorum: a seat counts when its member is present, or else one of its
    personal deputies; general deputies (deputy_for None) fill seats whose member and personal deputies
    are all absent, one seat each."""
    members = list(members)
    present = set(present_ids)
    seats = [m for m in members if m.role in SEAT_ROLES]
    personal: dict[int, list[Seat]] = {}
    general = 0
    for m in members:
        if m.role == MemberRole.DEPUTY and m.member_id in present:
            if m.deputy_for is None:
                general += 1
            else:
                personal.setdefault(m.deputy_for, []).append(m)
    filled = sum(1 for s in seats if s.member_id in present or personal.get(s.member_id))
    filled = min(len(seats), filled + general)
    needed = quorum_needed(rule, len(seats))
    return Quorum(seats=len(seats), present=filled, needed=needed, met=bool(seats) and filled >= needed)


# --- roll-call votes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RollCallCount:
    yes: int
    no: int
    abstain: int
    recused: int

    @property
    def voted(self) -> int:
        return self.yes + self.no

    @property
    def carried(self) -> bool | None:
        """True when yes beat no, False when no beat yes, None on a tie (the chair's vote decides)."""
        if self.yes == self.no:
            return None
        return self.yes > self.no


def count_roll_call(choices: Iterable[str]) -> RollCallCount:
    counts = Counter(choices)
    unknown = set(counts) - set(VoteChoice)
    if unknown:
        raise MeetingError("unknown_vote")
    return RollCallCount(*(counts.get(c, 0) for c in (VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN,
                                                       VoteChoice.RECUSED)))


# --- what a decision does to the proposals it answers --------------------------------------------

PROPOSAL_TARGET = {Outcome.APPROVED: ProposalState.ACCEPTED, Outcome.REJECTED: ProposalState.REJECTED}


def proposal_target(outcome: str | None) -> ProposalState | None:
    """The state a decision offers linked proposals: accepted for approved, rejected for rejected."""
    return PROPOSAL_TARGET.get(outcome) if outcome else None


def proposal_path(current: str, target: ProposalState) -> list[ProposalState] | None:
    """The board's moves through the proposal state machine from `current` to `target` (shortest first,
    e.g. submitted -> under review -> accepted), [] when already there, None when impossible."""
    start = ProposalState(current)
    if start == target:
        return []
    frontier, seen = [(start, [])], {start}
    while frontier:
        following = []
        for state, path in frontier:
            for nxt in next_states(state, {Actor.BOARD}):
                if nxt == target:
                    return path + [nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    following.append((nxt, path + [nxt]))
        frontier = following
    return None
