"""Paper ballots as keyed in: reading an entry's fields and comparing two keyings of a batch.

Plain Python: no Flask, no database. Refusals are `BallotError`s whose codes the budget messages translate.
Under double entry two coordinators key the same batch of paper ballots independently; where the two
keyings differ, someone looks at the paper ballot again and corrects the wrong entry.
"""
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.budgets.rules import BallotError

MAX_SEQUENCE = 999_999
MAX_REGISTER_NUMBER = 40
MAX_POINTS_DIGITS = 6

# ASCII digits only: str.isdigit() also accepts other scripts' digits and superscripts.
_NUMBER = re.compile(r"[0-9]+")

FIRST_ROUND = 1
SECOND_ROUND = 2
ROUNDS = (FIRST_ROUND, SECOND_ROUND)

# Kinds of mismatch between the two keyings of one paper ballot.
MISSING_IN_FIRST = "missing_in_round_1"
MISSING_IN_SECOND = "missing_in_round_2"
VOTER = "voter"
CHOICES = "choices"


def _whole_number(text: str | None, max_digits: int) -> int | None:
    text = (text or "").strip()
    if not _NUMBER.fullmatch(text):
        return None
    significant = text.lstrip("0") or "0"
    return int(significant) if len(significant) <= max_digits else None


def parse_sequence(text: str | None) -> int:
    """The number written on the paper ballot: a whole number from 1 up."""
    number = _whole_number(text, len(str(MAX_SEQUENCE)))
    if number is None or not 1 <= number <= MAX_SEQUENCE:
        raise BallotError("paper_bad_sequence", maximum=MAX_SEQUENCE)
    return number


def parse_round(text: str | None) -> int:
    number = _whole_number(text, 1)
    if number not in ROUNDS:
        raise BallotError("paper_bad_round")
    return number


def normalise_register_number(text: str | None) -> str:
    """A number in the paper voter register as stored: spaces collapsed, letters in capitals.

    "a 12" and "A12 " name different voters, but "  a 12" and "A 12" the same one.
    """
    value = " ".join((text or "").split()).upper()
    if not value:
        raise BallotError("paper_register_number_required")
    if len(value) > MAX_REGISTER_NUMBER:
        raise BallotError("paper_register_number_too_long", max=MAX_REGISTER_NUMBER)
    if not value.isprintable():
        raise BallotError("paper_register_number_bad")
    return value


def parse_association_ref(text: str | None) -> int:
    """The association chosen for an associations-electorate paper ballot (its id)."""
    number = _whole_number(text, 12)
    if not number:
        raise BallotError("paper_unknown_association")
    return number


def choice_pairs(cumulative: bool, project_ids: Iterable[int], checked: Iterable[str],
                 points: Mapping[int, str | None]) -> list[tuple[int, int]]:
    """The (project id, points) pairs of an entry as the form sent them, in the online ballot's shape.

    Approval rules: the values of the ticked checkboxes, one point each. Cumulative: a number per project,
    blank meaning none. The ballot rules check the pairs afterwards; nothing here is trusted.
    """
    pairs = []
    if cumulative:
        for project_id in project_ids:
            text = (points.get(project_id) or "").strip()
            if not text:
                continue
            number = _whole_number(text, MAX_POINTS_DIGITS)
            if number is None:
                raise BallotError("bad_points")
            pairs.append((project_id, number))
        return pairs
    for value in checked:
        number = _whole_number(value, 12)
        if number is None:
            raise BallotError("unknown_project")
        pairs.append((number, 1))
    return pairs


def format_choices(choices: Mapping[int, int]) -> str:
    """Choices as PaperEntry stores them: "project_id:points" pairs, by project id, without zeros."""
    return ",".join(f"{p}:{n}" for p, n in sorted(choices.items()) if n)


def parse_choices(text: str) -> dict[int, int]:
    """The stored choices text back as {project id: points}; refuses text that `format_choices` cannot give."""
    choices: dict[int, int] = {}
    for part in filter(None, (text or "").split(",")):
        project, sep, points = part.strip().partition(":")
        if not sep or not _NUMBER.fullmatch(project) or not _NUMBER.fullmatch(points):
            raise ValueError(f"bad choices text: {text!r}")
        if int(project) in choices:
            raise ValueError(f"project {project} twice in {text!r}")
        if int(points):
            choices[int(project)] = int(points)
    return choices


@dataclass(frozen=True)
class Entry:
    """One keyed paper ballot, as the comparison sees it."""

    sequence: int
    voter_ref: str
    choices: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Mismatch:
    """A difference between the two keyings of the paper ballot numbered `sequence`.

    kind: MISSING_IN_FIRST or MISSING_IN_SECOND (keyed only once), VOTER or CHOICES (keyed differently;
    a ballot keyed with a different voter and different choices gives both). `projects`: for CHOICES, the
    projects whose points differ, by id.
    """

    sequence: int
    kind: str
    first: Entry | None
    second: Entry | None
    projects: tuple[int, ...] = ()


def _by_sequence(entries: Iterable[Entry], name: str) -> dict[int, Entry]:
    by_sequence: dict[int, Entry] = {}
    for entry in entries:
        if entry.sequence in by_sequence:
            raise ValueError(f"ballot number {entry.sequence} twice in {name}")
        by_sequence[entry.sequence] = entry
    return by_sequence


def compare_rounds(first: Iterable[Entry], second: Iterable[Entry]) -> list[Mismatch]:
    """Every difference between two keyings of a batch, by ballot number; empty when they agree."""
    one, two = _by_sequence(first, "round 1"), _by_sequence(second, "round 2")
    mismatches = []
    for sequence in sorted(one.keys() | two.keys()):
        a, b = one.get(sequence), two.get(sequence)
        if a is None:
            mismatches.append(Mismatch(sequence, MISSING_IN_FIRST, None, b))
            continue
        if b is None:
            mismatches.append(Mismatch(sequence, MISSING_IN_SECOND, a, None))
            continue
        if a.voter_ref != b.voter_ref:
            mismatches.append(Mismatch(sequence, VOTER, a, b))
        a_choices = {p: n for p, n in a.choices.items() if n}
        b_choices = {p: n for p, n in b.choices.items() if n}
        if a_choices != b_choices:
            differing = tuple(sorted(p for p in a_choices.keys() | b_choices.keys()
                                     if a_choices.get(p) != b_choices.get(p)))
            mismatches.append(Mismatch(sequence, CHOICES, a, b, differing))
    return mismatches
