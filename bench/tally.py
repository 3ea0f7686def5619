"""Benchmark of the tallies in app/budgets/tally.py, against pabutools 1.2.3 (the reference library).

Run: `make bench` or `.venv/bin/python bench/tally.py [--quick] [--full] [--seed N]`.

The headline numbers are ratios, which mean something on any machine: how much faster our tally is than
pabutools on the same instance, and what the Add1 completion (mes-completed) costs in single MES runs.
Absolute times follow in brackets. Three parts:

1. A generated instance of 50 projects and 20,000 approval ballots: greedy, mes and mes-completed, ours
   against pabutools. pabutools' naive Add1 loop runs MES once per euro of per-voter budget, minutes here,
   so its time is estimated as (increments + 1) x one pabutools MES run, unless --full runs it.
2. A generated city-sized instance, 160 projects and 90,000 approval ballots: mes-completed against one
   MES run of ours, and against pabutools' estimated naive loop (pabutools would need about 15 minutes;
   --quick skips its one MES run).
3. The real Pabulib files in ../shared/data/pabulib/ (if present): mes-completed cross-checked against
   pabutools, with OK or MISMATCH per file; --quick checks only the files pabutools does in seconds.

The random instances are generated from a fixed seed, so every run counts the same ballots. The exit
code is 1 if any cross-check gives different winners.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.budgets.pabulib import read_pb  # noqa: E402
from app.budgets.tally import GREEDY, MES, MES_COMPLETED, RULES, Ballot, Project, id_sort_key, tally  # noqa: E402

PABULIB_DIR = ROOT / ".." / "shared" / "data" / "pabulib"
# Real files whose naive Add1 loop pabutools runs in a few seconds (checked also with --quick).
QUICK_FILES = {"Netherlands_Amsterdam_643", "Poland_Warszawa_2019_Aleksandrow", "Poland_Krakow_2018_Bienczyce",
               "Switzerland_Zurich_D5"}


# --- instances ---------------------------------------------------------------------------------------

def generate(seed: int, project_count: int, voter_count: int, max_choices: int = 10,
             budget_share: Fraction = Fraction(1, 3)) -> tuple[int, list[Project], list[Ballot]]:
    """A random approval election shaped like a city's: costs of 5,000-400,000 euros in steps of 500,
    projects of uneven popularity (log-normal), each voter approving 1 to `max_choices` of them, and a
    budget of a third of the total cost (rounded down to thousands)."""
    rng = random.Random(seed)
    ids = [str(number) for number in range(1, project_count + 1)]
    costs = [rng.randrange(5_000, 400_001, 500) for _ in ids]
    popularity = [rng.lognormvariate(0, 1) for _ in ids]
    ballots = [Ballot.approval(set(rng.choices(ids, weights=popularity, k=rng.randint(1, max_choices))))
               for _ in range(voter_count)]
    budget = int(sum(costs) * budget_share) // 1000 * 1000
    return budget, [Project(i, cost) for i, cost in zip(ids, costs)], ballots


# --- timing ------------------------------------------------------------------------------------------

def timed(function, repeat: int = 1):
    """(result, best wall time in seconds) of `repeat` calls."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return result, best


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s" if value < 600 else f"{value / 60:.1f} min"


