"""Simulator bench (on demand, not in CI): speed, the 5% theory checks, and the policy's bar.

    python -m bench.bench_simulation            # from the repository root: everything
    python -m bench.bench_simulation speed      # or: theory, policy, significance

Figures go to docs/performance.md (## Simulator) and docs/policy.md.
"""

from __future__ import annotations

import statistics
import sys
import time

from server.domain.classes import CustomerClass
from server.domain.policy import DEFAULT_RULES, ClassRule, PolicyKind, QueuePolicy
from server.simulation.engine import simulate
from server.simulation.evaluation import p90_table, pooled_p90
from server.simulation.generator import DayShape, branch_counters, generate_day
from server.simulation.metrics import day_figures
from server.simulation.theory import TheoryCheck, erlang_c_check, kleinrock_check

# 8 counters, 10 hours, ~600 customers (mean service 390 s at load 0.81).
SPEED_DAY = DayShape(counters=8, load=0.81)
THEORY_CUSTOMERS = 2_000_000
NORMAL_DAY = DayShape(load=0.85)
LUNCH_OVERLOAD = DayShape(load=0.85, lunch_peak=1.4)
UNSEEN_SEEDS = range(5000, 5200)


def bench_speed() -> None:
    days = [generate_day(SPEED_DAY, seed) for seed in range(30)]
    counters = branch_counters(SPEED_DAY)
    one = []
    for arrivals in days[:10]:
        start = time.perf_counter()
        day_figures(simulate(arrivals, counters, QueuePolicy()))
        one.append(time.perf_counter() - start)
    start = time.perf_counter()
    for seed in range(30):
        day_figures(simulate(generate_day(SPEED_DAY, seed), counters, QueuePolicy()))
    thirty = time.perf_counter() - start
    customers = statistics.mean(len(d) for d in days)
    print(f"one day ({customers:.0f} customers, 8 counters, 10 h), simulate + figures:")
    print(f"  median {statistics.median(one) * 1000:.1f} ms, max {max(one) * 1000:.1f} ms (10 days)")
    print(f"30 days, generate + simulate + figures: {thirty:.2f} s")


def show(check: TheoryCheck) -> None:
    half = check.half_width(0.99)
    print(
        f"  {check.label}: simulated {check.simulated:.2f} s, theory {check.theory:.2f} s, "
        f"error {check.relative_error:.1%}, 99% CI +-{half / check.theory:.1%}, "
        f"{'PASS' if check.relative_error < 0.05 and half / check.theory < 0.05 else 'FAIL'}"
    )


def bench_theory() -> None:
    print(f"theory checks, {THEORY_CUSTOMERS:,} customers each, mean service 100 s, 20 batch means:")
    for counters, load in ((1, 0.8), (3, 0.8), (5, 0.9)):
        show(erlang_c_check(counters, load, THEORY_CUSTOMERS, seed=counters))
    for check in kleinrock_check((0.4, 0.4), (900, 300), THEORY_CUSTOMERS, seed=7):
        show(check)


def bench_policy() -> None:
    textbook = {cls: ClassRule(target=r.target) for cls, r in DEFAULT_RULES.items()}
    policies = {
        "fifo": QueuePolicy(kind=PolicyKind.FIFO),
        "apq textbook (no head start, no hard limit)": QueuePolicy(kind=PolicyKind.APQ_PLAIN, rules=textbook),
        "apq_plain (default rules)": QueuePolicy(kind=PolicyKind.APQ_PLAIN),
        "apq (default)": QueuePolicy(),
        "strict": QueuePolicy(kind=PolicyKind.STRICT),
    }
    targets = {cls.value: rule.target / 60 for cls, rule in DEFAULT_RULES.items() if cls is not CustomerClass.REGULAR}
    for title, shape in (("85% load", NORMAL_DAY), ("lunch-peak overload (x1.4, 12:00-14:00)", LUNCH_OVERLOAD)):
        rows = {name: pooled_p90(policy, shape, UNSEEN_SEEDS) for name, policy in policies.items()}
        print(f"\n{title}, p90 wait in minutes pooled over {len(UNSEEN_SEEDS)} days (seeds {UNSEEN_SEEDS.start}-):")
        print(p90_table(rows))
        fifo, default = rows["fifo"]["regular"], rows["apq (default)"]["regular"]
        print(f"regular p90 apq / fifo = {default / fifo:.3f}; targets (min): {targets}")


def bench_significance(resamples: int = 300) -> None:
    """Paired bootstrap over the judging days: is the default's overload p90 really different?"""
    import random

    from server.simulation.metrics import percentile

    textbook = {cls: ClassRule(target=r.target) for cls, r in DEFAULT_RULES.items()}
    policies = {
        "apq": QueuePolicy(),
        "textbook": QueuePolicy(kind=PolicyKind.APQ_PLAIN, rules=textbook),
        "apq_plain": QueuePolicy(kind=PolicyKind.APQ_PLAIN),
    }
    counters = branch_counters(LUNCH_OVERLOAD)
    waits: dict[str, list[dict[CustomerClass, list[float]]]] = {name: [] for name in policies}
    for seed in UNSEEN_SEEDS:
        day = generate_day(LUNCH_OVERLOAD, seed)
        for name, policy in policies.items():
            by_class: dict[CustomerClass, list[float]] = {cls: [] for cls in CustomerClass}
            for call in simulate(day, counters, policy).calls:
                by_class[call.cls].append(call.wait)
            waits[name].append(by_class)

    def p90(name: str, days: list[int], cls: CustomerClass) -> float:
        return percentile(sorted(w for d in days for w in waits[name][d][cls]), 0.9) / 60

    rng = random.Random(1)
    everyday = list(range(len(UNSEEN_SEEDS)))
    samples = [[rng.randrange(len(everyday)) for _ in everyday] for _ in range(resamples)]
    print(f"lunch-peak overload, default minus other, p90 minutes, 95% paired bootstrap over {len(everyday)} days:")
    for other in ("textbook", "apq_plain"):
        for cls in CustomerClass:
            diffs = sorted(p90("apq", s, cls) - p90(other, s, cls) for s in samples)
            low, high = diffs[int(0.025 * resamples)], diffs[int(0.975 * resamples) - 1]
            full = p90("apq", everyday, cls) - p90(other, everyday, cls)
            print(f"  vs {other:9} {cls.value:11} {full:+.2f} [{low:+.2f}, {high:+.2f}]")


if __name__ == "__main__":
    parts = sys.argv[1:] or ["speed", "theory", "policy", "significance"]
    for part in parts:
        {"speed": bench_speed, "theory": bench_theory, "policy": bench_policy, "significance": bench_significance}[
            part
        ]()
