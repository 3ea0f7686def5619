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
   same and have the same money left: a class. A run keeps the class of every group in a list; funding a
   project relabels only its own supporters (old class -> new class, one dict lookup each, done in C by
   `map`). A project's supporters are counted over classes only when it is priced, by a `Counter` over
   that list (C again), so funding a project costs nothing for the other projects its voters support.
   (An earlier version kept every project's class histogram up to date and cached the splits by funded
   set; across Add1 increments the funded sets differ, so the cache missed at most rounds.)
3. Exact money without a Fraction per operation and without growing work: money is an integer over one
   common denominator d0 * scale, and the scale grows when a new price needs it. Rather than multiply
   every class's money at every such rescaling (a million big-integer products per run on a city), a
   class stores its money with the epoch it was written in, and a read multiplies by that epoch's factor
   (in C, inside the pricing). Pricing an approval project is C-level too: sum of money, and if the
   poorest supporter can pay the equal share cost / supporters, that is the price; only otherwise sort.
4. A project's rho can only grow as voters spend, so a rho computed earlier is a lower bound: a heap of
   possibly stale rhos recomputes only the top until the top is fresh (pabutools does the same).
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
import operator
from collections import Counter, deque
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
class _MesRun:
    """One run of equal shares at one per-voter budget: winners in order and what each cost its supporters."""

    voter_budget: Fraction
    winners: list[int] = field(default_factory=list)
    rho: list[Fraction] = field(default_factory=list)
    payment_per_point: list[Fraction] = field(default_factory=list)
    money_before: list[Fraction] = field(default_factory=list)
    paying_all: list[int] = field(default_factory=list)
    spent: Fraction = Fraction(0)
    group_class: list[int] = field(default_factory=list)
    class_value: list[int] = field(default_factory=list)
    denominator: int = 1


# A project's supporters as counted for pricing: per points level, how many voters are in each class.
_Counts = list[tuple[int, Counter]]