def ratio(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def increments(budget, ballots: list[Ballot], result) -> int:
    """How many Add1 increments (of one euro per voter) the kept equal-shares run is above budget / voters."""
    return int(result.voter_budget - Fraction(budget) / len(ballots)) if result.voter_budget is not None else 0


# --- pabutools ---------------------------------------------------------------------------------------

class Pabutools:
    """One election in pabutools 1.2.3, with our tie-break order, so that the winners must be equal.

    The instance and profile are built once (not timed); `winners` times only the rule.
    """

    def __init__(self, budget, project_list: list[Project], ballots: list[Ballot]) -> None:
        from pabutools.election import (
            ApprovalBallot, ApprovalProfile, Cost_Sat, CumulativeBallot, CumulativeProfile, Instance,
            Project as PabuProject,
        )
        from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction
        from pabutools.tiebreaking import TieBreakingRule

        class CostTimesPointsSat(AdditiveSatisfaction):
            # pabutools' Cost_Sat ignores points on cumulative ballots; our utility is cost * points.
            def __init__(self, instance, profile, ballot):
                super().__init__(instance, profile, ballot,
                                 lambda _i, _p, b, project, _v: b.get(project, 0) * project.cost)

        self.instance = Instance(budget_limit=Fraction(budget))
        by_id = {p.id: PabuProject(p.id, Fraction(p.cost)) for p in project_list}
        self.instance.update(by_id.values())
        if all(set(b.points.values()) <= {1} for b in ballots):
            self.profile = ApprovalProfile([ApprovalBallot(by_id[i] for i in b.points) for b in ballots],
                                           instance=self.instance)
            self.sat = Cost_Sat
        else:
            self.profile = CumulativeProfile(
                [CumulativeBallot({by_id[i]: v for i, v in b.points.items()}) for b in ballots], instance=self.instance)
            self.sat = CostTimesPointsSat
        points = {p.id: sum(b.points.get(p.id, 0) for b in ballots) for p in project_list}
        self.tie_breaking = TieBreakingRule(
            lambda _i, _p, project: (project.cost, -points[project.name], id_sort_key(project.name)))

    def winners(self, rule: str) -> list[str]:
        from pabutools.rules import (
            completion_by_rule_combination, exhaustion_by_budget_increase, greedy_utilitarian_welfare,
            method_of_equal_shares,
        )

        if rule == GREEDY:
            outcome = greedy_utilitarian_welfare(self.instance, self.profile, sat_class=self.sat,
                                                 tie_breaking=self.tie_breaking)
        elif rule == MES:
            outcome = method_of_equal_shares(self.instance, self.profile, sat_class=self.sat,
                                             tie_breaking=self.tie_breaking)
        else:  # Add1 as real elections ran it: +1 per voter until the outcome exceeds the budget, then greedy
            outcome = completion_by_rule_combination(
                self.instance, self.profile, [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
                [{"rule": method_of_equal_shares,
                  "rule_params": {"sat_class": self.sat, "tie_breaking": self.tie_breaking},
                  "exhaustive_stop": False, "budget_step": self.profile.num_ballots()},
                 {"sat_class": self.sat, "tie_breaking": self.tie_breaking}])
        return [p.name for p in outcome]


# --- the parts ---------------------------------------------------------------------------------------

class Report:
    def __init__(self) -> None:
        self.mismatches: list[str] = []
        self.summary: list[str] = []

    def check(self, what: str, ours: list[str], theirs: list[str]) -> str:
        if ours == theirs:
            return "OK"
        self.mismatches.append(f"{what}: ours {ours}, pabutools {theirs}")
        return "MISMATCH"


def generated_50(report: Report, seed: int, full: bool) -> None:
    budget, project_list, ballots = generate(seed, 50, 20_000)
    print(f"\n1. Generated: 50 projects, 20,000 approval ballots, budget {budget:,} (seed {seed})")
    print("   pabutools builds its profile once, untimed; the times below are the rules alone.")
    pabutools = Pabutools(budget, project_list, ballots)
    ours_time: dict[str, float] = {}
    results = {}
    for rule in RULES:
        results[rule], ours_time[rule] = timed(lambda: tally(rule, budget, project_list, ballots),
                                               repeat=1 if rule == MES_COMPLETED else 3)
    theirs_time: dict[str, float] = {}
    for rule in (GREEDY, MES) + ((MES_COMPLETED,) if full else ()):
        winners, theirs_time[rule] = timed(lambda: pabutools.winners(rule))
        status = report.check(f"50x20000 {rule}", results[rule].winners, winners)
        print(f"   {rule:<14} pabutools / ours: {ratio(theirs_time[rule] / ours_time[rule]):>6} faster "
              f"[ours {seconds(ours_time[rule])}, pabutools {seconds(theirs_time[rule])}]  winners {status}")
    steps = increments(budget, ballots, results[MES_COMPLETED])
    if not full:
        estimate = (steps + 1) * theirs_time[MES]
        print(f"   {MES_COMPLETED:<14} pabutools (estimated) / ours: {ratio(estimate / ours_time[MES_COMPLETED]):>6} "
              f"faster [ours {seconds(ours_time[MES_COMPLETED])}, pabutools ~{seconds(estimate)} = "
              f"{steps + 1} MES runs; --full runs it]")
    add1_cost = ours_time[MES_COMPLETED] / ours_time[MES]
    print(f"   mes-completed / one mes run (ours): {ratio(add1_cost)} for {steps} increments "
          f"(the naive loop: {steps + 1} or more runs)")
    report.summary.append(f"50x20000: greedy {seconds(ours_time[GREEDY])}, mes {seconds(ours_time[MES])}, "
                          f"mes-completed {seconds(ours_time[MES_COMPLETED])} ({ratio(add1_cost)} one mes run)")


def generated_city(report: Report, seed: int, quick: bool) -> None:
    budget, project_list, ballots = generate(seed + 1, 160, 90_000)
    print(f"\n2. Generated city: 160 projects, 90,000 approval ballots, budget {budget:,} (seed {seed + 1})")
    mes, mes_time = timed(lambda: tally(MES, budget, project_list, ballots))
    completed, completed_time = timed(lambda: tally(MES_COMPLETED, budget, project_list, ballots))
    steps = increments(budget, ballots, completed)
    print(f"   mes-completed / one mes run (ours): {ratio(completed_time / mes_time)} for {steps} increments "
          f"[mes-completed {seconds(completed_time)}, mes {seconds(mes_time)}]")
    print(f"   winners: mes {len(mes.winners)} for {float(mes.spent):,.0f}, "
          f"mes-completed {len(completed.winners)} for {float(completed.spent):,.0f}")
    line = f"160x90000: mes-completed {seconds(completed_time)} ({ratio(completed_time / mes_time)} one mes run)"
    if not quick:
        pabutools = Pabutools(budget, project_list, ballots)
        winners, theirs_mes = timed(lambda: pabutools.winners(MES))
        status = report.check("160x90000 mes", mes.winners, winners)
        estimate = (steps + 1) * theirs_mes
        print(f"   mes            pabutools / ours: {ratio(theirs_mes / mes_time)} faster "
              f"[pabutools {seconds(theirs_mes)}]  winners {status}")
        print(f"   mes-completed  pabutools naive loop (estimated) / ours: {ratio(estimate / completed_time)} faster "
              f"[pabutools ~{seconds(estimate)} = {steps + 1} MES runs, not run]")
        line += f"; pabutools' naive loop ~{seconds(estimate)}"
    report.summary.append(line)


def real_files(report: Report, quick: bool) -> None:
    paths = sorted(PABULIB_DIR.glob("*.pb")) if PABULIB_DIR.is_dir() else []
    print(f"\n3. Real Pabulib files, mes-completed against pabutools' naive Add1 loop ({PABULIB_DIR.resolve()})")
    if not paths:
        print("   (no files there: skipped)")
        return
    for path in paths:
        budget, project_list, ballots = read_pb(path).tally_inputs()
        result, ours = timed(lambda: tally(MES_COMPLETED, budget, project_list, ballots))
        head = f"   {path.stem:<34} {len(project_list):>3} projects {len(ballots):>5} ballots"
        if quick and path.stem not in QUICK_FILES:
            print(f"{head}  [ours {seconds(ours)}; pabutools skipped with --quick]")
            continue
        pabutools = Pabutools(budget, project_list, ballots)
        winners, theirs = timed(lambda: pabutools.winners(MES_COMPLETED))
        status = report.check(path.stem, result.winners, winners)
        print(f"{head}  {status:<8} pabutools / ours: {ratio(theirs / ours):>6} faster "
              f"[ours {seconds(ours)}, pabutools {seconds(theirs)}]")
        report.summary.append(f"{path.stem}: {status}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip pabutools on the city instance and on the real files it needs long for")
    parser.add_argument("--full", action="store_true",
                        help="run pabutools' naive Add1 loop on the 50 x 20,000 instance (minutes)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated instances (default 2026)")
    parser.add_argument("--only", choices=("50", "city", "real"), action="append",
                        help="run only these parts (repeatable)")
    args = parser.parse_args(argv)
    parts = set(args.only or ("50", "city", "real"))
    try:
        import pabutools  # noqa: F401
    except ImportError:
        print("pabutools is not installed: run `make install-dev`.", file=sys.stderr)
        return 2
    print("Tally benchmark: ratios first, wall times in brackets.")
    report = Report()
    start = time.perf_counter()
    if "50" in parts:
        generated_50(report, args.seed, args.full)
    if "city" in parts:
        generated_city(report, args.seed, args.quick)
    if "real" in parts:
        real_files(report, args.quick)
    print(f"\nSummary ({seconds(time.perf_counter() - start)} in all):")
    for line in report.summary:
        print(f"   {line}")
    for line in report.mismatches:
        print(f"   MISMATCH {line}")
    return 1 if report.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
