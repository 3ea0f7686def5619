"""Paper ballots: batches keyed in by coordinators (twice, by two people, under double entry), then counted.

Entries are checked by the same rules as online ballots when they are keyed, and again when the batch is
counted. Counting is one transaction holding the budget's write lock, the same lock online casting takes,
so a voter who votes online while a batch is being counted cannot end up with two ballots; the unique
(budget, voter key) of `budget_participation` guarantees it in any case.
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.auth.services import find_user_by_email
from app.budgets import double_entry, rules, services
from app.budgets.double_entry import FIRST_ROUND, SECOND_ROUND, Entry, Mismatch
from app.budgets.models import (
    BatchStatus,
    Budget,
    BudgetParticipation,
    Electorate,
    PaperBatch,
    PaperEntry,
    Secrecy,
)
from app.budgets.services import BudgetError
from app.consultations.phases import Phase
from app.directory.models import Association
from app.extensions import db

MAX_LABEL = 120


class PaperError(BudgetError):
    """A paper-ballot use case refused (a code and the numbers its message needs)."""


# --- when ----------------------------------------------------------------------------------

def paper_open(budget: Budget, now: datetime) -> bool:
    """May paper ballots be keyed and counted? During the voting window, and after it until the
    consultation closes: the counting day comes after the polls close."""
    if services.voting_open(budget, now):
        return True
    return services.voting_closed(budget, now) and budget.consultation.phase_at(now) != Phase.CLOSED


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchSummary:
    batch: PaperBatch
    first_round: int  # entries keyed in round 1
    second_round: int  # entries keyed in round 2


def batches_of(budget: Budget) -> list[BatchSummary]:
    """The budget's batches, newest first, with how many entries each round has."""
    batches = list(db.session.scalars(
        sa.select(PaperBatch).where(PaperBatch.budget_id == budget.id)
        .options(selectinload(PaperBatch.created_by), selectinload(PaperBatch.counted_by))
        .order_by(PaperBatch.id.desc())))
    counts: dict[tuple[int, int], int] = {
        (batch_id, entry_round): n for batch_id, entry_round, n in db.session.execute(
            sa.select(PaperEntry.batch_id, PaperEntry.entry_round, sa.func.count())
            .join(PaperBatch).where(PaperBatch.budget_id == budget.id)
            .group_by(PaperEntry.batch_id, PaperEntry.entry_round))}
    return [BatchSummary(b, counts.get((b.id, FIRST_ROUND), 0), counts.get((b.id, SECOND_ROUND), 0))
            for b in batches]


def get_batch(budget: Budget, batch_id: int) -> PaperBatch | None:
    """A batch of this budget with its entries and who keyed them."""
    return db.session.scalars(
        sa.select(PaperBatch).where(PaperBatch.id == batch_id, PaperBatch.budget_id == budget.id)
        .options(selectinload(PaperBatch.entries).selectinload(PaperEntry.entered_by),
                 selectinload(PaperBatch.created_by), selectinload(PaperBatch.counted_by))
    ).one_or_none()


def entries_of(batch: PaperBatch, entry_round: int) -> list[PaperEntry]:
    return [e for e in batch.entries if e.entry_round == entry_round]


def keyers(batch: PaperBatch) -> dict[int, set[int]]:
    """The ids of the coordinators who keyed each round."""
    who: dict[int, set[int]] = {FIRST_ROUND: set(), SECOND_ROUND: set()}
    for entry in batch.entries:
        if entry.entered_by_id is not None:
            who[entry.entry_round].add(entry.entered_by_id)
    return who


def suggested_round(budget: Budget, batch: PaperBatch, user: User) -> int:
    """The round this coordinator keys: the one they started, else round 2 once someone else keyed round 1."""
    if not budget.double_entry:
        return FIRST_ROUND
    who = keyers(batch)
    if user.id in who[SECOND_ROUND]:
        return SECOND_ROUND
    if user.id in who[FIRST_ROUND] or not entries_of(batch, FIRST_ROUND):
        return FIRST_ROUND
    return SECOND_ROUND


