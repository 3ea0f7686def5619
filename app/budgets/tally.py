"""Participatory-budgeting tallies: greedy, the Method of Equal Shares, and equal shares with completion.

Pure Python and numpy (numpy only for the certified float fast path of mes-completed, 9-11 below): no
Flask, no database. Exact arithmetic (`fractions.Fraction`, or integers over a common denominator),
deterministic. `tally(rule, budget, projects, ballots)` returns the winners in selection order and, for
every project, a `ProjectExplanation` with the numbers the UI needs to explain the result in plain
language (this module holds no UI text).

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
few dozen association ballots. These make it quicker; none changes the result.

1. Voters with identical ballots are one weighted group: in MES they are interchangeable.
2. Voters whose ballots give the same points to the same funded projects (their pattern) have paid the
   same and have the same money left, so money is kept per pattern. A ballot is encoded as one integer
   (the points for project q in the bits from q * bits on), so a voter's pattern is simply their code AND
   the mask of the funded set: it depends on the funded set alone, not on the per-voter budget nor on the
   order of funding. A project's supporter counts over patterns (a C-speed `Counter` over the codes of
   its voters) therefore depend only on the funded set, and the engine keeps them, per funded set, for
   the runs that follow: consecutive Add1 runs mostly fund the same sets (often the same sequence, else a
   long common prefix or the same projects in another order), so on the benchmark instances 86-97% of the
   pricings find their counts kept and cost only a pass over patterns, not over voters. Counts of sets no
   run used in the last few runs are dropped. Funding a project moves its supporters' patterns to the
   pattern with it (an OR) and writes their new money: no per-voter work at all.
3. Exact money without a Fraction per operation and without growing work: money is an integer over one
   common denominator d0 * scale, and the scale grows when a new price needs it. Rather than multiply
   every pattern's money at every such rescaling, a pattern stores its money with the epoch it was
   written in, and a read multiplies by that epoch's factor (in C, inside the pricing). Pricing an
   approval project is C-level too: sum of money, and if the poorest supporter can pay the equal share
   cost / supporters, that is the price; otherwise water-filling: every supporter with less than the equal
   share of what is left pays all and drops out, repeated until none does. Each pass drops only classes
   that the textbook loop over supporters sorted by money would also make pay all, so it ends at the
   same price, without the sort. Splitting a class into patterns of equal money changes no price (see
   `_price`).
4. A project's rho can only grow as voters spend, so a rho computed earlier is a lower bound: a heap of
   possibly stale rhos recomputes only the top until the top is fresh (pabutools does the same). Heap
   keys start with the rho as a float (correctly rounded, hence monotone), so the exact rho and the
   tie-break rank are compared only where two floats are equal.
5. Monotonicity across budgets. Fix a funded sequence W: by induction over the rounds, a higher per-voter
   budget leaves every voter at least as much money and every price (rho) at most as high. So a lower
   bound on a project's rho in round t of a run at budget hi (its latest price there: rho only grows
   within a run) is a lower bound at every budget b <= hi with the same first t - 1 winners, and a
   project out of the running at hi (unaffordable) is out of it at b too. Each run keeps, per round,
   these lower bounds and the least of them over the projects other than the winner (its runner-up).
6. Increments are skipped only where provably nothing changes: if runs at lo < hi fund the same W and in
   every round W's project costs at lo less than hi's runner-up (ties by the tie-break order), every
   budget in [lo, hi] funds W in that order and then nothing more (at most the rho at lo; at least the
   lower bound at hi), at the same total cost. The loop tries a stretch of 8 increments, doubling it
   after each skipped stretch; a stretch that cannot be skipped is split at its middle, recursively,
   left half first, so it returns what the sequential loop returns.
7. A run at a budget below one already made replays it: the middle of a split stretch is run with the
   run at the stretch's top as its anchor. In round t it prices only the anchor's t-th winner, exactly;
   if that rho is below the anchor's runner-up of round t, no other project can win here (by 5), so it
   wins without pricing anything else. Where that fails, the round is chosen as in a plain run, from the
   anchor's lower bounds and the run's own (priced again when on top), and the replay goes on if the
   anchor's winner wins after all; else the run goes on as a plain run. When the anchor's winners are
   all funded, nothing more is affordable at the anchor's budget, hence none here. Every round is the
   plain run's round, so the run is the same (the tests check this against plain runs); it costs about
   one pricing per round instead of three or four, but the winners' own pricing and funding remain.
8. Within a run a pattern's money never changes once written (a funding writes only patterns with the
   new winner in them, which no voter had before), so the money read at one scale is kept until the
   scale changes: the winner's supporters, read when priced, are not read again when it is funded.

The float fast path, and why it cannot change a result
-------------------------------------------------------
9. The Add1 loop's runs are first tried in numpy float64 (app/budgets/tally_fast.py, whose docstring has
   the details): voter groups as arrays, each group's money an interval [lo, hi] that provably holds the
   exact value (every float operation widened by a generous bound on its rounding), each project's rho
   an interval computed from those (a lower bound from any split into who pays all and who does not, an
   upper bound checked to cover the cost with margins), and exactly 1 / points, an integer, where nobody
   has to pay all, so that the frequent exact ties (as many supporters) are broken by the tie-break rank
   exactly. A decision (affordable or not; which project wins a round, ties included) is taken only when
   the intervals decide it, and then it is the exact engine's decision; where they do not (a near-tie
   within rounding, money exactly equal to a share, an exact tie of two capped prices), the float run
   gives up and that increment is run by the exact engine (1-8). A float run that completes therefore
   has the exact run's winners in the exact order; the cost of an outcome is summed from the exact costs,
   so "fits in B" is decided exactly.
10. The stretch skipping of 6 and the replays of 7 work on these runs too: a float run records, per round,
   an upper bound on the winner's (rho, rank), a lower bound on every other project's, and each project's
   own lower bound; the certificate compares bounds (floats and Fractions, compared exactly in Python),
   which is sound for the reason given in 6, and the middle of a split stretch is a float run replaying
   the run at the stretch's top (tally_fast.py: about one pricing per round), sound for the reason in 7.
11. The run that is kept is made exact by replaying its winners in the exact engine (7: only the winners
   are priced, and each must again be below the float run's bound for the others): the explanations'
   numbers are exact. Should that replay ever disagree (it cannot while the bounds hold), the whole loop
   is redone in exact arithmetic alone. `mes` alone is still one exact run, and elections with fewer
   than 3,000 (voter group, project) supporter pairs (where a float run's numpy calls cost more than an
   exact run) keep the exact loop.

What it costs (bench/tally.py, CPU time on a 2-core development machine): on 50 projects x 20,000
ballots, mes-completed takes about 0.35 s (0.7 s before the float runs replayed the run above them,
1.3-1.6 s before the float path) for 108 increments, about 2 times one exact mes run; on 160 x 90,000,
about 2.5 s (4.3 s before the replays, 25-32 s before the float path) for 83 increments, about 2 times one
exact mes run (pabutools' naive loop: about half an hour). Nearly every increment gets its float run, seven in
eight of them replays at about one pricing per round (a few milliseconds on the 50 x 20,000 instance);
what remains is mostly the numpy call overhead of pricing and funding, the setup of the election, and
the exact replay of the kept run. On the benchmark instances and the real Pabulib files every float run
certifies.
"""
from __future__ import annotations

