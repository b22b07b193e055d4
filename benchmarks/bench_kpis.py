"""考核指标 over a year of a big order ledger: the KPI part of 『年度考核』 (twelve months × every clerk).

    python benchmarks/bench_kpis.py [--lines 100000] [--runs 5]

Builds the pure inputs directly (order lines attributed by a 『确认订单』 log, a 日报 a day, claims)
and times :func:`validators.assessment.planners.compute` for each month of the year, as
``annual_review`` does after reading the workbook once. Reading the ledger is measured by
bench_validate.py; this is what the assessment adds. Target: under 2 s for 100,000 lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import validators  # noqa: F401  (registers the KPIs)
from neiqin.core.config import Settings
from validators.assessment.planners import compute
from validators.assessment.sources import (
    ActionRun,
    ActionsSource,
    Claim,
    CustomerRecord,
    CustomersSource,
    OrderLine,
    OrdersSource,
    Sources,
)

CLERKS = ("李娜", "张敏", "孙丽")


def inputs(n: int, seed: int = 7) -> Sources:
    rng = random.Random(seed)
    lines, runs = [], []
    start = dt.datetime(2026, 1, 1, 9)
    for i in range(n):
        received = start + dt.timedelta(hours=rng.randint(0, 24 * 360))
        entered = received + dt.timedelta(hours=rng.choice([2, 5, 20, 30]))
        clerk = CLERKS[i % 3]
        runs.append(ActionRun(entered, clerk, "confirm_orders", "ok"))
        delivery = received.date() + dt.timedelta(days=rng.randint(5, 30))
        shipped = delivery + dt.timedelta(days=rng.choice([-2, -1, 0, 0, 1, 3]))
        lines.append(OrderLine(i + 5, f"SO{i:07d}", "MT-2200", f"客户{i % 500}", received.date(), entered, delivery,
                               shipped, False, clerk))  # fmt: skip
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        runs.append(ActionRun(dt.datetime.combine(day, dt.time(18)), "孙丽", "report_day", "ok",
                              f"已生成『日报 {day:%Y-%m-%d}』"))  # fmt: skip
        day += dt.timedelta(days=1)
    customers = {f"客户{k}": CustomerRecord(k + 5, f"客户{k}", ()) for k in range(500)}
    claims = tuple(Claim(f"BX{k:05d}", "费用报销单", dt.date(2026, 1 + k % 12, 10),
                         dt.datetime(2026, 1 + k % 12, 12, 10), CLERKS[k % 3]) for k in range(600))  # fmt: skip
    return Sources(
        orders=OrdersSource("订单台账", tuple(lines)),
        changes=(),
        customers=CustomersSource("客户档案", customers),
        actions=ActionsSource(tuple(sorted(runs, key=lambda r: r.time))),
        claims=claims,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sources = inputs(args.lines)
    settings = Settings()
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        for month in range(1, 13):
            first = dt.date(2026, month, 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            compute(CLERKS, sources, first, last, dt.date(2026, 12, 31), settings)
        times.append(time.perf_counter() - began)
    print(f"{args.lines:,} lines, 12 months × {len(CLERKS)} clerks: median {statistics.median(times):.2f} s "
          f"({min(times):.2f} – {max(times):.2f}, {args.runs} runs)")  # fmt: skip


if __name__ == "__main__":
    main()
