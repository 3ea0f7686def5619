"""Consultation use cases: create and edit with phase windows, list, phase status, follow."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.consultations.models import Consultation, ConsultationPhase
from app.consultations.phases import (
    PHASE_ORDER,
    Phase,
    PhaseAction,
    PhaseError,
    PhaseWindow,
    allows,
    current_phase,
    next_change,
    validate_windows,
)
from app.extensions import db
from app.timeutil import local_date, local_midnight_utc

# Where a consultation is in its life, for the list: open ones first, then upcoming, then closed.
OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"
LIFECYCLE_RANK = {OPEN: 0, UPCOMING: 1, CLOSED: 2}


class ConsultationError(Exception):
    """A consultation use case refused; `code` (and the phase concerned) say why."""

    def __init__(self, code: str, phase: Phase | None = None):
        super().__init__(code)
        self.code = code
        self.phase = phase


@dataclass(frozen=True)
class DayWindow:
    """A phase window as a coordinator enters it: first and last day (inclusive), Iitti time."""

    phase: Phase
    starts_on: date
    ends_on: date | None = None

    def to_window(self) -> PhaseWindow:
        """Stored form: from the first day's midnight to the midnight after the last day (UTC)."""
        ends_at = local_midnight_utc(self.ends_on + timedelta(days=1)) if self.ends_on else None
        return PhaseWindow(self.phase, local_midnight_utc(self.starts_on), ends_at)


def day_windows(consultation: Consultation) -> dict[Phase, DayWindow]:
    """The consultation's stored windows as days, for the edit form and the timeline."""
    result = {}
    for row in consultation.phases:
        ends_on = local_date(row.ends_at) - timedelta(days=1) if row.ends_at else None
        result[Phase(row.phase)] = DayWindow(Phase(row.phase), local_date(row.starts_at), ends_on)
    return result


@dataclass(frozen=True)
class TimelineStep:
    phase: Phase
    starts_on: date | None
    ends_on: date | None  # last day, inclusive
    is_current: bool
    is_past: bool


@dataclass(frozen=True)
class PhaseStatus:
    """What a consultation allows now, and until when, for the pages."""

    phase: Phase
    lifecycle: str
    actions: tuple[PhaseAction, ...]  # what can be done now, in a fixed order
    open_until: date | None  # last day the current window is open (inclusive)
    next_starts_on: date | None  # when something next opens, if nothing is open now
    forced: bool  # a coordinator has forced the phase


def lifecycle_of(phase: Phase) -> str:
    if phase == Phase.UPCOMING:
        return UPCOMING
    if phase == Phase.CLOSED:
        return CLOSED
    return OPEN


def phase_status(consultation: Consultation, now: datetime) -> PhaseStatus:
    """The current phase, what it allows and until when."""
    windows = consultation.windows()
    override = Phase(consultation.phase_override) if consultation.phase_override else None
    phase = current_phase(windows, now, override)
    actions = tuple(a for a in PhaseAction if allows(windows, now, a, override))
    open_until = next_starts_on = None
    if override is None:
        containing = next((w for w in windows if w.contains(now)), None)
        if containing is not None and containing.ends_at is not None:
            open_until = local_date(containing.ends_at) - timedelta(days=1)
        elif containing is None:
            change = next_change(windows, now)
            next_starts_on = local_date(change) if change else None
    return PhaseStatus(phase, lifecycle_of(phase), actions, open_until, next_starts_on, override is not None)


def consultation_allows(consultation: Consultation, action: PhaseAction, now: datetime) -> bool:
    """May `action` be done in the consultation at `now` (its phase decides)?"""
    override = Phase(consultation.phase_override) if consultation.phase_override else None
    return allows(consultation.windows(), now, action, override)


def timeline(consultation: Consultation, now: datetime) -> list[TimelineStep]:
    """Every phase the consultation has, in order, with the current one marked.

    A phase a coordinator forced without giving it dates is shown too, without dates.
    """
    days = day_windows(consultation)
    current = consultation.phase_at(now)
    position = PHASE_ORDER.index(current) if current in PHASE_ORDER else -1
    return [
        TimelineStep(phase, days[phase].starts_on if phase in days else None,
                     days[phase].ends_on if phase in days else None,
                     is_current=phase == current, is_past=PHASE_ORDER.index(phase) < position)
        for phase in PHASE_ORDER if phase in days or phase == current
    ]