def voter_names(budget: Budget, entries: list[PaperEntry]) -> dict[str, str]:
    """How to show each entry's voter: the association's name, or the register number as it is."""
    names = {e.voter_ref: e.voter_ref for e in entries}
    if budget.electorate == Electorate.ASSOCIATIONS:
        ids = {int(ref) for ref in names if ref.isdigit()}
        if ids:
            for association_id, name in db.session.execute(
                    sa.select(Association.id, Association.name).where(Association.id.in_(ids))):
                names[str(association_id)] = name
    return names


def as_entry(entry: PaperEntry) -> Entry:
    return Entry(entry.sequence, entry.voter_ref, double_entry.parse_choices(entry.choices))


def mismatches(batch: PaperBatch) -> list[Mismatch]:
    """Where the two keyings of the batch differ (double entry)."""
    return double_entry.compare_rounds([as_entry(e) for e in entries_of(batch, FIRST_ROUND)],
                                       [as_entry(e) for e in entries_of(batch, SECOND_ROUND)])


def active_associations() -> list[Association]:
    return list(db.session.scalars(sa.select(Association).where(Association.is_active.is_(True))
                                   .order_by(Association.name)))


# --- writing -------------------------------------------------------------------------------

def _clean_label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise PaperError("paper_label_required")
    if len(label) > MAX_LABEL:
        raise PaperError("paper_label_too_long", max=MAX_LABEL)
    if not label.isprintable():
        raise PaperError("paper_label_bad")
    return label


def create_batch(actor: User, budget: Budget, label: str, now: datetime) -> PaperBatch:
    """Start a batch of paper ballots (e.g. "Kausala library, ballot box 1")."""
    try:
        if not paper_open(budget, now):
            raise PaperError("paper_closed")
        batch = PaperBatch(budget_id=budget.id, label=_clean_label(label), status=BatchStatus.ENTERING,
                           created_by_id=actor.id, created_at=now)
        db.session.add(batch)
        db.session.flush()
        record(actor, "budget.paper_batch_create", batch, budget=budget.id, label=batch.label)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return batch


def _locked_batch(budget: Budget, batch_id: int) -> PaperBatch:
    """The batch, its row locked until commit on PostgreSQL, so keying and counting take turns."""
    batch = db.session.scalars(
        sa.select(PaperBatch).where(PaperBatch.id == batch_id, PaperBatch.budget_id == budget.id)
        .options(selectinload(PaperBatch.entries))
        .with_for_update().execution_options(populate_existing=True)).one_or_none()
    if batch is None:
        raise PaperError("paper_no_batch")
    return batch


def _check_writable(actor: User, budget: Budget, batch: PaperBatch, entry_round: int, now: datetime) -> None:
    if batch.status == BatchStatus.COUNTED:
        raise PaperError("paper_batch_counted")
    if not paper_open(budget, now):
        raise PaperError("paper_closed")
    if entry_round not in double_entry.ROUNDS or (entry_round == SECOND_ROUND and not budget.double_entry):
        raise PaperError("paper_bad_round")
    if budget.double_entry:
        other = SECOND_ROUND if entry_round == FIRST_ROUND else FIRST_ROUND
        if actor.id in keyers(batch)[other]:
            raise PaperError("paper_same_coordinator", round=other)


def _voter(budget: Budget, voter_ref: str) -> tuple[str, int | None]:
    """The voter key and association of an entry's voter reference; refuses an unknown association."""
    if budget.electorate == Electorate.ASSOCIATIONS:
        association_id = int(voter_ref) if voter_ref.isdigit() else None
        association = db.session.get(Association, association_id) if association_id else None
        if association is None or not association.is_active:
            raise PaperError("paper_unknown_association")
        return rules.association_key(association.id), association.id
    if "@" in voter_ref:
        # A registered resident named by email votes under their own key, so their online ballot and their
        # paper ballot cannot both count (the unique voter key refuses the second).
        user = find_user_by_email(voter_ref)
        if user is None or user.erased_at is not None:
            raise PaperError("paper_unknown_resident")
        return rules.user_key(user.id), None
    return rules.paper_key(voter_ref), None


