"""校验会议 on a large 会议安排: the clash check grows as n log n, not as all pairs.

    python benchmarks/bench_meetings.py [--sizes 2500 5000 10000 20000 40000] [--runs 3] [--seed 7]

Generates a schedule in memory (no file: this measures the rules, not the reading): meetings of
one to three hours on working days (25 a day), 12 rooms and 2 online platforms, 120 people, 2–8 attendees
each, a few per cent of them clashing. For each size it times every check of the 会议安排
declaration (times, clashes, notice, equipment and materials, people against 人员) through the
ledger kit, and reports the median and the time per 1,000 meetings: a flat column means the
cost grows with the meetings, not with their pairs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import validators  # noqa: F401  (registers the ledgers)
from neiqin.core import kit
from neiqin.core.config import Settings
from neiqin.core.ledger import parse_ledger

ROOMS = [f"{i}号会议室" for i in range(1, 13)] + ["线上", "腾讯会议"]
PEOPLE = [f"员工{i:03d}" for i in range(120)]


def schedule(n: int, seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    spec = kit.ledger("meetings")
    header = [c.header for c in spec.columns()]
    rows: list[list[object]] = [header]
    day = dt.date(2026, 1, 5)
    per_day = 25
    for i in range(n):
        if i and i % per_day == 0:
            day += dt.timedelta(days=1 if day.weekday() < 4 else 3)
        start = rng.randrange(8 * 4, 17 * 4) * 15
        length = rng.choice((60, 90, 120, 180))
        chair, *others = rng.sample(PEOPLE, rng.randint(3, 9))
        when = dt.datetime.combine(day, dt.time())
        rows.append(
            [
                f"HY{i:06d}",
                "例会",
                when,
                f"{start // 60}:{start % 60:02d}",
                f"{(start + length) // 60}:{(start + length) % 60:02d}",
                rng.choice(ROOMS),
                chair,
                "、".join(others),
                "议程",
                "投影仪",
                "材料",
                when - dt.timedelta(days=2),
            ]
        )
    return rows


def staff() -> object:
    spec = kit.ledger("staff")
    header = [c.header for c in spec.columns()]
    lines = [[p, "销售部", "销售", "是" if i == 0 else "否", None, None] for i, p in enumerate(PEOPLE)]
    return parse_ledger([header, *lines], spec, "人员")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000, 20000, 40000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    spec = kit.ledger("meetings")
    people = staff()
    print("| meetings | issues | median | per 1,000 meetings |\n|---|---|---|---|")
    for n in args.sizes:
        values = schedule(n, args.seed)
        times, issues = [], 0
        for _ in range(args.runs):
            ledger = parse_ledger(values, spec, "会议安排")  # a fresh ledger: nothing cached between runs
            ctx = kit.CheckContext(Settings(), dt.date(2026, 1, 1), {"staff": people})
            t0 = time.perf_counter()
            issues = len(spec.check(ledger, ctx))
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        print(f"| {n:,} | {issues:,} | {median:.2f} s | {median / n * 1000 * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
