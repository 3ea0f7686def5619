"""A certified floating-point fast path for equal-shares runs (used by app/budgets/tally.py).

`FloatEqualShares(e, rank, neighbours).run(voter_budget)` runs the Method of Equal Shares in numpy
float64 and returns the winners in order, or None when it cannot tell. It never guesses: every money
value is kept as an interval [lo, hi] that provably contains the exact value, every price (rho) as an
interval computed from those, and every decision the exact engine makes is taken here only when the
intervals decide it:

- Money. A voter group (identical ballots) starts with [b, b] (b the per-voter budget, widened by one
  rounding if b is not a float). Funding a project at a price per point pi in [pi_lo, pi_hi] gives its
  supporters [max(lo - pi_hi * p, 0), max(hi - pi_lo * p, 0)], widened by a generous bound on the float
  rounding of the two operations (money after paying is increasing in money and decreasing in price).
  A group whose upper bound is exactly 0 has exactly nothing left.
- Affordability: certain when the lower bounds of the supporters' money sum to at least the cost, after
  subtracting a bound on the rounding of the sum ((n + 4) * 2^-52 relative for n terms, valid for any
  summation order); certainly not when the upper bounds, rounded up, sum to less. Otherwise: cannot tell.
- Price. With f(pi) = sum of min(money, pi * points) over the supporters, the exact price is the pi with
  f(pi) = cost. For any split of the supporters into T (pay all) and the rest, f(pi) <= money(T) +
  pi * points(rest), so (cost - money(T)) / points(rest) is a lower bound, whatever T is; computed from the
  upper bounds of money (the price falls as money grows) and rounded down, it bounds the price from
  below. An upper bound pi_c is certified by f(pi_c) >= cost on the lower bounds of money: T the poorest
  per point, every group in T has at most pi_c per point and every other at least pi_c per point, with
  margins above rounding. If nobody has to pay all (the poorest can pay the equal share, with margin), the
  price is exactly cost / points and rho exactly 1 / points: kept as an integer, so that exact ties
  (frequent: projects with as many supporters) are broken by the tie-break rank exactly, as the exact
  engine does.
- Round winner: the project with the least lower bound is priced until fresh; every project whose lower
  bound does not exceed the candidate's upper bound is priced too (a stale price is a lower bound: rho only
  grows within a run; before its first pricing, 1 / points is one, since supporters pay at most the price
  per point times their points). The candidate wins if each of those is after it in (bound, rank) order,
  or all are exact and the exact order picks one. Otherwise: cannot tell.
- Replay (`anchor`): the Add1 loop runs the middle of a stretch after the run at its top. With the same
  winners so far, a lower per-voter budget leaves every voter at most as much money and every rho at least
  as high (tally.py, module docstring 5), so the top run's lower bounds for round t hold here too. Round t
  then prices only the top run's winner w: if w's upper bound is below the top run's least lower bound of
  the other projects (its runner-up), w wins. Else the round is chosen as above, from those lower bounds
  (a project out of the running there is out of it here), and the replay resumes if w wins after all.
  About one pricing per round instead of three to five.

Each decision is therefore the exact engine's decision, so a run that completes funds the same projects
in the same order. Per round it also records the winner's upper bound and the least lower bound (with
rank) of the other projects in the running: the certificates `_same_in_between` in tally.py uses to skip
Add1 increments, sound with bounds as with exact values; and every project's lower bound (None if out of
the running), for a run at a lower budget to replay this one.

Cost: numpy calls on a few thousand groups cost their call overhead more than their arithmetic, so a run
does few of them: the supporter index arrays are built once for all runs (views of one array), pricing
sums over the poor groups with a dot product against a mask instead of filtering arrays pass after pass,
and funding reuses the money gathered when the winner was priced (still current while it is fresh).
"""
from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

EPS = 2.0 ** -52  # twice the unit roundoff of float64
_UNAFFORDABLE = "unaffordable"


def _float_bounds(value: Fraction) -> tuple[float, float]:
    """A float interval containing an exact value (one rounding)."""
    f = float(value)
    if Fraction(f) == value:
        return f, f
    return f * (1 - EPS), f * (1 + EPS)


@dataclass
class FloatRun:
    """A certified float run: winners in order, their exact cost, and per round the skip certificates.

    up[t]: an upper bound on (rho, rank) of round t's winner; runner_up[t]: a lower bound on (rho, rank) of
    every other project in the running in round t (None if there was none). Numbers are floats or Fractions.
    """

    voter_budget: Fraction
    winners: list[int] = field(default_factory=list)
    spent: Fraction = Fraction(0)
    up: list[tuple] = field(default_factory=list)
    runner_up: list[tuple | None] = field(default_factory=list)
    bounds: list[list] = field(default_factory=list)
    exact: object = None  # the exact _MesRun, when this record stands for one