def save_consultation(actor: User, consultation: Consultation | None, *, title: str, description: str,
                      village_id: int | None, windows: list[DayWindow],
                      phase_override: str | None, answer_days: int | None = None,
                      escalation_days: int | None = None) -> Consultation:
    """Create or edit a consultation and its phase windows (and answer deadlines, if given); audited."""
    from app.review.deadlines import valid_days  # here: the review package imports this one through budgets

    for code, days in (("bad_answer_days", answer_days), ("bad_escalation_days", escalation_days)):
        if days is not None and not valid_days(days):
            raise ConsultationError(code)
    if not windows:
        raise ConsultationError("no_phases")
    if phase_override and Phase(phase_override) not in PHASE_ORDER:
        raise ConsultationError("unknown_phase")
    try:
        ordered = validate_windows(w.to_window() for w in windows)
    except PhaseError as error:
        raise ConsultationError(error.code, error.phase) from None

    creating = consultation is None
    if creating:
        consultation = Consultation(created_by_id=actor.id)
        db.session.add(consultation)
    changes = {}
    for name, value in (("title", title.strip()), ("description", description),
                        ("village_id", village_id), ("phase_override", phase_override or None),
                        ("answer_days", answer_days), ("escalation_days", escalation_days)):
        if value is None and name in ("answer_days", "escalation_days"):
            continue  # not given: the stored value (or the default) stays
        old = getattr(consultation, name)
        if old != value:
            changes[name] = [old, value]
            setattr(consultation, name, value)
    # Rows are updated in place by phase: a delete and insert of the same phase in one
    # flush would trip the (consultation, phase) unique constraint.
    existing = {Phase(row.phase): row for row in consultation.phases}
    wanted = {w.phase: w for w in ordered}
    for phase, window in wanted.items():
        row = existing.get(phase)
        if row is None:
            consultation.phases.append(ConsultationPhase(phase=phase.value, starts_at=window.starts_at,
                                                         ends_at=window.ends_at))
            changes[f"phase:{phase}"] = [None, _window_text(window)]
        elif (row.starts_at, row.ends_at) != (window.starts_at, window.ends_at):
            changes[f"phase:{phase}"] = [_window_text(row), _window_text(window)]
            row.starts_at, row.ends_at = window.starts_at, window.ends_at
    for phase, row in existing.items():
        if phase not in wanted:
            changes[f"phase:{phase}"] = [_window_text(row), None]
            consultation.phases.remove(row)
    db.session.flush()
    if creating or changes:
        record(actor, "consultation.created" if creating else "consultation.edited", consultation, **changes)
    db.session.commit()
    return consultation


def _window_text(window) -> str:
    end = window.ends_at.isoformat() if window.ends_at else "open"
    return f"{window.starts_at.isoformat()}/{end}"


def get_consultation(consultation_id: int) -> Consultation | None:
    """A consultation with its phases and village loaded."""
    return db.session.scalar(
        sa.select(Consultation)
        .options(selectinload(Consultation.phases), selectinload(Consultation.village))
        .where(Consultation.id == consultation_id)
    )


def lifecycle_rank(now: datetime) -> sa.ColumnElement:
    """SQL for the lifecycle rank (0 open, 1 upcoming, 2 closed), the same as lifecycle_of(phase_at(now)).

    Follows current_phase(): before the first window (or with none) it is upcoming; from
    the start of a `closed` window, or after the last window has ended, it is closed.
    """
    phase = ConsultationPhase
    first_start = (sa.select(sa.func.min(phase.starts_at)).where(phase.consultation_id == Consultation.id)
                   .scalar_subquery())
    last_end = (sa.select(sa.func.max(phase.ends_at)).where(phase.consultation_id == Consultation.id)
                .scalar_subquery())
    open_ended = sa.exists().where(phase.consultation_id == Consultation.id, phase.ends_at.is_(None))
    closed_started = sa.exists().where(phase.consultation_id == Consultation.id,
                                       phase.phase == Phase.CLOSED.value, phase.starts_at <= now)
    override = Consultation.phase_override
    return sa.case(
        (override == Phase.CLOSED.value, 2),
        (override == Phase.UPCOMING.value, 1),
        (override.is_not(None), 0),
        (first_start.is_(None), 1),
        (first_start > now, 1),
        (closed_started, 2),
        (sa.and_(sa.not_(open_ended), last_end <= now), 2),
        else_=0,
    )


def consultation_list_query(now: datetime) -> sa.Select:
    """Every consultation: open first, then upcoming (soonest first), then closed (latest first)."""
    rank = lifecycle_rank(now)
    first_start = (sa.select(sa.func.min(ConsultationPhase.starts_at))
                   .where(ConsultationPhase.consultation_id == Consultation.id).scalar_subquery())
    return (
        sa.select(Consultation)
        .options(selectinload(Consultation.phases), selectinload(Consultation.village))
        .order_by(rank,
                  sa.case((rank == 1, first_start)).asc().nulls_last(),
                  sa.case((rank != 1, first_start)).desc().nulls_last(),
                  Consultation.id.desc())
    )


def open_consultations(now: datetime, limit: int = 5) -> list[Consultation]:
    """Consultations in a phase now, for the front page."""
    query = consultation_list_query(now).where(lifecycle_rank(now) == 0).limit(limit)
    return list(db.session.scalars(query))


def all_consultations() -> list[Consultation]:
    """Every consultation by title, for filters and selects."""
    return list(db.session.scalars(sa.select(Consultation).order_by(Consultation.title)))
