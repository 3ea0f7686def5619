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
  grows within a run). The candidate wins if each of those is after it in (bound, rank) order, or all are
  exact and the exact order picks one. Otherwise: cannot tell.

Each decision is therefore the exact engine's decision, so a run that completes funds the same projects
in the same order. Per round it also records the winner's upper bound and the least lower bound (with
rank) of the other projects in the running: the certificates `_same_in_between` in tally.py uses to skip
Add1 increments, sound with bounds as with exact values.
"""
from __future__ import annotations

import heapq
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
        for q in range(m):
            supporters = e.supporters[q]
            idx = np.fromiter((g for g, _ in supporters), dtype=np.intp, count=len(supporters))
            pts = np.fromiter((level for _, level in supporters), dtype=np.float64, count=len(supporters))
            w = weight[idx]
            self.idx.append(idx)
            self.pts.append(pts)
            self.w.append(w)
            self.wp.append(w * pts)
            self.total_points.append(float(e.points[q]))
            self.unit.append(bool(np.all(pts == 1)))
            if e.points[q] >= 2 ** 52:
                self.usable = False  # integer sums of points would no longer be exact in float64
            c_lo, c_hi = _float_bounds(e.costs[q])
            self.cost.append((c_lo, c_hi, float(e.costs[q])))

    def price(self, q: int, lo: np.ndarray, hi: np.ndarray):
        """(rho_lo, rho_hi, P, pi_lo, pi_hi) with P > 0 iff rho is exactly 1 / P; _UNAFFORDABLE; or None."""
        idx = self.idx[q]
        mh = hi[idx]
        ml = lo[idx]
        c_lo, c_hi, c_f = self.cost[q]
        nonzero = mh > 0
        if nonzero.all():
            w, wp, pts = self.w[q], self.wp[q], self.pts[q]
            total_points = self.total_points[q]
        else:  # groups with exactly nothing left pay nothing and do not count
            if not nonzero.any():
                return _UNAFFORDABLE
            ml, mh = ml[nonzero], mh[nonzero]
            w, wp, pts = self.w[q][nonzero], self.wp[q][nonzero], self.pts[q][nonzero]
            total_points = float(wp.sum())  # an exact integer
        r = ml if self.unit[q] else ml / pts
        share = c_hi / total_points * (1 + 2 * EPS)
        if float(r.min()) * (1 - 2 * EPS) >= share:
            # Everybody can pay the equal share: price cost / points exactly, rho exactly 1 / points.
            pi = c_f / total_points
            inverse = 1.0 / total_points
            return (inverse * (1 - 2 * EPS), inverse * (1 + 2 * EPS), int(total_points),
                    pi * (1 - 4 * EPS), pi * (1 + 4 * EPS))
        slack = (len(ml) + 4) * EPS
        if float(np.dot(w, mh)) * (1 + slack) < c_lo:
            return _UNAFFORDABLE
        if float(np.dot(w, ml)) * (1 - slack) < c_hi:
            return None  # cannot tell whether the supporters can afford it
        # Water-filling on the lower bounds of money: whoever has less per point than the equal share of
        # what is left pays all and drops out; repeat. T, those who dropped out, is the split below.
        paid = paid_hi = 0.0
        dropped = passes = 0
        poorest_max = -1.0
        rest_points = total_points
        while True:
            poor = r < (c_hi - paid) / rest_points
            if not poor.any():
                break
            passes += 1
            paid += float(np.dot(w[poor], ml[poor]))
            paid_hi += float(np.dot(w[poor], mh[poor]))
            rest_points -= float(wp[poor].sum())
            dropped += int(np.count_nonzero(poor))
            poorest_max = max(poorest_max, float(r[poor].max()))
            rich = ~poor
            r, w, wp, ml, mh = r[rich], w[rich], wp[rich], ml[rich], mh[rich]
            if not len(r) or rest_points <= 0:
                return None
        error = (dropped + 2 * passes + 8) * EPS
        # Upper bound: f(pi_hi) >= cost on the lower bounds of money, checked with margins.
        pi_hi = (c_hi - paid * (1 - error)) / rest_points * (1 + 4 * EPS)
        if not float(r.min()) * (1 - 2 * EPS) >= pi_hi:
            return None
        if passes and not poorest_max * (1 + 2 * EPS) <= pi_hi:
            return None
        # Lower bound from the upper bounds of money, with the same split.
        numerator = c_lo - paid_hi * (1 + error)
        pi_lo = numerator / rest_points * (1 - 4 * EPS) if numerator > 0 else 0.0
        return (pi_lo / c_hi * (1 - 2 * EPS), pi_hi / c_lo * (1 + 2 * EPS), 0, pi_lo, pi_hi)

    def run(self, voter_budget: Fraction) -> FloatRun | None:
        """The certified winners of equal shares at this per-voter budget, or None if it cannot tell."""
        if not self.usable:
            return None
        e, rank = self.e, self.rank
        m = len(e.ids)
        b_lo, b_hi = _float_bounds(voter_budget)
        lo_money = np.full(self.groups, b_lo)
        hi_money = np.full(self.groups, b_hi)
        lo = [0.0] * m
        hi = [0.0] * m
        exact = [0] * m
        fresh = [False] * m
        version = [0] * m
        prices: list[tuple[float, float] | None] = [None] * m
        active = [bool(len(self.idx[q])) for q in range(m)]
        # Heap of (lower bound of rho, rank, project, version): an entry is current if its project is fresh
        # and the version is the project's; an older entry still holds a lower bound (rho only grows).
        heap = [(0.0, rank[q], q, 0) for q in range(m) if active[q]]
        heapq.heapify(heap)
        run = FloatRun(voter_budget)

        def refresh(q: int) -> bool:
            found = self.price(q, lo_money, hi_money)
            if found is None:
                return False
            if found is _UNAFFORDABLE:
                active[q] = False
                return True
            rho_lo, rho_hi, p, pi_lo, pi_hi = found
            lo[q] = max(lo[q], rho_lo)  # both are lower bounds
            hi[q] = rho_hi
            exact[q] = p
            fresh[q] = True
            version[q] += 1
            prices[q] = (pi_lo, pi_hi)
            heappush(heap, (lo[q], rank[q], q, version[q]))
            return True

        heappush, heappop = heapq.heappush, heapq.heappop
        while heap:
            _, _, w, seen = heappop(heap)
            if not active[w]:
                continue
            if not fresh[w]:
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
                if not active[q] or (fresh[q] and seen != version[q]):
                    continue
                if not fresh[q]:
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
            w = winner
            run.winners.append(w)
            run.spent += e.costs[w]
            run.up.append((Fraction(1, exact[w]) if exact[w] else hi[w], rank[w]))
            run.runner_up.append(heap[0][:2] if heap else None)
            # Fund w: its supporters pay min(money, pi * points), pi in [pi_lo, pi_hi].
            pi_lo, pi_hi = prices[w]
            idx, pts = self.idx[w], self.pts[w]
            ml, mh = lo_money[idx], hi_money[idx]
            a = pi_hi * pts
            new_lo = ml - a
            new_lo -= (ml + a) * (3 * EPS)
            np.maximum(new_lo, 0.0, out=new_lo)
            c = pi_lo * pts
            new_hi = mh - c
            new_hi += (mh + c) * (3 * EPS)
            np.maximum(new_hi, 0.0, out=new_hi)
            lo_money[idx] = new_lo
            hi_money[idx] = new_hi
            active[w] = False
            for q in self.neighbours[w]:
                if fresh[q]:
                    fresh[q] = False
                    exact[q] = 0
        return run
