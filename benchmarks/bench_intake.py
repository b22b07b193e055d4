"""Benchmark: order intake on the hand-annotated corpus (field-level precision and recall, time per message).

    python benchmarks/bench_intake.py [--runs 5] [--scale 2000] [--show]

Reads tests/data/intake/corpus.toml (70 messages) and holdout.toml (25 messages written after the
parser was built) against the corpus catalogue and reports, per set:

- precision = correct fields / fields filled (a wrong value, or a value where the hand-written
  expectation is empty, costs precision: a wrong value is worse than an empty one);
- recall = correct fields / fields the expectation fills;
- questions the expectation asks that were not asked, and questions asked beyond it.

Then the time to read one message with a prepared Reader (median and 95th percentile over
``--runs`` passes), the time of the one-call ``parse_message`` (which also builds the indexes), and
the same with the catalogue grown by ``--scale`` made-up products and ``--scale // 4`` customers
(a distributor's real catalogue size). Targets: precision ≥ 95 %, recall ≥ 85 %, ≤ 50 ms a message.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from neiqin.core.intake import Customer, Product, Reader, load_catalogue, parse_message  # noqa: E402
from tests.intake_corpus import DATA, Score, messages, read, score  # noqa: E402


def corpus_score(corpus: list[dict], reader: Reader) -> Score:
    total = Score()
    for m in corpus:
        total.add(score(m, read(m, reader)))
    return total


def grown(scale: int, seed: int = 7) -> tuple[list[Customer], list[Product]]:
    """Made-up customers and products shaped like the corpus's (codes, specs, names, packs)."""
    rng = random.Random(seed)
    cities = ["常州", "嘉兴", "绍兴", "温州", "合肥", "青岛", "烟台", "厦门", "泉州", "长沙", "南昌", "西安"]
    words = ["永盛", "金鼎", "华通", "宏图", "安达", "中联", "恒力", "新世纪", "百川", "博瑞", "鸿运", "天润"]
    trades = ["机械有限公司", "自动化设备有限公司", "电气有限公司", "包装设备有限公司"]
    customers = [
        Customer(
            code=f"X{i:05d}",
            name=f"{rng.choice(cities)}{rng.choice(words)}{i}号{rng.choice(trades)}",
            short_names=(f"{rng.choice(words)}{i}",),
            contacts=(rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(["伟", "芳", "强", "磊", "静"]) + str(i),),
            phones=(f"1{rng.choice([35, 37, 58, 86])}{i:08d}",),
        )
        for i in range(scale // 4)
    ]
    families = [
        ("MX", "异步电机", "Y2-{n}M-4 {kw}kW", "电机", "台", ""),
        ("GX", "蜗轮蜗杆减速机", "NMRV{n} 速比1:{r}", "减速机", "台", "1箱=2台"),
        ("BX", "深沟球轴承", "{n}-2Z", "轴承", "套", "1盒=10套；1箱=100套"),
        ("SX", "接近开关", "LJ{n} NPN 常闭", "传感器", "只", "1盒=10只"),
        ("CX", "控制电缆", "KVV {n}x1.0mm² 100m", "电缆", "卷", "1卷=100米"),
    ]
    products = []
    for i in range(scale):
        prefix, name, spec, category, unit, packs = families[i % len(families)]
        n = 1000 + i
        products.append(
            Product(
                code=f"{prefix}-{n}",
                name=name,
                spec=spec.format(n=n, kw=round(10 + i / 10, 1), r=5 + i % 90),
                category=category,
                unit=unit,
                packs=packs,
                list_price=rng.randint(10, 9000),
            )
        )
    return customers, products


def timing(corpus: list[dict], reader: Reader, runs: int) -> tuple[float, float, float]:
    """Median and 95th percentile (ms) of one message, and the slowest message's median."""
    per_message: dict[str, list[float]] = {m["id"]: [] for m in corpus}
    for _ in range(runs):
        for m in corpus:
            t = time.perf_counter()
            read(m, reader)
            per_message[m["id"]].append((time.perf_counter() - t) * 1000)
    all_times = sorted(x for xs in per_message.values() for x in xs)
    p95 = all_times[int(0.95 * (len(all_times) - 1))]
    slowest = max(statistics.median(xs) for xs in per_message.values())
    return statistics.median(all_times), p95, slowest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=2000, help="made-up products added for the timing at scale")
    ap.add_argument("--show", action="store_true", help="list every wrong and missed field")
    args = ap.parse_args()

    cat = load_catalogue(DATA / "catalogue.toml")
    reader = Reader(cat.customers, cat.products, cat.aliases)
    corpus = messages()
    holdout = tomllib.loads((DATA / "holdout.toml").read_text(encoding="utf-8"))["message"]

    print(
        f"{'set':<10}{'msgs':>6}{'fields':>8}{'correct':>9}{'wrong':>7}{'missed':>8}{'precision':>11}{'recall':>8}"
        f"{'Q missing':>11}{'Q extra':>9}"
    )
    for name, msgs in (("corpus", corpus), ("holdout", holdout)):
        s = corpus_score(msgs, reader)
        filled = s.correct + s.wrong
        print(
            f"{name:<10}{len(msgs):>6}{filled + s.missed:>8}{s.correct:>9}{s.wrong:>7}{s.missed:>8}"
            f"{s.precision:>10.1%}{s.recall:>8.1%}{len(s.missing_questions):>11}{len(s.extra_questions):>9}"
        )
        if args.show:
            for line in s.wrong_fields:
                print("   wrong ", line)
            for line in s.missed_fields:
                print("   missed", line)
            for line in s.missing_questions + s.extra_questions:
                print("   question", line)

    everything = corpus + holdout
    med, p95, slowest = timing(everything, reader, args.runs)
    print(
        f"\nprepared Reader, {len(cat.products)} products / {len(cat.customers)} customers: "
        f"median {med:.2f} ms, p95 {p95:.2f} ms, slowest message {slowest:.2f} ms"
    )

    sample = next(m for m in corpus if m["id"] == "mail-001")
    best = []
    for _ in range(args.runs):
        t = time.perf_counter()
        parse_message(
            sample["text"], sent=sample["sent"], customers=cat.customers, products=cat.products, aliases=cat.aliases
        )
        best.append((time.perf_counter() - t) * 1000)
    print(f"parse_message (indexes built per call), mail-001: median {statistics.median(best):.2f} ms")

    if args.scale:
        customers, products = grown(args.scale)
        t = time.perf_counter()
        big = Reader([*cat.customers, *customers], [*cat.products, *products], cat.aliases)
        build = time.perf_counter() - t
        med, p95, slowest = timing(everything, big, args.runs)
        print(
            f"prepared Reader, {len(cat.products) + len(products)} products / "
            f"{len(cat.customers) + len(customers)} customers (index built in {build * 1000:.0f} ms): "
            f"median {med:.2f} ms, p95 {p95:.2f} ms, slowest message {slowest:.2f} ms"
        )


if __name__ == "__main__":
    main()