def _price(counts: _Counts, cost: int, moneys, lcm: int) -> tuple[int, int, int] | None:
    """Price per point that the supporters in `counts` pay for a project of this cost, or None if they can't.

    Returns (left_cost, left_points, money): the price is left_cost / left_points, the money all supporters have.
    `moneys(classes)` lists the money per voter of those classes. Class 0 holds the voters with no money
    left: they pay nothing and do not count.
    """
    if len(counts) == 1 and counts[0][0] == 1 and lcm == 1:
        # Approval ballots: one point each, so this is about money alone, and mostly done in C.
        counter = counts[0][1]
        counter.pop(0, None)
        if not counter:
            return None
        weights = list(counter.values())
        rs = moneys(counter)
        money = sum(map(operator.mul, rs, weights))
        if money < cost:
            return None
        points = sum(weights)
        if min(rs) * points >= cost:  # the poorest supporter can pay an equal share: nobody pays all
            return cost, points, money
        left_cost = cost
        for r, weight in sorted(zip(rs, weights)):
            if r * points >= left_cost:
                break
            left_cost -= weight * r
            points -= weight
        return left_cost, points, money
    money = 0
    points = 0
    entries = []
    for level, counter in counts:
        counter.pop(0, None)
        per_point = lcm // level
        for r, weight in zip(moneys(counter), counter.values()):
            money += weight * r
            points += weight * level
            entries.append((r * per_point, weight, r, level))
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
    """Equal shares on one election, with the voters kept in classes of equal money.

    A class holds the voters whose ballots give the same points to the same funded projects (their
    pattern): they paid the same and have the same money left. A run keeps the class of every ballot
    group in a list; a project's supporters are counted over classes only when it is priced (a C-speed
    `Counter` over the list), so funding a project costs one relabelling of its own supporters and
    nothing for the projects they also support.
    """

    def __init__(self, e: _Election) -> None:
        self.e = e
        self.lcm = math.lcm(*{level for items in e.group_items for _, level in items})
        self.cost_denominator = math.lcm(*(cost.denominator for cost in e.costs))
        # Per project and points level: its supporting groups once each (to relabel), and once per voter
        # (to count; the same list when every group is one voter).
        self.support: list[list[tuple[int, list[int], list[int]]]] = []
        self.neighbours: list[list[int]] = []
        single = all(weight == 1 for weight in e.group_weight)
        for q, supporters in enumerate(e.supporters):
            by_level: dict[int, list[int]] = {}
            for g, level in supporters:
                by_level.setdefault(level, []).append(g)
            lists = []
            for level in sorted(by_level):
                groups = by_level[level]
                voters = groups if single else [g for g in groups for _ in range(e.group_weight[g])]
                lists.append((level, groups, voters))
            self.support.append(lists)
            self.neighbours.append(sorted({p for g, _ in supporters for p, _ in e.group_items[g] if p != q}))

    def run(self, voter_budget: Fraction, forced: list[int] | None = None,
            limits: list[tuple[Fraction, tuple]] | None = None) -> _MesRun | None:
        """Run equal shares; with `forced`, check the certificate instead and return None if it fails."""
        e, lcm, support = self.e, self.lcm, self.support
        m = len(e.ids)
        tie_key = e.tie_key
        d0 = math.lcm(voter_budget.denominator, self.cost_denominator)
        cost0 = [cost.numerator * (d0 // cost.denominator) for cost in e.costs]
        scale = 1
        # Money per class as integers: value[c] over d0 * scale at epoch[c], that is value[c] * mult[epoch[c]]
        # over d0 * scale now (epoch: the number of rescalings before the class was made). Class 0: no money.
        value = [0, voter_budget.numerator * (d0 // voter_budget.denominator)]
        epoch = [0, 0]
        mult = [1]
        group_class = [1] * len(e.group_items)
        mul, value_of, epoch_of, mult_of = operator.mul, value.__getitem__, epoch.__getitem__, mult.__getitem__

        def moneys(classes: Iterable[int]) -> list[int]:
            """Money of these classes over d0 * scale now (in C: no loop in Python)."""
            classes = list(classes)
            return list(map(mul, map(value_of, classes), map(mult_of, map(epoch_of, classes))))
        version = [0] * m
        active = [bool(lists) for lists in support]

        heap = [(_ZERO, tie_key[q], q, -1) for q in range(m) if active[q]]
        heapq.heapify(heap)
        # Latest price of each project, with the scale its money numerators were counted in, and its counts.
        priced: dict[int, tuple[int, int, int, int]] = {}
        counted: dict[int, _Counts] = {}
        run = _MesRun(voter_budget)
        heappush, heappop = heapq.heappush, heapq.heappop
        classes_of = group_class.__getitem__

        def count(q: int) -> _Counts:
            return [(level, Counter(map(classes_of, voters))) for level, _, voters in support[q]]

        def refresh(q: int) -> None:
            counts = count(q)
            found = _price(counts, cost0[q] * scale, moneys, lcm)
            if found is None:
                active[q] = False
            else:
                priced[q] = (*found, scale)
                counted[q] = counts
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
                counts = count(winner)
                found = _price(counts, cost0[winner] * scale, moneys, lcm)
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
                # Its supporters' classes and money have not changed since it was priced (else its version
                # would have), but the denominator may have.
                left_cost, left_points, money, priced_scale = priced[winner]
                found = (left_cost * (scale // priced_scale), left_points, money * (scale // priced_scale))
                counts = counted[winner]
            left_cost, left_points, money = found
            run.winners.append(winner)
            run.rho.append(Fraction(left_cost, left_points * scale * cost0[winner]))
            run.money_before.append(Fraction(money, d0 * scale))
            run.spent += e.costs[winner]
            # Move to a denominator in which the new price is an integer: a new epoch (the classes are
            # rescaled only when read, one multiplication, instead of all of them at every round).
            common = math.gcd(left_cost, left_points)
            factor = left_points // common
            price = left_cost // common
            if factor != 1:
                scale *= factor
                mult[:] = [x * factor for x in mult]
                mult.append(1)
            now = len(mult) - 1
            run.payment_per_point.append(Fraction(price, d0 * scale))
            active[winner] = False
            paying_all = 0
            # The winner's supporters, class by class, move to a new class with what they have left.
            for (level, counter), (_, groups, _) in zip(counts, support[winner]):
                child = {0: 0}
                for c, weight in counter.items():
                    if not c:
                        continue
                    left = value[c] * mult[epoch[c]] - price * level
                    if left > 0:
                        child[c] = len(value)
                        value.append(left)
                        epoch.append(now)
                    else:
                        child[c] = 0
                        paying_all += weight
                # group_class[g] = child[group_class[g]] for every supporting group g, in C.
                deque(map(group_class.__setitem__, groups, map(child.__getitem__, map(classes_of, groups))), 0)
            run.paying_all.append(paying_all)
            # Every project sharing a voter with the winner must be priced again.
            for q in self.neighbours[winner]:
                version[q] += 1
        run.group_class = group_class
        run.class_value = moneys(range(len(value)))
        run.denominator = d0 * scale
        return run

    def supporters_money(self, run: _MesRun) -> list[Fraction]:
        """Money each project's supporters have left at the end of `run`."""
        e, value, group_class = self.e, run.class_value, run.group_class
        money = []
        for supporters in e.supporters:
            total = 0
            for g, _ in supporters:
                total += e.group_weight[g] * value[group_class[g]]
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