import functools
import heapq
import itertools
import math
import operator
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from types import MappingProxyType
from typing import Iterable, Mapping

from app.budgets.tally_fast import FloatEqualShares, FloatRun

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
    group_money: list[int] = field(default_factory=list)
    denominator: int = 1
    # For a later run at a lower per-voter budget to replay this one (see _EqualShares.run, `anchor`): per
    # round, a lower bound on the heap key (rho, rho, rank) of every project still in the running then
    # (None for the others), and the least of them over the projects other than that round's winner.
    bounds: list[list[tuple[float, Fraction, int] | None]] = field(default_factory=list)
    runner_up: list[tuple[float, Fraction, int] | None] = field(default_factory=list)


# A project's supporters as counted for pricing: per points level, the pattern classes they are in and how
# many voters are in each (two parallel lists).
_Counts = list[tuple[int, list[int], list[int]]]

# How many runs back the supporter counts of a funded set are kept (see _EqualShares.counts_at).
_KEPT_FOR_RUNS = 3


def _price(counts: _Counts, cost: int, moneys, lcm: int) -> tuple[int, int, int] | None:
    """Price per point that the supporters in `counts` pay for a project of this cost, or None if they can't.

    Returns (left_cost, left_points, money): the price is left_cost / left_points, the money all supporters have.
    `moneys(classes)` lists the money per voter of those classes. Voters with no money left pay nothing and
    do not count. (Splitting a class into several of the same money changes nothing below: a class of
    money r stops the loop iff r * points >= left_cost, and paying for part of it leaves that difference
    unchanged.)
    """
    if len(counts) == 1 and counts[0][0] == 1 and lcm == 1:
        # Approval ballots: one point each, so this is about money alone, and done in C but for a few passes.
        _, classes, weights = counts[0]
        rs = moneys(classes)
        money = sum(map(operator.mul, rs, weights))
        if money < cost:
            return None
        if not all(rs):  # leave out the voters with nothing left
            weights = list(itertools.compress(weights, rs))
            rs = list(itertools.compress(rs, rs))
        points = sum(weights)
        left_cost = cost
        # Water-filling: whoever has less than the equal share of what is left pays all and drops out; repeat.
        # (The classes dropping out are the poorest, in the order the sorted loop below would take them.)
        share = -(-left_cost // points)  # r * points < left_cost iff r < share
        while min(rs) < share:
            poor = list(map(share.__gt__, rs))
            left_cost -= sum(map(operator.mul, itertools.compress(rs, poor), itertools.compress(weights, poor)))
            points -= sum(itertools.compress(weights, poor))
            rich = list(map(operator.not_, poor))
            rs = list(itertools.compress(rs, rich))
            weights = list(itertools.compress(weights, rich))
            share = -(-left_cost // points)
        return left_cost, points, money
    money = 0
    points = 0
    entries = []
    for level, classes, weights in counts:
        per_point = lcm // level
        for r, weight in zip(moneys(classes), weights):
            if r:
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
    """Equal shares on one election, with the voters kept in pattern classes.

    A voter's pattern is their ballot restricted to the projects funded so far. Voters with the same
    pattern paid the same and have the same money left, so money is kept per pattern. A ballot is encoded
    as one integer (the points for project q in the bits from q * bits on), so the pattern is the ballot's
    code AND the funded set's mask: the same in every run, whatever the per-voter budget or the order of
    funding. The supporter counts of a project over patterns therefore depend only on the funded set; they
    are counted once (a C-speed `Counter` over the voters) and kept for the next runs.
    """

    def __init__(self, e: _Election) -> None:
        self.e = e
        self.lcm = math.lcm(*{level for items in e.group_items for _, level in items})
        self.cost_denominator = math.lcm(*(cost.denominator for cost in e.costs))
        self.bits = e.max_points.bit_length()
        self.field = [((1 << self.bits) - 1) << (q * self.bits) for q in range(len(e.ids))]
        self.group_code = [sum(level << (q * self.bits) for q, level in items) for items in e.group_items]
        # Per project and points level: the ballot codes of its supporters, once per voter (built when first
        # needed: a run replaying a float run prices only its winners).
        self._support: list[list[tuple[int, list[int]]] | None] = [None] * len(e.ids)
        # The projects sharing a voter with each project: the fields set in the OR of its supporters' codes.
        self.neighbours: list[list[int]] = []
        first = operator.itemgetter(0)
        for q, supporters in enumerate(e.supporters):
            union = functools.reduce(operator.or_, map(self.group_code.__getitem__, map(first, supporters)), 0)
            self.neighbours.append([p for p, mask in enumerate(self.field) if union & mask and p != q])
        # Per funded-set mask: the last run that used it, and the supporter counts of the projects priced there.
        self.kept: dict[int, tuple[int, dict[int, _Counts]]] = {}
        self.runs = 0
        # Position of each project in the tie-break order.
        self.rank = [0] * len(e.ids)
        for position, q in enumerate(sorted(range(len(e.ids)), key=e.tie_key.__getitem__)):
            self.rank[q] = position

    def support(self, q: int) -> list[tuple[int, list[int]]]:
        """Per points level, the ballot codes of the project's supporters, once per voter."""
        found = self._support[q]
        if found is None:
            e, code = self.e, self.group_code
            by_level: dict[int, list[int]] = {}
            for g, level in e.supporters[q]:
                by_level.setdefault(level, []).extend([code[g]] * e.group_weight[g])
            found = self._support[q] = sorted(by_level.items())
        return found

    def counts_at(self, funded: int) -> dict[int, _Counts]:
        """The supporter counts kept for this funded set (filled as projects are priced there)."""
        entry = self.kept.get(funded)
        if entry is None or entry[0] != self.runs:
            entry = self.kept[funded] = (self.runs, {} if entry is None else entry[1])
        return entry[1]

    def run(self, voter_budget: Fraction, anchor: _MesRun | None = None) -> _MesRun:
        """Run equal shares at this per-voter budget.

        With `anchor`, a run of this engine at a per-voter budget at least as high, the run first replays the
        anchor's winners for as long as each is certified to win here too (see the module docstring), pricing
        only them, and then goes on as usual from the anchor's lower bounds. The result is the same run.
        """
        assert anchor is None or anchor.voter_budget >= voter_budget
        e, lcm, support, rank = self.e, self.lcm, self.support, self.rank  # support(q): a method
        m = len(e.ids)
        self.runs += 1
        # Counts of funded sets no recent run has used are dropped (they would only be used again by chance).
        oldest = self.runs - _KEPT_FOR_RUNS
        for funded in [f for f, (last, _) in self.kept.items() if last < oldest]:
            del self.kept[funded]
        d0 = math.lcm(voter_budget.denominator, self.cost_denominator)
        cost0 = [cost.numerator * (d0 // cost.denominator) for cost in e.costs]
        scale = 1
        # Money per pattern as integers: value[c] over d0 * scale at epoch[c], that is value[c] * mult[epoch[c]]
        # over d0 * scale now (epoch: the number of rescalings before the pattern got its money).
        value = {0: voter_budget.numerator * (d0 // voter_budget.denominator)}
        epoch = {0: 0}
        mult = [1]
        funded = 0  # mask of the funded projects' fields
        counts_here = self.counts_at(funded)
        mul, value_of, epoch_of, mult_of = operator.mul, value.__getitem__, epoch.__getitem__, mult.__getitem__

        # A pattern's money, once written, never changes in a run (a funding writes only patterns with the
        # new winner in them, which no voter had before): so what was read at this scale can be read again.
        read: dict[int, tuple[list[int], list[int]]] = {}
        read_at = [1]

        def moneys(classes: list[int]) -> list[int]:
            """Money of these patterns over d0 * scale now (in C: no loop in Python)."""
            if read_at[0] != len(mult):
                read.clear()
                read_at[0] = len(mult)
            known = read.get(id(classes))
            if known is not None and known[0] is classes:
                return known[1]
            rs = list(map(mul, map(value_of, classes), map(mult_of, map(epoch_of, classes))))
            read[id(classes)] = (classes, rs)
            return rs

        version = [0] * m
        active = [bool(supporters) for supporters in e.supporters]

        # Heap of (rho as a float, rho, tie-break rank, project, version). Float conversion is correctly
        # rounded, hence monotone: the float decides unless two are equal, and then the exact rho does.
        heap = [(0.0, _ZERO, rank[q], q, -1) for q in range(m) if active[q]]
        heapq.heapify(heap)
        # The latest heap key of each project still in the running (rho only grows, so a lower bound).
        low: list[tuple[float, Fraction, int] | None] = [(0.0, _ZERO, rank[q]) if active[q] else None for q in range(m)]
        replaying = anchor is not None
        # Latest price of each project, with the scale its money numerators were counted in, and its counts.
        priced: dict[int, tuple[int, int, int, int]] = {}
        counted: dict[int, _Counts] = {}
        run = _MesRun(voter_budget)
        heappush, heappop = heapq.heappush, heapq.heappop

        def count(q: int) -> _Counts:
            counts = counts_here.get(q)
            if counts is None:
                counts = []
                for level, codes in support(q):
                    counter = Counter(map(funded.__and__, codes))
                    counts.append((level, list(counter), list(counter.values())))
                counts_here[q] = counts
            return counts

        def refresh(q: int) -> None:
            counts = count(q)
            found = _price(counts, cost0[q] * scale, moneys, lcm)
            if found is None:
                active[q] = False
                low[q] = None
            else:
                priced[q] = (*found, scale)
                counted[q] = counts
                denominator = found[1] * scale * cost0[q]
                key = (found[0] / denominator, Fraction(found[0], denominator), rank[q])
                low[q] = key
                heappush(heap, (*key, q, version[q]))

        while True:
            depth = len(run.winners)
            choose = not replaying
            if replaying:
                if depth == len(anchor.winners):
                    break  # with more money and the same winners, the anchor found nothing more to fund
                expected = anchor.winners[depth]
                counts = count(expected)
                found = _price(counts, cost0[expected] * scale, moneys, lcm)
                runner_up = anchor.runner_up[depth]
                if found is not None:
                    rho = Fraction(found[0], found[1] * scale * cost0[expected])
                    key = (float(rho), rho, rank[expected])
                if found is not None and (runner_up is None or runner_up > key):
                    # Certified: every other project is dearer here than its lower bound in the anchor.
                    winner = expected
                    run.bounds.append(anchor.bounds[depth])
                    run.runner_up.append(runner_up)
                else:
                    # Not certified: choose as a plain run does, from the best lower bounds known here (the
                    # anchor's and this run's own; all stale, so priced again when on top), and go on
                    # replaying if the anchor's winner wins after all.
                    bounds = anchor.bounds[depth]
                    heap = []
                    for q in range(m):
                        if bounds[q] is None:
                            active[q] = False
                            low[q] = None
                        elif active[q] and q != expected:
                            low[q] = max(low[q], bounds[q])
                            heap.append((*low[q], q, -1))
                    if found is None:
                        active[expected] = False
                        low[expected] = None
                    else:
                        priced[expected] = (*found, scale)
                        counted[expected] = counts
                        low[expected] = key
                        heap.append((*key, expected, version[expected]))
                    heapq.heapify(heap)
                    choose = True
            if choose:
                while heap:
                    q, seen = heap[0][3:]
                    if not active[q]:
                        heappop(heap)
                    elif seen == version[q]:
                        break
                    else:
                        heappop(heap)
                        refresh(q)
                if not heap:
                    break
                winner = heappop(heap)[3]
                # Its supporters' patterns and money have not changed since it was priced (else its version
                # would have), but the denominator may have.
                left_cost, left_points, money, priced_scale = priced[winner]
                found = (left_cost * (scale // priced_scale), left_points, money * (scale // priced_scale))
                counts = counted[winner]
                self._record_bounds(run, low, winner)
                replaying = replaying and winner == expected
            left_cost, left_points, money = found
            run.winners.append(winner)
            run.rho.append(Fraction(left_cost, left_points * scale * cost0[winner]))
            run.money_before.append(Fraction(money, d0 * scale))
            run.spent += e.costs[winner]
            # Move to a denominator in which the new price is an integer: a new epoch (the patterns are
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
            low[winner] = None
            # The winner's supporters, pattern by pattern, move to the pattern with the winner in it, with
            # what they have left (nothing for those who pay all they have).
            paying_all = 0
            for level, classes, weights in counts:
                rs = moneys(classes)
                payment = price * level
                new = list(map(operator.or_, classes, itertools.repeat(level << (winner * self.bits))))
                value.update(zip(new, map(max, map(operator.sub, rs, itertools.repeat(payment)), itertools.repeat(0))))
                epoch.update(zip(new, itertools.repeat(now)))
                # Those who had money, but no more than the payment, paid all they had.
                paying_all += (sum(itertools.compress(weights, map(payment.__ge__, rs)))
                               - sum(itertools.compress(weights, map(operator.not_, rs))))
            run.paying_all.append(paying_all)
            funded |= self.field[winner]
            counts_here = self.counts_at(funded)
            # Every project sharing a voter with the winner must be priced again.
            for q in self.neighbours[winner]:
                version[q] += 1
        run.group_money = moneys(list(map(funded.__and__, self.group_code)))
        run.denominator = d0 * scale
        return run

    @staticmethod
    def _record_bounds(run: _MesRun, low: list, winner: int) -> None:
        """Keep this round's lower bounds, for a later run at a lower per-voter budget to replay this one."""
        run.bounds.append(list(low))
        others = [key for q, key in enumerate(low) if key is not None and q != winner]
        run.runner_up.append(min(others) if others else None)

    def supporters_money(self, run: _MesRun) -> list[Fraction]:
        """Money each project's supporters have left at the end of `run`."""
        e, money_of = self.e, run.group_money
        money = []
        for supporters in e.supporters:
            total = 0
            for g, _ in supporters:
                total += e.group_weight[g] * money_of[g]
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


# The first stretch of Add1 increments that mes-completed tries to skip at once (see _last_fitting_run).
_STRIDE = 8
# From how many (voter group, project) supporter pairs on mes-completed tries float runs first (module
# docstring, 9): below, a run costs less in exact integers than in numpy calls.
_FAST_PATH_FROM = 3000


def _last_fitting_run(e: _Election, engine: _EqualShares) -> _MesRun:
    """The equal-shares run of the Add1 loop that the completion starts from (see the module docstring).

    The runs of the loop are certified float runs where they can be (app/budgets/tally_fast.py), exact runs
    where not; the run kept is then made exact by replaying its winners. Should that replay ever disagree,
    the whole loop is redone in exact arithmetic alone.
    """
    start = e.budget / e.voter_count
    voted_cost = sum((e.costs[q] for q in range(len(e.ids)) if e.points[q]), _ZERO)
    if voted_cost <= e.budget:
        # The loop would never stop; from this per-voter budget on, one voter could pay for everything.
        return engine.run(start + max(0, math.ceil(voted_cost - start)))
    if sum(map(len, e.supporters)) < _FAST_PATH_FROM:
        return _last_fitting_run_exact(e, engine)  # small: exact runs with replays cost less than numpy calls
    fast = FloatEqualShares(e, engine.rank, engine.neighbours)

    def run_at(increment: int, anchor: FloatRun | None = None) -> FloatRun:
        voter_budget = start + increment
        found = fast.run(voter_budget, anchor)
        if found is not None:
            return found
        exact = engine.run(voter_budget, anchor=None if anchor is None else anchor.exact)
        return _exact_record(engine, exact, with_bounds=True)

    kept = _add1_loop(e, run_at, _same_in_between)
    if kept.exact is not None:
        return kept.exact
    m = len(e.ids)
    # Replay its winners in exact arithmetic: in each round the exact rho of the float run's winner must be
    # below the float run's lower bound for every other project (its runner-up), as that run certified.
    anchor = _MesRun(kept.voter_budget, winners=list(kept.winners), bounds=[[None] * m for _ in kept.winners],
                     runner_up=[None if key is None else (float(key[0]), Fraction(key[0]), key[1])
                                for key in kept.runner_up])
    exact = engine.run(kept.voter_budget, anchor=anchor)
    if exact.winners != kept.winners:  # cannot happen if the certificates hold; exact arithmetic decides
        return _last_fitting_run_exact(e, _EqualShares(e))
    return exact


def _exact_record(engine: _EqualShares, run: _MesRun, with_bounds: bool = False) -> FloatRun:
    """An exact run in the form of a float run's record (its bounds are the exact values; with_bounds: also
    the lower bounds of every project per round, as floats, for a float run to replay it)."""
    rank = engine.rank
    return FloatRun(run.voter_budget, winners=run.winners, spent=run.spent,
                    up=[(rho, rank[q]) for rho, q in zip(run.rho, run.winners)],
                    runner_up=[None if key is None else key[1:] for key in run.runner_up],
                    bounds=[[None if key is None else _float_below(key[1]) for key in keys] for keys in run.bounds]
                    if with_bounds else [], exact=run)


def _float_below(value: Fraction) -> float:
    """A float at most `value` (for a float run replaying an exact run: its lower bounds are floats)."""
    f = float(value)
    return f if f <= value else math.nextafter(f, -math.inf)


def _add1_loop(e: _Election, run_at, same_in_between):
    """The Add1 loop over increments 0, 1, 2, ...: the last run whose outcome costs at most the budget.

    `run_at(increment)` runs equal shares there; `same_in_between(low, high)` certifies that every
    increment between two runs funds the same as both. A stretch of increments is skipped where
    certified, else split at its middle, recursively, left half first, so the loop returns what the
    sequential loop returns.
    """
    run = run_at(0)
    increment, stride = 0, _STRIDE
    while True:
        top = run_at(increment + stride)
        stretches = [(increment + stride, top)]
        split = False
        while stretches:
            high_increment, high = stretches[-1]
            if high_increment - increment == 1:
                if high.spent > e.budget:
                    return run
            elif not same_in_between(run, high):
                middle = (increment + high_increment) // 2
                stretches.append((middle, run_at(middle, high)))
                split = True
                continue
            stretches.pop()
            increment, run = high_increment, high
        # Longer stretches while the outcome stays; back to short ones where it changes.
        stride = _STRIDE if split else stride * 2


def _same_in_between(low: FloatRun, high: FloatRun) -> bool:
    """Whether every per-voter budget between those of two runs certainly funds the same as both.

    Both fund the same sequence W. With W funded in order, more money per voter leaves every voter at
    least as much and every price at most as high, round after round (module docstring, 5). So in round
    t, at any budget between, W's t-th project costs at most its rho at the low budget (here: an upper
    bound on it), and every other project still in the running at the high budget at least its lower
    bound there; one out of the running there is out of it at any lower budget too. If the first is below
    the second (in the tie-break order) in every round, every budget between funds W in this order, and
    then nothing more. (Bounds are floats or Fractions, compared exactly.)
    """
    if low.winners != high.winners:
        return False
    for up, runner_up in zip(low.up, high.runner_up):
        if runner_up is not None and not up < runner_up:
            return False
    return True


def _last_fitting_run_exact(e: _Election, engine: _EqualShares) -> _MesRun:
    """The Add1 loop in exact arithmetic alone, with replays of the run above (module docstring, 7)."""
    start = e.budget / e.voter_count
    voted_cost = sum((e.costs[q] for q in range(len(e.ids)) if e.points[q]), _ZERO)
    if voted_cost <= e.budget:
        return engine.run(start + max(0, math.ceil(voted_cost - start)))
    run = engine.run(start)
    increment, stride = 0, _STRIDE
    while True:
        top = engine.run(start + increment + stride)
        stretches = [(increment + stride, top)]
        split = False
        while stretches:
            high_increment, high = stretches[-1]
            if high_increment - increment == 1:
                if high.spent > e.budget:
                    return run
            elif not _same_in_between(_exact_record(engine, run), _exact_record(engine, high)):
                middle = (increment + high_increment) // 2
                stretches.append((middle, engine.run(start + middle, anchor=high)))
                split = True
                continue
            stretches.pop()
            increment, run = high_increment, high
        stride = _STRIDE if split else stride * 2


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