def _user_id(voter_key: str) -> int | None:
    return int(voter_key.removeprefix("user:")) if voter_key.startswith("user:") else None


def _check_ballot(budget: Budget, association_id: int | None, pairs) -> dict[int, int]:
    """The rules of the online ballot, a blank ballot allowed (it still counts as a voter)."""
    spec = services.ballot_spec(budget, services.forbidden_for(budget, association_id))
    return rules.check_ballot(spec, pairs, allow_empty=True)


def _already_voted(budget: Budget, voter_keys) -> set[str]:
    return set(db.session.scalars(sa.select(BudgetParticipation.voter_key).where(
        BudgetParticipation.budget_id == budget.id, BudgetParticipation.voter_key.in_(list(voter_keys)))))


def _check_entry(budget: Budget, batch: PaperBatch, entry: PaperEntry | None, entry_round: int, sequence: int,
                 voter_ref: str, pairs) -> dict[int, int]:
    voter_key, association_id = _voter(budget, voter_ref)
    choices = _check_ballot(budget, association_id, pairs)
    others = [e for e in entries_of(batch, entry_round) if e is not entry]
    if any(e.sequence == sequence for e in others):
        raise PaperError("paper_duplicate_sequence", sequence=sequence, round=entry_round)
    twice = next((e for e in others if e.voter_ref == voter_ref), None)
    if twice is not None:
        raise PaperError("paper_voter_twice", sequence=sequence, other=twice.sequence)
    if _already_voted(budget, [voter_key]):
        raise PaperError("paper_voter_already_voted", sequence=sequence)
    return choices


def _audit_ballot(budget: Budget, voter_ref: str, choices: dict[int, int]) -> dict:
    """What the audit log keeps of an entry: who voted what only when ballots are open anyway."""
    if budget.secrecy == Secrecy.OPEN:
        return {"voter": voter_ref, "choices": double_entry.format_choices(choices)}
    return {}


def add_entry(actor: User, budget: Budget, batch_id: int, entry_round: int, sequence: int, voter_ref: str,
              pairs, now: datetime) -> PaperEntry:
    """Key one paper ballot into a round of a batch; refusals store nothing."""
    with services.committed(lambda: PaperError("paper_duplicate_sequence", sequence=sequence, round=entry_round)):
        batch = _locked_batch(budget, batch_id)
        _check_writable(actor, budget, batch, entry_round, now)
        choices = _check_entry(budget, batch, None, entry_round, sequence, voter_ref, pairs)
        entry = PaperEntry(batch=batch, entry_round=entry_round, sequence=sequence, voter_ref=voter_ref,
                           choices=double_entry.format_choices(choices), entered_by_id=actor.id, entered_at=now)
        db.session.add(entry)
        db.session.flush()  # the unique (batch, round, sequence) is checked here
        record(actor, "budget.paper_entry_add", entry, budget=budget.id, batch=batch.id, round=entry_round,
               sequence=sequence, **_audit_ballot(budget, voter_ref, choices))
    return entry


def _locked_entry(budget: Budget, batch_id: int, entry_id: int) -> tuple[PaperBatch, PaperEntry]:
    batch = _locked_batch(budget, batch_id)
    entry = next((e for e in batch.entries if e.id == entry_id), None)
    if entry is None:
        raise PaperError("paper_no_entry")
    return batch, entry


