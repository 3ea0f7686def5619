"""Participatory-budgeting tallies: greedy, the Method of Equal Shares, and equal shares with completion.

Pure Python, standard library only: no Flask, no database. Exact arithmetic (`fractions.Fraction`, or
integers over a common denominator), deterministic. `tally(rule, budget, projects, ballots)` returns the
winners in selection order and, for every project, a `ProjectExplanation` with the numbers the UI needs
to explain the result in plain language (this module holds no UI text).

Rules
-----
`greedy`: projects by points, most first; fund each whose cost still fits the money left, skip the others
and go on. A project nobody voted for is funded too if money remains (the standard definition).

`mes`: the Method of Equal Shares with cost utilities (Peters, Pierczyński, Skowron; equalshares.net).
Every voter, also one with an empty ballot, gets budget / voters. Repeatedly fund the project with the
smallest rho such that its supporters, each paying min(own money, rho * utility), cover its cost, where
utility = cost * points (cost for approval); stop when no project is affordable.

`mes-completed`: the "Add1" completion as real elections ran it (Wieliczka 2023, Świecie 2023): run `mes`
with per-voter budget B/n, B/n + 1, B/n + 2, ... for as long as the outcome costs at most B, keep the last
outcome that fits, then run `greedy` on the other projects with the money left. (The loop stops at the
first increment whose outcome costs more than B, not at the first exhaustive outcome.) If all projects
with votes fit in B together, all of them are funded: the loop would never stop, and from a per-voter
budget on which one voter could pay for everything, MES funds them all in order of points.

One tie-break order for every rule: lower cost first, then more points ("votes"; for approval ballots the
number of approvals), then project id, where ids made only of digits compare as numbers and come before
other ids. pabutools 1.2.3 gives the same winners in the same order when given this order as its
`tie_breaking` (greedy_utilitarian_welfare, method_of_equal_shares, and for mes-completed
completion_by_rule_combination of exhaustion_by_budget_increase(method_of_equal_shares,
exhaustive_stop=False, budget_step=n) and greedy_utilitarian_welfare).

How mes-completed stays fast
----------------------------
The naive loop runs MES once per euro of per-voter budget: hundreds of runs on real files, thousands for a
few dozen association ballots. Five things make it quick; none changes the result.

1. Voters with identical ballots are one weighted group: in MES they are interchangeable.
2. Voters whose ballots give the same points to the same funded projects (their pattern) have paid the
   same and have the same money left: a class. Each project keeps a histogram of its supporters over
   classes, so pricing a project costs one step per class, not per voter. Money is kept as integers over
   one common denominator, rescaled when a new price needs it, instead of a Fraction per operation.
3. A project's rho can only grow as voters spend, so a rho computed earlier is a lower bound: a heap of
   possibly stale rhos recomputes only the top until the top is fresh (pabutools does the same).
4. How funding project p splits its supporters' classes, and which other projects the voters in each new
   class support, depends only on p and on which of p's neighbours (projects sharing a voter with p) are
   funded, not on the money or the order. It is computed once, on first need, for classes that still have
   money, and reused by the runs at other per-voter budgets.
5. Increments are skipped only where provably nothing changes. Fix the funded sequence W: by induction
   over the rounds, a higher per-voter budget leaves every voter at least as much money and every price
   (rho) at most as high. So if MES at budget lo funds W, and a run that funds W at budget hi finds, in
   every round, every other project still dearer at hi than the winner was at lo (ties by the tie-break
   order), and nothing affordable after W at hi, then every budget in [lo, hi] funds exactly W, at the
   same total cost. The loop certifies such stretches, doubling their length after a success and halving
   it after a failure, and runs MES one increment further only where no certificate holds. It therefore
   returns what the sequential loop returns, and costs about one run per change of outcome where the
   outcome changes slowly (small electorates), and one run per increment where it changes at every step.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from types import MappingProxyType
from typing import Iterable, Mapping

GREEDY = "greedy"
MES = "mes"
MES_COMPLETED = "mes-completed"
RULES = (GREEDY, MES, MES_COMPLETED)

# Reasons in ProjectExplanation.reason.
FUNDED = "funded"
NO_VOTES_FUNDED = "no_votes_funded"
SKIPPED_NOT_ENOUGH_MONEY = "skipped_not_enough_money"
NOT_AFFORDABLE_FOR_SUPPORTERS = "not_affordable_for_supporters"
NO_VOTES = "no_votes"
FUNDED_IN_COMPLETION = "funded_in_completion"


_ZERO = Fraction(0)


class TallyError(ValueError):
    """Invalid tally input."""


@dataclass(frozen=True)
class Project:
    """A project on the ballot; `cost` is exact (int, Fraction or Decimal)."""

    id: str
    cost: Fraction | int
    name: str = ""


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot: points per project id (an approval ballot gives 1 to each approved project)."""

    points: Mapping[str, int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", MappingProxyType(dict(self.points)))

    def __hash__(self) -> int:
        return hash(frozenset(self.points.items()))

    @classmethod
    def approval(cls, project_ids: Iterable[str]) -> "Ballot":
        """An approval ballot: one point for each approved project."""
        return cls({project_id: 1 for project_id in project_ids})


@dataclass(frozen=True)
class ProjectExplanation:
    """Why a project was or was not funded, as numbers for the UI to put into words.

    votes: voters who gave it points; points: their total (equal to votes for approval ballots).
    order: 1-based position among the winners, None if not funded. reason: one of the reason constants.
    remaining_budget: the real money left when the project was decided (for equal shares: when it was
    funded, or at the end of the run for a project it did not fund).
    For projects decided by equal shares: rho, the price per unit of utility (utility = cost * points);
    payment_per_point (rho * cost), what each supporter with enough money paid per point;
    supporters_money, what its supporters had left before it was funded (for a project not funded: at the
    end of equal shares, less than the cost); supporters_paying_all, how many supporters paid all they had.
    In mes-completed these are in the virtual per-voter budget of the run that was kept (see
    TallyResult.voter_budget).
    """

    project_id: str
    cost: Fraction
    votes: int
    points: int
    selected: bool
    order: int | None
    reason: str
    remaining_budget: Fraction
    rho: Fraction | None = None
    payment_per_point: Fraction | None = None
    supporters_money: Fraction | None = None
    supporters_paying_all: int | None = None


@dataclass(frozen=True)
class TallyResult:
    """Winners in selection order, what they cost, and an explanation for every project (in input order).

    voter_budget: for mes, budget / voters; for mes-completed, the per-voter budget of the equal-shares run
    that was kept (budget / voters + the number of Add1 increments); None for greedy or without voters.
    """

    rule: str
    budget: Fraction
    winners: list[str]
    spent: Fraction
    explanations: dict[str, ProjectExplanation]
    voter_count: int
    voter_budget: Fraction | None = None


def _exact(value: object, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (Rational, Decimal)):
        raise TallyError(f"{what} must be an exact number (int, Fraction or Decimal), got {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise TallyError(f"{what} must be finite, got {value!r}")
    return Fraction(value)


def id_sort_key(project_id: str) -> tuple[int, int, str]:
    """Sort key for project ids: ids made only of digits as numbers, before all other ids."""
    if project_id.isascii() and project_id.isdigit():
        return (0, int(project_id), project_id)
    return (1, 0, project_id)


class _Election:
    """Validated input, with identical ballots merged into weighted groups."""

    def __init__(self, budget: object, projects: Iterable[Project], ballots: Iterable[Ballot]) -> None:
        self.budget = _exact(budget, "budget")
        if self.budget <= 0:
            raise TallyError(f"budget must be positive, got {self.budget}")
        self.ids: list[str] = []
        self.costs: list[Fraction] = []
        index: dict[str, int] = {}
        for project in projects:
            if not isinstance(project.id, str) or not project.id:
                raise TallyError(f"project id must be a non-empty string, got {project.id!r}")
            if project.id in index:
                raise TallyError(f"duplicate project id {project.id!r}")
            cost = _exact(project.cost, f"cost of project {project.id!r}")
            if cost <= 0:
                raise TallyError(f"cost of project {project.id!r} must be positive, got {cost}")
            index[project.id] = len(self.ids)
            self.ids.append(project.id)
            self.costs.append(cost)
        m = len(self.ids)
        self.voter_count = 0
        weights: dict[tuple[tuple[int, int], ...], int] = {}
        for number, ballot in enumerate(ballots, start=1):
            items = []
            for project_id, points in ballot.points.items():
                if project_id not in index:
                    raise TallyError(f"ballot {number} names unknown project {project_id!r}")
                if isinstance(points, bool) or not isinstance(points, int):
                    raise TallyError(f"ballot {number} gives non-integer points {points!r} to {project_id!r}")
                if points < 0:
                    raise TallyError(f"ballot {number} gives negative points {points} to {project_id!r}")
                if points:
                    items.append((index[project_id], points))
            self.voter_count += 1
            key = tuple(sorted(items))
            weights[key] = weights.get(key, 0) + 1
        # Groups of identical non-empty ballots: voters in a group are interchangeable.
        self.group_items: list[tuple[tuple[int, int], ...]] = []
        self.group_weight: list[int] = []
        for items, weight in weights.items():
            if items:
                self.group_items.append(items)
                self.group_weight.append(weight)
        self.supporters: list[list[tuple[int, int]]] = [[] for _ in range(m)]
        self.votes = [0] * m
        self.points = [0] * m
        for g, items in enumerate(self.group_items):
            weight = self.group_weight[g]
            for q, points in items:
                self.supporters[q].append((g, points))
                self.votes[q] += weight
                self.points[q] += weight * points
        self.max_points = max((p for items in self.group_items for _, p in items), default=1)
        # The one tie-break order of every rule: lower cost, then more points, then id.
        self.tie_key = [(self.costs[q], -self.points[q], id_sort_key(self.ids[q])) for q in range(m)]


@dataclass
class _Split:
    """How funding one project splits its supporters' classes, given which of its neighbours are funded.

    The project's supporters in a class (at one points level) move to the class of their pattern plus
    this project. `moves` lists, per such split, the other unfunded projects those voters support, with
    points and number of voters; it is filled only when a run reaches the split with money left in the
    class, since most classes have spent everything by then.
    """

    winner: int
    funded: frozenset[int]
    child: dict[int, int]
    members: dict[int, list[int]]
    moves: dict[int, dict[int, list[tuple[int, int]]]] = field(default_factory=dict)
    last_run: int = 0


@dataclass
class _MesRun:
    """One run of equal shares at one per-voter budget: winners in order and what each cost its supporters."""

    voter_budget: Fraction
    winners: list[int] = field(default_factory=list)
    rho: list[Fraction] = field(default_factory=list)
    payment_per_point: list[Fraction] = field(default_factory=list)
    money_before: list[Fraction] = field(default_factory=list)
    paying_all: list[int] = field(default_factory=list)
    spent: Fraction = Fraction(0)
    class_value: list[int] = field(default_factory=list)
    denominator: int = 1


def _price(hist: dict[int, int], cost: int, value: list[int], base: int, lcm: int) -> tuple[int, int, int] | None:
    """Price per point that the supporters in `hist` pay for a project of this cost, or None if they can't.

    Returns (left_cost, left_points, money): the price is left_cost / left_points, the money all supporters have.
    """
    money = 0
    points = 0
    entries = []
    if base == 2:  # approval: every supporter gives one point, so sort by money alone
        for key, weight in hist.items():
            r = value[key >> 1]
            money += weight * r
            points += weight
            entries.append((r, weight, r, 1))
    else:
        for key, weight in hist.items():
            c, level = divmod(key, base)
            r = value[c]
            money += weight * r
            points += weight * level
            entries.append((r * (lcm // level), weight, r, level))
    if money < cost:
        return None
    entries.sort()
    left_cost = cost
    # Poorest first (money per point): a class pays all it has until the rest can share the remainder.
    for _, weight, r, level in entries:
        if r * points >= left_cost * level:
            break
        left_cost -= weight * r
        points -= weight * level
    return left_cost, points, money


class _EqualShares:
    """Equal shares on one election, remembering how voter classes split so that later runs reuse it.

    A class holds the voters whose ballots give the same points to the same funded projects (their
    pattern): they paid the same and have the same money left. How funding project p splits the classes
    depends only on p and on which of p's neighbours (projects sharing a voter with p) are funded, not on
    the money nor on the order, so runs at other per-voter budgets look it up instead of walking ballots.
    """

    # Cached group ids and project counts; beyond this, splits the last run did not use are forgotten.
    _CACHE_LIMIT = 3_000_000

    def __init__(self, e: _Election) -> None:
        self.e = e
        self.base = e.max_points + 1
        self.lcm = math.lcm(*{level for items in e.group_items for _, level in items})
        self.cost_denominator = math.lcm(*(cost.denominator for cost in e.costs))
        self.root_hist: list[dict[int, int]] = []
        self.neighbours: list[frozenset[int]] = []
        for q, supporters in enumerate(e.supporters):
            hist: dict[int, int] = {}
            for g, level in supporters:
                hist[level] = hist.get(level, 0) + e.group_weight[g]
            self.root_hist.append(hist)
            self.neighbours.append(frozenset(p for g, _ in supporters for p, _ in e.group_items[g] if p != q))
        self.levels = sorted({level for items in e.group_items for _, level in items})
        self.ballot_items = [frozenset(items) for items in e.group_items]
        self.patterns: dict[frozenset[tuple[int, int]], int] = {frozenset(): 0}
        self.splits: dict[tuple[int, frozenset[int]], _Split] = {}
        self.cached = 0
        self.runs = 0

    def _split(self, winner: int, funded: set[int]) -> _Split:
        near = frozenset(funded & self.neighbours[winner])
        split = self.splits.get((winner, near))
        if split is None:
            e, base, patterns, ballot_items = self.e, self.base, self.patterns, self.ballot_items
            near_items = frozenset((q, level) for q in near for level in self.levels)
            by_pattern: dict[tuple[frozenset[tuple[int, int]], int], list[int]] = {}
            for g, level in e.supporters[winner]:
                key = (ballot_items[g] & near_items, level)
                groups = by_pattern.get(key)
                if groups is None:
                    by_pattern[key] = [g]
                else:
                    groups.append(g)
            child: dict[int, int] = {}
            members: dict[int, list[int]] = {}
            for (pattern, level), groups in by_pattern.items():
                key = patterns[pattern] * base + level
                child[key] = patterns.setdefault(pattern | {(winner, level)}, len(patterns))
                members[key] = groups
            split = self.splits[(winner, near)] = _Split(winner, near, child, members)
            self.cached += len(e.supporters[winner])
        split.last_run = self.runs
        return split

    def _moves(self, split: _Split, key: int) -> dict[int, list[tuple[int, int]]]:
        moves = split.moves.get(key)
        if moves is None:
            e, funded = self.e, split.funded
            counts: Counter[tuple[int, int]] = Counter()
            for g in split.members[key]:
                weight = e.group_weight[g]
                if weight == 1:
                    counts.update(e.group_items[g])
                else:
                    counts.update(dict.fromkeys(e.group_items[g], weight))
            moves = split.moves[key] = {}
            for (q, level), weight in counts.items():
                if q != split.winner and q not in funded:
                    moves.setdefault(q, []).append((level, weight))
            self.cached += len(counts)
        return moves

    def _forget(self) -> None:
        """Keep memory bounded on big elections: drop the splits the last run did not use."""
        self.splits = {key: split for key, split in self.splits.items() if split.last_run == self.runs}
        self.cached = sum(len(split.members) + sum(map(len, split.moves.values())) for split in self.splits.values())

    def run(self, voter_budget: Fraction, forced: list[int] | None = None,
            limits: list[tuple[Fraction, tuple]] | None = None) -> _MesRun | None:
        """Run equal shares; with `forced`, check the certificate instead and return None if it fails."""
        if self.cached > self._CACHE_LIMIT:
            self._forget()
        self.runs += 1
        e, base, lcm = self.e, self.base, self.lcm
        m = len(e.ids)
        tie_key = e.tie_key
        d0 = math.lcm(voter_budget.denominator, self.cost_denominator)
        cost0 = [cost.numerator * (d0 // cost.denominator) for cost in e.costs]
        scale = 1
        # Money per class as integers over one common denominator d0 * scale (0 for spent classes).
        value = [0] * len(self.patterns)
        value[0] = voter_budget.numerator * (d0 // voter_budget.denominator)
        hist = [dict(h) for h in self.root_hist]
        version = [0] * m
        active = [bool(h) for h in hist]
        funded: set[int] = set()
        # Only classes some active project's supporters are in need rescaling: count those references.
        references = [0] * len(self.patterns)
        references[0] = sum(len(h) for h in hist)
        live = {0}

        def deactivate(q: int) -> None:
            active[q] = False
            for key in hist[q]:
                c = key // base
                references[c] -= 1
                if not references[c]:
                    live.discard(c)

        heap = [(_ZERO, tie_key[q], q, -1) for q in range(m) if active[q]]
        heapq.heapify(heap)
        # Latest price of each project, with the scale its money numerators were counted in.
        priced: dict[int, tuple[int, int, int, int]] = {}
        run = _MesRun(voter_budget)
        heappush, heappop = heapq.heappush, heapq.heappop

        def refresh(q: int) -> None:
            found = _price(hist[q], cost0[q] * scale, value, base, lcm)
            if found is None:
                deactivate(q)
            else:
                priced[q] = (*found, scale)
                heappush(heap, (Fraction(found[0], found[1] * scale * cost0[q]), tie_key[q], q, version[q]))

        while True:
            depth = len(run.winners)
            if forced is not None and depth < len(forced):
                winner = forced[depth]
                if not active[winner]:
                    return None
                limit = limits[depth]
                # Every other project must stay dearer than the winner was at the low end of the stretch.
                while heap and heap[0][:2] <= limit:
                    _, _, q, seen = heappop(heap)
                    if active[q] and q != winner:
                        if seen == version[q]:
                            return None
                        refresh(q)
                found = _price(hist[winner], cost0[winner] * scale, value, base, lcm)
                if found is None:
                    return None
            else:
                while heap:
                    _, _, q, seen = heap[0]
                    if not active[q]:
                        heappop(heap)
                    elif seen == version[q]:
                        break
                    else:
                        heappop(heap)
                        refresh(q)
                if not heap:
                    break
                if forced is not None:  # the forced winners are all funded, yet MES would fund more
                    return None
                winner = heappop(heap)[2]
                # Its supporters' money has not changed since it was priced, but the denominator may have.
                left_cost, left_points, money, priced_scale = priced[winner]
                found = (left_cost * (scale // priced_scale), left_points, money * (scale // priced_scale))
            left_cost, left_points, money = found
            run.winners.append(winner)
            run.rho.append(Fraction(left_cost, left_points * scale * cost0[winner]))
            run.money_before.append(Fraction(money, d0 * scale))
            run.spent += e.costs[winner]
            # Rescale all money to a denominator in which the new price is an integer.
            common = math.gcd(left_cost, left_points)
            factor = left_points // common
            price = left_cost // common
            if factor != 1:
                scale *= factor
                for c in live:
                    value[c] *= factor
            run.payment_per_point.append(Fraction(price, d0 * scale))
            split = self._split(winner, funded)
            funded.add(winner)
            if len(value) < len(self.patterns):
                grow = len(self.patterns) - len(value)
                value += [0] * grow
                references += [0] * grow
            child = split.child
            paying_all = 0
            winner_hist = hist[winner]
            for key, weight in winner_hist.items():  # the winner's supporters, class by class
                c, level = divmod(key, base)
                left = value[c] - price * level
                if left > 0:
                    value[child[key]] = left
                else:
                    paying_all += weight
            run.paying_all.append(paying_all)
            deactivate(winner)
            for key in winner_hist:
                c = key // base
                new = child[key]
                alive = value[new] > 0
                for q, levels in self._moves(split, key).items():
                    if not active[q]:
                        continue
                    h = hist[q]
                    version[q] += 1
                    for level, weight in levels:
                        old = c * base + level
                        rest = h[old] - weight
                        if rest:
                            h[old] = rest
                        else:
                            del h[old]
                            references[c] -= 1
                            if not references[c]:
                                live.discard(c)
                        if alive:
                            k = new * base + level
                            if k in h:
                                h[k] += weight
                            else:
                                h[k] = weight
                                references[new] += 1
                                live.add(new)
        run.class_value = value
        run.denominator = d0 * scale
        return run

    def supporters_money(self, run: _MesRun) -> list[Fraction]:
        """Money each project's supporters have left at the end of `run`."""
        e, value, patterns = self.e, run.class_value, self.patterns
        funded = frozenset((q, level) for q in run.winners for level in self.levels)
        money = []
        for supporters in e.supporters:
            total = 0
            for g, _ in supporters:
                total += e.group_weight[g] * value[patterns[self.ballot_items[g] & funded]]
            money.append(Fraction(total, run.denominator))
        return money


def _explain(e: _Election, q: int, **fields) -> ProjectExplanation:
    return ProjectExplanation(project_id=e.ids[q], cost=e.costs[q], votes=e.votes[q], points=e.points[q], **fields)


def _greedy_fill(e: _Election, candidates: Iterable[int], money: Fraction, winners: list[int],
                 explanations: dict[int, ProjectExplanation], funded_reason: str,
                 supporters_money: list[Fraction] | None = None) -> None:
    """Fund candidates by points, most first, skipping those that no longer fit."""
    for q in sorted(candidates, key=lambda q: (-e.points[q], e.tie_key[q])):
        extra = {} if supporters_money is None else {"supporters_money": supporters_money[q]}
        if e.costs[q] <= money:
            winners.append(q)
            explanations[q] = _explain(e, q, selected=True, order=len(winners),
                                       reason=funded_reason if e.points[q] else NO_VOTES_FUNDED,
                                       remaining_budget=money, **extra)
            money -= e.costs[q]
        else:
            explanations[q] = _explain(e, q, selected=False, order=None, reason=SKIPPED_NOT_ENOUGH_MONEY,
                                       remaining_budget=money, **extra)


def _explain_mes(e: _Election, run: _MesRun, winners: list[int], explanations: dict[int, ProjectExplanation]) -> Fraction:
    """Explain the projects equal shares funded; return the money left."""
    money = e.budget
    for t, q in enumerate(run.winners):
        winners.append(q)
        explanations[q] = _explain(e, q, selected=True, order=len(winners), reason=FUNDED, remaining_budget=money,
                                   rho=run.rho[t], payment_per_point=run.payment_per_point[t],
                                   supporters_money=run.money_before[t], supporters_paying_all=run.paying_all[t])
        money -= e.costs[q]
    return money


def _greedy(e: _Election) -> tuple[list[int], dict[int, ProjectExplanation], Fraction | None]:
    winners: list[int] = []
    explanations: dict[int, ProjectExplanation] = {}
    _greedy_fill(e, range(len(e.ids)), e.budget, winners, explanations, FUNDED)
    return winners, explanations, None


def _mes(e: _Election) -> tuple[list[int], dict[int, ProjectExplanation], Fraction | None]:
    winners: list[int] = []
    explanations: dict[int, ProjectExplanation] = {}
    money, voter_budget, supporters_money = e.budget, None, None
    if e.voter_count:
        engine = _EqualShares(e)
        voter_budget = e.budget / e.voter_count
        run = engine.run(voter_budget)
        money = _explain_mes(e, run, winners, explanations)
        supporters_money = engine.supporters_money(run)
    for q in range(len(e.ids)):
        if q in explanations:
            continue
        if e.points[q]:
            explanations[q] = _explain(e, q, selected=False, order=None, reason=NOT_AFFORDABLE_FOR_SUPPORTERS,
                                       remaining_budget=money, supporters_money=supporters_money[q])
        else:
            explanations[q] = _explain(e, q, selected=False, order=None, reason=NO_VOTES, remaining_budget=money)
    return winners, explanations, voter_budget


def _mes_completed(e: _Election) -> tuple[list[int], dict[int, ProjectExplanation], Fraction | None]:
    winners: list[int] = []
    explanations: dict[int, ProjectExplanation] = {}
    money, voter_budget, supporters_money = e.budget, None, None
    if e.voter_count:
        engine = _EqualShares(e)
        run = _last_fitting_run(e, engine)
        voter_budget = run.voter_budget
        money = _explain_mes(e, run, winners, explanations)
        supporters_money = engine.supporters_money(run)
    rest = [q for q in range(len(e.ids)) if q not in explanations]
    _greedy_fill(e, rest, money, winners, explanations, FUNDED_IN_COMPLETION, supporters_money)
    return winners, explanations, voter_budget


def _last_fitting_run(e: _Election, engine: _EqualShares) -> _MesRun:
    """The equal-shares run of the Add1 loop that the completion starts from (see the module docstring)."""
    start = e.budget / e.voter_count
    voted_cost = sum((e.costs[q] for q in range(len(e.ids)) if e.points[q]), _ZERO)
    if voted_cost <= e.budget:
        # The loop would never stop; from this per-voter budget on, one voter could pay for everything.
        return engine.run(start + max(0, math.ceil(voted_cost - start)))
    run = engine.run(start)
    increment, stride, stable = 0, 2, False
    while True:
        # Certify as long a stretch as we can; halve the stretch when the certificate fails.
        while stable and stride >= 2:
            limits = [(rho, e.tie_key[q]) for rho, q in zip(run.rho, run.winners)]
            certified = engine.run(start + increment + stride, run.winners, limits)
            if certified is None:
                stride //= 2
            else:
                increment += stride
                run = certified
                stride *= 2
        following = engine.run(start + increment + 1)
        if following.spent > e.budget:
            return run
        stable = following.winners == run.winners
        stride = max(stride, 2)
        increment += 1
        run = following


_RULES = {GREEDY: _greedy, MES: _mes, MES_COMPLETED: _mes_completed}


def tally(rule: str, budget: object, projects: Iterable[Project], ballots: Iterable[Ballot]) -> TallyResult:
    """Run a rule on a budget, its projects and the ballots; return winners in order with explanations."""
    if rule not in _RULES:
        raise TallyError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    e = _Election(budget, projects, ballots)
    winners, explanations, voter_budget = _RULES[rule](e)
    return TallyResult(
        rule=rule, budget=e.budget, winners=[e.ids[q] for q in winners],
        spent=sum((e.costs[q] for q in winners), _ZERO),
        explanations={e.ids[q]: explanations[q] for q in range(len(e.ids))},
        voter_count=e.voter_count, voter_budget=voter_budget)