class FloatEqualShares:
    """Equal shares in float64 with rigorous error bounds (see the module docstring)."""

    def __init__(self, e, rank: list[int], neighbours: list[list[int]]) -> None:
        self.e = e
        self.rank = rank
        self.neighbours = neighbours
        m = len(e.ids)
        self.groups = len(e.group_items)
        weight = np.array(e.group_weight, dtype=np.float64)
        self.idx: list[np.ndarray] = []
        self.pts: list[np.ndarray] = []
        self.w: list[np.ndarray] = []
        self.wp: list[np.ndarray] = []
        self.unit: list[bool] = []
        self.cost: list[tuple[float, float, float]] = []
        self.total_points: list[float] = []
        self.usable = True
        self.has_supporters = [bool(supporters) for supporters in e.supporters]
        self.neighbour_sets = [frozenset(found) for found in neighbours]
        # Exact costs as integers over one denominator: an outcome's cost is one Fraction, not a sum of them.
        self.cost_denominator = math.lcm(*(cost.denominator for cost in e.costs))
        self.cost_numerator = [cost.numerator * (self.cost_denominator // cost.denominator) for cost in e.costs]
        if e.max_points >= 2 ** 52:
            self.usable = False  # integer sums of points would no longer be exact in float64
            return
        # All (group, points) supporter pairs in one array, then a view per project.
        pairs = np.fromiter(itertools.chain.from_iterable(itertools.chain.from_iterable(e.supporters)),
                            dtype=np.int64, count=2 * sum(map(len, e.supporters))).reshape(-1, 2)
        ends = list(itertools.accumulate(map(len, e.supporters)))[:-1]
        all_idx = pairs[:, 0].astype(np.intp)
        all_pts = pairs[:, 1].astype(np.float64)
        all_w = weight[all_idx]
        all_wp = all_w * all_pts
        self.idx = np.split(all_idx, ends)
        self.pts = np.split(all_pts, ends)
        self.w = np.split(all_w, ends)
        self.wp = np.split(all_wp, ends)
        # A lower bound on every rho, at every budget and in every round: supporters pay at most the price per
        # point times their points, so the price per point is at least cost / points, and rho at least 1 / points.
        self.floor = [(1.0 / e.points[q]) * (1 - 2 * EPS) if e.points[q] else 0.0 for q in range(m)]
        for q in range(m):
            self.total_points.append(float(e.points[q]))
            self.unit.append(bool(np.all(self.pts[q] == 1)))
            if e.points[q] >= 2 ** 52:
                self.usable = False  # integer sums of points would no longer be exact in float64
            c_lo, c_hi = _float_bounds(e.costs[q])
            self.cost.append((c_lo, c_hi, float(e.costs[q])))

    def price(self, q: int, lo: np.ndarray, hi: np.ndarray):
        """(rho_lo, rho_hi, P, pi_lo, pi_hi, ml, mh) with P > 0 iff rho is exactly 1 / P and ml, mh the supporters'
        money bounds it was computed from; _UNAFFORDABLE; or None."""
        idx = self.idx[q]
        mh = hi.take(idx)
        ml = lo.take(idx)
        c_lo, c_hi, c_f = self.cost[q]
        w, wp = self.w[q], self.wp[q]
        r = ml if self.unit[q] else ml / self.pts[q]
        # Groups with exactly nothing left pay nothing and do not count. Their r is 0: below every share
        # below, they are in T from the first pass on, paying 0 with their points left out.
        zero = mh == 0.0
        zeros = int(np.count_nonzero(zero))
        n = len(idx) - zeros
        total_points = self.total_points[q]
        if zeros:
            if not n:
                return _UNAFFORDABLE
            total_points -= float(np.dot(wp, zero))  # an exact integer
            r_min = float(np.where(zero, np.inf, r).min())
        else:
            r_min = float(r.min())
        share = c_hi / total_points * (1 + 2 * EPS)
        if r_min * (1 - 2 * EPS) >= share:
            # Everybody can pay the equal share: price cost / points exactly, rho exactly 1 / points.
            pi = c_f / total_points
            inverse = 1.0 / total_points
            return (inverse * (1 - 2 * EPS), inverse * (1 + 2 * EPS), int(total_points),
                    pi * (1 - 4 * EPS), pi * (1 + 4 * EPS), ml, mh)
        slack = (n + 4) * EPS
        wmh = w * mh
        if float(wmh.sum()) * (1 + slack) < c_lo:
            return _UNAFFORDABLE
        wml = w * ml
        if float(wml.sum()) * (1 - slack) < c_hi:
            return None  # cannot tell whether the supporters can afford it
        # Water-filling on the lower bounds of money: whoever has less per point than the equal share of
        # what is left pays all and drops out; repeat. T, those who dropped out, is the split below. (T only
        # grows, so each pass sums over all of T at once: no rounding accumulates from pass to pass.)
        paid = paid_hi = 0.0
        passes = 0
        known = zeros
        rest_points = total_points
        poor = r < c_hi / total_points
        while True:
            count = int(np.count_nonzero(poor))
            if count == known:
                break
            known = count
            passes += 1
            paid = float(np.dot(wml, poor))
            paid_hi = float(np.dot(wmh, poor))
            rest_points = self.total_points[q] - float(np.dot(wp, poor))  # exact integers
            if rest_points <= 0:
                return None
            poor |= r < (c_hi - paid) / rest_points
        error = (known - zeros + 2 * passes + 8) * EPS
        # Upper bound: f(pi_hi) >= cost on the lower bounds of money, checked with margins.
        pi_hi = (c_hi - paid * (1 - error)) / rest_points * (1 + 4 * EPS)
        if not float(np.where(poor, np.inf, r).min()) * (1 - 2 * EPS) >= pi_hi:
            return None
        if passes and not float(np.where(poor, r, -1.0).max()) * (1 + 2 * EPS) <= pi_hi:
            return None
        # Lower bound from the upper bounds of money, with the same split.
        numerator = c_lo - paid_hi * (1 + error)
        pi_lo = numerator / rest_points * (1 - 4 * EPS) if numerator > 0 else 0.0
        return (pi_lo / c_hi * (1 - 2 * EPS), pi_hi / c_lo * (1 + 2 * EPS), 0, pi_lo, pi_hi, ml, mh)

    def run(self, voter_budget: Fraction, anchor: FloatRun | None = None) -> FloatRun | None:
        """The certified winners of equal shares at this per-voter budget, or None if it cannot tell.

        With `anchor`, a run at a per-voter budget at least as high, each round first prices only the
        anchor's winner of that round: if its upper bound is below the anchor's lower bound for every other
        project (with the same winners before, every price here is at least as high as there), it wins
        without pricing anything else. Where that fails, the round is chosen as in a plain run, from the
        anchor's lower bounds, and the replay goes on if the anchor's winner wins after all.
        """
        if not self.usable:
            return None
        assert anchor is None or anchor.voter_budget >= voter_budget
        e, rank = self.e, self.rank
        m = len(e.ids)
        b_lo, b_hi = _float_bounds(voter_budget)
        lo_money = np.full(self.groups, b_lo)
        hi_money = np.full(self.groups, b_hi)
        lo = list(self.floor)
        hi = [0.0] * m
        exact = [0] * m
        fresh: set[int] = set()  # projects priced since their supporters last paid (exact[q] is read only for these)
        version = [0] * m
        # Per project: its price per point as (pi_lo, pi_hi) and its supporters' money then (still theirs while
        # it is fresh, so funding it reads no money again).
        prices: list[tuple | None] = [None] * m
        active = list(self.has_supporters)
        # Heap of (lower bound of rho, rank, project, version): an entry is current if its project is fresh
        # and the version is the project's; an older entry still holds a lower bound (rho only grows).
        heap = [] if anchor is not None else [(lo[q], rank[q], q, 0) for q in range(m) if active[q]]
        heapq.heapify(heap)
        run = FloatRun(voter_budget)
        heappush = heapq.heappush
        replaying = anchor is not None

        def refresh(q: int) -> bool:
            found = self.price(q, lo_money, hi_money)
            if found is None:
                return False
            if found is _UNAFFORDABLE:
                active[q] = False
                return True
            rho_lo, rho_hi, p = found[:3]
            lo[q] = max(lo[q], rho_lo)  # both are lower bounds
            hi[q] = rho_hi
            exact[q] = p
            fresh.add(q)
            version[q] += 1
            prices[q] = found[3:]
            if not replaying:
                heappush(heap, (lo[q], rank[q], q, version[q]))
            return True

        while True:
            w = expected = -1
            if replaying:
                depth = len(run.winners)
                if depth == len(anchor.winners):
                    break  # with more money and the same winners, the anchor found nothing more affordable
                expected = anchor.winners[depth]
                if active[expected] and expected not in fresh and not refresh(expected):
                    return None
                runner_up = anchor.runner_up[depth]
                if active[expected]:
                    up_key = (Fraction(1, exact[expected]) if exact[expected] else hi[expected], rank[expected])
                    if runner_up is None or up_key < runner_up:
                        w = expected  # certified: every other project costs here at least its bound there
                        run.up.append(up_key)
                        run.runner_up.append(runner_up)
                        run.bounds.append(anchor.bounds[depth])
                if w < 0:
                    # Not certified: a plain round, from the anchor's lower bounds (projects out of the running
                    # there are out of it here) and this run's own.
                    bounds = anchor.bounds[depth]
                    heap = []
                    for q in range(m):
                        if active[q] and q != expected:
                            bound = bounds[q]
                            if bound is None:
                                active[q] = False
                                continue
                            lo[q] = max(lo[q], bound)
                            heap.append((lo[q], rank[q], q, version[q]))
                    if active[expected]:
                        heap.append((lo[expected], rank[expected], expected, version[expected]))
                    heapq.heapify(heap)
                    replaying = False
            if w < 0:
                w = self._choose(heap, refresh, lo, hi, exact, fresh, version, active)
                if w is None:
                    return None
                if w < 0:
                    break
                replaying = w == expected  # the same winners as the anchor so far: replay the next round
                run.up.append((Fraction(1, exact[w]) if exact[w] else hi[w], rank[w]))
                run.runner_up.append(heap[0][:2] if heap else None)
                run.bounds.append([lo[q] if active[q] else None for q in range(m)])
            run.winners.append(w)
            # Fund w: its supporters pay min(money, pi * points), pi in [pi_lo, pi_hi].
            pi_lo, pi_hi, ml, mh = prices[w]
            idx, pts = self.idx[w], self.pts[w]
            # Money and payment are each moved by 3 EPS away from the exact difference before subtracting:
            # more than the (at most three) roundings of each side can move it back.
            a = pi_hi * (1 + 3 * EPS) if self.unit[w] else pts * (pi_hi * (1 + 3 * EPS))
            new_lo = ml * (1 - 3 * EPS)
            new_lo -= a
            np.maximum(new_lo, 0.0, out=new_lo)
            c = pi_lo * (1 - 3 * EPS) if self.unit[w] else pts * (pi_lo * (1 - 3 * EPS))
            new_hi = mh * (1 + 3 * EPS)
            new_hi -= c
            np.maximum(new_hi, 0.0, out=new_hi)
            lo_money[idx] = new_lo
            hi_money[idx] = new_hi
            active[w] = False
            fresh -= self.neighbour_sets[w]
        run.spent = Fraction(sum(map(self.cost_numerator.__getitem__, run.winners)), self.cost_denominator)
        return run

    def _choose(self, heap, refresh, lo, hi, exact, fresh, version, active) -> int | None:
        """The winner of a plain round (-1 if nothing is affordable), or None if the bounds cannot tell."""
        rank = self.rank
        heappush, heappop = heapq.heappush, heapq.heappop
        while heap:
            _, _, w, seen = heappop(heap)
            if not active[w]:
                continue
            if w not in fresh:
                if not refresh(w):
                    return None
                continue
            if seen != version[w]:
                continue  # an older entry of a project with a current one
            # w has the least lower bound. Every project whose lower bound is at most w's upper bound
            # must be priced (current), then one of them is certified to come first, or none can be.
            close = [w]
            top = hi[w]
            while heap and heap[0][0] <= top:
                _, _, q, seen = heappop(heap)
                if not active[q] or (q in fresh and seen != version[q]):
                    continue
                if q not in fresh:
                    if not refresh(q):
                        return None
                    continue
                close.append(q)
            winner = min(close, key=lambda q: (hi[q], rank[q]))
            up_key = (hi[winner], rank[winner])
            for q in close:
                if q != winner and not ((lo[q], rank[q]) > up_key or (
                        exact[winner] and exact[q] and (-exact[winner], rank[winner]) < (-exact[q], rank[q]))):
                    if not all(exact[c] for c in close):
                        return None  # two prices too close to order with certainty
                    winner = min(close, key=lambda c: (-exact[c], rank[c]))
                    break
            for q in close:
                if q != winner:
                    heappush(heap, (lo[q], rank[q], q, version[q]))
            while heap and not active[heap[0][2]]:
                heappop(heap)
            return winner
        return -1
