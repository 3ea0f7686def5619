"""Budget domain rules: what a valid ballot is, who votes, what freezes. Plain Python: no Flask, no database.

Refusals are `BallotError`s with a code and the numbers the message needs; the views translate them.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

APPROVAL = "approval"
APPROVAL_MAX_N = "approval_max_n"
CUMULATIVE = "cumulative"
VOTING_RULES = (APPROVAL, APPROVAL_MAX_N, CUMULATIVE)

ASSOCIATIONS = "associations"
RESIDENTS = "residents"
ELECTORATES = (ASSOCIATIONS, RESIDENTS)


class BallotError(ValueError):
    """A refused ballot or vote; `code` says why and `params` carry the numbers for the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class BallotSpec:
    """What a ballot in one budget may contain."""

    voting_rule: str
    total: Decimal
    costs: Mapping[int, Decimal]  # project id -> cost
    max_projects: int | None = None  # N of approval_max_n
    points_total: int | None = None  # K of cumulative
    min_projects: int = 0
    # Projects this voter may not vote for (the conflict-of-interest rule).
    forbidden: frozenset[int] = field(default_factory=frozenset)


def check_ballot(spec: BallotSpec, choices: Iterable[tuple[int, int]], allow_empty: bool = False) -> dict[int, int]:
    """The ballot as {project id: points} if valid under `spec`; otherwise raise BallotError.

    `choices` are (project id, points) pairs as submitted; an approval gives 1 point. An empty ballot is
    refused unless `allow_empty` (a blank paper ballot still counts as a voter).
    """
    ballot: dict[int, int] = {}
    seen: set[int] = set()
    for project_id, points in choices:
        if project_id not in spec.costs:
            raise BallotError("unknown_project")
        if project_id in seen:
            raise BallotError("duplicate_project")
        seen.add(project_id)
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise BallotError("bad_points")
        if points == 0:
            continue
        if spec.voting_rule != CUMULATIVE and points != 1:
            raise BallotError("bad_points")
        if project_id in spec.forbidden:
            raise BallotError("conflict_of_interest", project_id=project_id)
        ballot[project_id] = points
    if not ballot:
        if allow_empty:
            return ballot
        raise BallotError("empty")
    if len(ballot) < spec.min_projects:
        raise BallotError("too_few", minimum=spec.min_projects, chosen=len(ballot))
    if spec.voting_rule == APPROVAL:
        cost = sum((spec.costs[p] for p in ballot), Decimal(0))
        if cost > spec.total:
            raise BallotError("over_budget", cost=cost, total=spec.total, over=cost - spec.total)
    elif spec.voting_rule == APPROVAL_MAX_N:
        if spec.max_projects is not None and len(ballot) > spec.max_projects:
            raise BallotError("too_many", maximum=spec.max_projects, chosen=len(ballot))
    elif spec.voting_rule == CUMULATIVE:
        used = sum(ballot.values())
        if spec.points_total is not None and used > spec.points_total:
            raise BallotError("too_many_points", maximum=spec.points_total, used=used)
    else:
        raise BallotError("unknown_rule")
    return ballot


def check_settings(voting_rule: str, electorate: str, total: Decimal, max_projects: int | None,
                   points_total: int | None, min_projects: int, project_count: int | None = None) -> None:
    """Refuse budget settings that make no sense (BallotError with a code naming the field)."""
    if voting_rule not in VOTING_RULES:
        raise BallotError("unknown_rule")
    if electorate not in ELECTORATES:
        raise BallotError("unknown_electorate")
    if total is None or total <= 0:
        raise BallotError("total_not_positive")
    if voting_rule == APPROVAL_MAX_N and (max_projects is None or max_projects < 1):
        raise BallotError("max_projects_required")
    if voting_rule == CUMULATIVE and (points_total is None or points_total < 1):
        raise BallotError("points_total_required")
    if min_projects < 0:
        raise BallotError("min_projects_negative")
    if voting_rule == APPROVAL_MAX_N and max_projects is not None and min_projects > max_projects:
        raise BallotError("min_over_max", minimum=min_projects, maximum=max_projects)
    if voting_rule == CUMULATIVE and points_total is not None and min_projects > points_total:
        raise BallotError("min_over_points", minimum=min_projects, maximum=points_total)


def association_key(association_id: int) -> str:
    return f"association:{association_id}"


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def paper_key(register_number: str) -> str:
    return f"paper:{register_number.strip()}"


@dataclass(frozen=True)
class VoterOption:
    """One ballot a person may cast: for an association they represent, or as themselves."""

    voter_key: str
    association_id: int | None = None


def voter_options(electorate: str, user_id: int, represented_association_ids: Iterable[int]) -> list[VoterOption]:
    """The ballots a person may cast in a budget with this electorate.

    associations: one per approved, active association they currently represent (as representative or
    deputy); a person representing two associations casts two ballots. residents: one, their own.
    """
    if electorate == RESIDENTS:
        return [VoterOption(user_key(user_id))]
    if electorate == ASSOCIATIONS:
        return [VoterOption(association_key(a), a) for a in sorted(set(represented_association_ids))]
    raise BallotError("unknown_electorate")


def forbidden_projects(conflict_rule: bool, association_id: int | None,
                       proposers: Mapping[int, int | None]) -> frozenset[int]:
    """Projects an association may not vote for: the ones it proposed, when the rule is on."""
    if not conflict_rule or association_id is None:
        return frozenset()
    return frozenset(p for p, proposer in proposers.items() if proposer == association_id)