def correct_entry(actor: User, budget: Budget, batch_id: int, entry_id: int, sequence: int, voter_ref: str,
                  pairs, now: datetime) -> PaperEntry:
    """Correct a keyed paper ballot (after looking at the paper again); refusals change nothing."""
    entry_round = None
    with services.committed(lambda: PaperError("paper_duplicate_sequence", sequence=sequence, round=entry_round)):
        batch, entry = _locked_entry(budget, batch_id, entry_id)
        entry_round = entry.entry_round
        _check_writable(actor, budget, batch, entry_round, now)
        choices = _check_entry(budget, batch, entry, entry_round, sequence, voter_ref, pairs)
        before = {"sequence": entry.sequence, **_audit_ballot(budget, entry.voter_ref,
                                                              double_entry.parse_choices(entry.choices))}
        entry.sequence = sequence
        entry.voter_ref = voter_ref
        entry.choices = double_entry.format_choices(choices)
        entry.entered_by_id = entry.entered_by_id or actor.id
        entry.updated_at = now
        db.session.flush()
        record(actor, "budget.paper_entry_correct", entry, budget=budget.id, batch=batch.id,
               round=entry.entry_round, sequence=sequence, previous=before,
               **_audit_ballot(budget, voter_ref, choices))
    return entry


def remove_entry(actor: User, budget: Budget, batch_id: int, entry_id: int, now: datetime) -> int:
    """Take out an entry keyed by mistake (no such paper ballot); returns its ballot number."""
    try:
        batch, entry = _locked_entry(budget, batch_id, entry_id)
        _check_writable(actor, budget, batch, entry.entry_round, now)
        sequence = entry.sequence
        record(actor, "budget.paper_entry_remove", entry, budget=budget.id, batch=batch.id,
               round=entry.entry_round, sequence=sequence,
               **_audit_ballot(budget, entry.voter_ref, double_entry.parse_choices(entry.choices)))
        db.session.delete(entry)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return sequence


def count_batch(actor: User, budget_id: int, batch_id: int, now: datetime) -> int:
    """Turn a batch's entries into counted paper ballots, all or nothing; returns how many were counted.

    Under double entry both keyings must agree entry by entry. Every ballot is checked again, and a voter
    who has already voted (online, or in another batch) stops the whole count.
    """
    with services.committed(lambda: PaperError("paper_voter_taken")):
        services.lock_budget_for_writing(budget_id, now)  # also freezes the rules, as the first ballot does
        budget = services.get_budget(budget_id)
        if budget is None:
            raise PaperError("no_budget")
        db.session.refresh(budget)
        batch = _locked_batch(budget, batch_id)
        if batch.status == BatchStatus.COUNTED:
            raise PaperError("paper_batch_counted")
        if not paper_open(budget, now):
            raise PaperError("paper_closed")
        entries = entries_of(batch, FIRST_ROUND)
        if not entries:
            raise PaperError("paper_batch_empty")
        if budget.double_entry:
            if not entries_of(batch, SECOND_ROUND):
                raise PaperError("paper_second_round_missing")
            differences = mismatches(batch)
            if differences:
                raise PaperError("paper_mismatches", count=len(differences))
        ballots = []
        seen: dict[str, int] = {}
        for entry in entries:
            try:
                voter_key, association_id = _voter(budget, entry.voter_ref)
                choices = _check_ballot(budget, association_id,
                                        list(double_entry.parse_choices(entry.choices).items()))
            except rules.BallotError as error:
                raise PaperError("paper_entry_invalid", sequence=entry.sequence, error=error) from None
            if voter_key in seen:
                raise PaperError("paper_voter_twice", sequence=entry.sequence, other=seen[voter_key])
            seen[voter_key] = entry.sequence
            ballots.append((entry, voter_key, association_id, choices))
        voted = _already_voted(budget, seen)
        if voted:
            raise PaperError("paper_voter_already_voted", sequence=min(seen[k] for k in voted))
        for _entry, voter_key, association_id, choices in ballots:
            services.store_paper_ballot(actor, budget, voter_key, association_id, _user_id(voter_key), choices, now)
        batch.status = BatchStatus.COUNTED
        batch.counted_by_id = actor.id
        batch.counted_at = now
        if budget.secrecy == Secrecy.SECRET:
            # Counted secret ballots keep no link between voter and choices; participation rows say who voted.
            for entry in batch.entries:
                entry.voter_ref = ""
        record(actor, "budget.paper_batch_count", batch, budget=budget.id, ballots=len(ballots))
    return len(ballots)
