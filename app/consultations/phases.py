"""Consultation phases and what each allows. Plain Python: no Flask, no database.

The current phase is computed from the phase windows and the time, never stored, so it
cannot drift; a coordinator may override it (e.g. to close a consultation early).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Phase(StrEnum):
    UPCOMING = "upcoming"  # before the first window opens
    INFORMATION = "information"
    PROPOSALS = "proposals"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"
    CLOSED = "closed"


# The phases a consultation can have windows for, in their order.
PHASE_ORDER = (Phase.INFORMATION, Phase.PROPOSALS, Phase.REVIEW, Phase.VOTING, Phase.RESULTS, Phase.CLOSED)


class PhaseAction(StrEnum):
    SUBMIT_PROPOSAL = "submit_proposal"
    EDIT_PROPOSAL = "edit_proposal"
    SUPPORT = "support"
    ENDORSE = "endorse"
    COMMENT = "comment"
    CAST_BALLOT = "cast_ballot"


ALLOWED: dict[Phase, frozenset[PhaseAction]] = {
    Phase.UPCOMING: frozenset(),
    Phase.INFORMATION: frozenset({PhaseAction.COMMENT}),
    Phase.PROPOSALS: frozenset({PhaseAction.SUBMIT_PROPOSAL, PhaseAction.EDIT_PROPOSAL, PhaseAction.SUPPORT,
                                PhaseAction.ENDORSE, PhaseAction.COMMENT}),
    Phase.REVIEW: frozenset({PhaseAction.COMMENT}),
    Phase.VOTING: frozenset({PhaseAction.COMMENT, PhaseAction.CAST_BALLOT}),
    Phase.RESULTS: frozenset({PhaseAction.COMMENT}),
    Phase.CLOSED: frozenset(),
}


@dataclass(frozen=True)
class PhaseWindow:
    """One phase's time window: from `starts_at` (inclusive) to `ends_at` (exclusive, None = open)."""

    phase: Phase
    starts_at: datetime
    ends_at: datetime | None = None

    def contains(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


class PhaseError(ValueError):
    """Phase windows that make no sense; `code` says why."""

    def __init__(self, code: str, phase: Phase | None = None):
        super().__init__(code)
        self.code = code
        self.phase = phase


def validate_windows(windows: Iterable[PhaseWindow]) -> list[PhaseWindow]:
    """Windows in phase order; refuses duplicates, ends before starts and overlaps."""
    ordered = sorted(windows, key=lambda w: PHASE_ORDER.index(w.phase))
    seen = set()
    for window in ordered:
        if window.phase not in PHASE_ORDER:
            raise PhaseError("unknown_phase", window.phase)
        if window.phase in seen:
            raise PhaseError("duplicate_phase", window.phase)
        seen.add(window.phase)
        if window.ends_at is not None and window.ends_at <= window.starts_at:
            raise PhaseError("ends_before_start", window.phase)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.ends_at is None or earlier.ends_at > later.starts_at:
            raise PhaseError("overlap", later.phase)
    return ordered


def current_phase(windows: Iterable[PhaseWindow], now: datetime, override: Phase | None = None) -> Phase:
    """The phase at `now`: the override if set, else the window containing `now`.

    Between two windows (a gap) the earlier phase still counts as current but allows
    nothing new beyond what it allowed; after the last window ends, the consultation is closed.
    """
    if override is not None:
        return override
    ordered = sorted(windows, key=lambda w: PHASE_ORDER.index(w.phase))
    if not ordered or now < ordered[0].starts_at:
        return Phase.UPCOMING
    for window in ordered:
        if window.contains(now):
            return window.phase
    last = ordered[-1]
    if last.ends_at is not None and now >= last.ends_at:
        return Phase.CLOSED
    # In a gap between windows: the latest started phase, its actions closed (see allows()).
    started = [w for w in ordered if w.starts_at <= now]
    return started[-1].phase


def allows(windows: Iterable[PhaseWindow], now: datetime, action: PhaseAction,
           override: Phase | None = None) -> bool:
    """May `action` be done in the consultation at `now`?"""
    windows = list(windows)
    phase = current_phase(windows, now, override)
    if override is None and not any(w.contains(now) for w in windows):
        return False  # before, after or between windows: nothing is open
    return action in ALLOWED[phase]


def voting_over(windows: Iterable[PhaseWindow], now: datetime, override: Phase | None = None) -> bool:
    """Has the vote ended, so results may be published? In the results or closed phase, yes; with another
    override, no; otherwise once the voting window has ended (also in a gap after it)."""
    windows = list(windows)
    if current_phase(windows, now, override) in (Phase.RESULTS, Phase.CLOSED):
        return True
    if override is not None:
        return False
    voting = next((w for w in windows if w.phase == Phase.VOTING), None)
    return voting is not None and voting.ends_at is not None and now >= voting.ends_at


def next_change(windows: Iterable[PhaseWindow], now: datetime) -> datetime | None:
    """When the phase next changes (for 'proposals close on …' messages)."""
    moments = sorted({m for w in windows for m in (w.starts_at, w.ends_at) if m is not None and m > now})
    return moments[0] if moments else None
