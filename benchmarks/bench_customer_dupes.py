"""Duplicate customers in a 100,000-record archive: time, and precision/recall against planted duplicates.

    python benchmarks/bench_customer_dupes.py [--n 100000] [--runs 3] [--seed 7] [--threshold 85]
    python benchmarks/bench_customer_dupes.py --action [--n 100000] [--runs 3]

``--action`` measures the ribbon action 查找重复客户 end to end instead: the archive written once as a
real .xlsx (『客户档案』 with the columns of issue 13, under ``benchmarks/data/``), then per run, as
the clerk's button does it headless: open the workbook, read and convert 客户档案, find the
duplicates, write 『重复客户』 (groups, masked evidence, scores) and save the workbook.

The archive is generated (no real customer data): company names built like real ones —
region (one of the 333 cities or a district, as 杭州 / 杭州市 / 浙江省杭州市 / in brackets), a trade
name of two or three characters from the characters Chinese firms favour, trade words
(机电设备, 电子科技 …) and a legal form — with contacts (mobile 85 %, landline 50 %, credit
code 70 %, e-mail 40 %). Distinct companies that look alike occur as they do in life (same
trade name in other cities, trade names one character apart); ~2 % of the records carry a
salesperson's own mobile and 60 are 散客 placeholders.

Planted duplicates (``--dup-share`` of the records, default 10 %) are variants of an existing
company a clerk would type: another legal form (有限公司 / 有限责任公司 / 股份有限公司), the region
dropped, written in full or in brackets, full-width letters and spaces, one character mistyped,
trade words shortened, contacts written differently (+86, spaces) or missing; 5 % are the same
customer under a new name that keep only the credit code or the mobile.

Precision and recall are over pairs of records: a pair counts as found when both records are in
one reported group, and as true when both come from one planted company.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from neiqin.core.china import divisions
from neiqin.core.china.dupes import Customer, find_duplicates
from neiqin.core.china.uscc import ALPHABET, make_uscc, org_code_check_char

TRADE_CHARS = (
    "华中新鑫源达泰恒盛隆兴昌宏远明博瑞祥通嘉丰信和安康宇海天金永长广利益诚德正东方联创汇科威凯旭晨阳光星辰云峰"
    "山川江河湖港龙凤鹏飞腾宝万佳美绿青蓝红亚欧环球力众合弘伟豪杰俊浩志思智慧捷迅精工锐铭鼎泽润澜禾秀雅晶鸿巨高"
    "锦绣辉煌顺发振邦宁平盈富贵祥和乐福寿喜庆春秋松柏竹梅兰菊荣耀卓越领航启航未来世纪时代"
)
TRADE_WORDS = [
    "机电设备",
    "电子科技",
    "贸易",
    "商贸",
    "科技",
    "信息技术",
    "电气",
    "机械制造",
    "五金",
    "建材",
    "化工",
    "食品",
    "医疗器械",
    "包装材料",
    "自动化设备",
    "物流",
    "环保科技",
    "新材料",
    "工程技术",
    "网络科技",
    "电力设备",
    "仪器仪表",
    "汽车配件",
    "纺织",
    "服装",
    "印刷",
    "家具",
    "光电",
    "软件",
    "智能装备",
    "实业",
    "投资",
    "建筑工程",
    "装饰工程",
    "农业发展",
    "生物科技",
    "文化传媒",
    "供应链管理",
    "精密机械",
    "塑胶制品",
    "电线电缆",
    "阀门",
    "水处理设备",
]
LEGAL_FORMS = [
    ("有限公司", 60),
    ("有限责任公司", 14),
    ("股份有限公司", 5),
    ("商行", 5),
    ("经营部", 5),
    ("厂", 6),
    ("工作室", 5),
]
MAIL_DOMAINS = ["163.com", "qq.com", "sina.com", "example.cn"]
EQUIVALENT_FORMS = ("有限公司", "有限责任公司", "股份有限公司")
SHORTER = {"机电设备": "机电", "电子科技": "电子", "信息技术": "信息", "自动化设备": "自动化", "环保科技": "环保"}
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@dataclass
class Company:
    city: divisions.Division
    province: divisions.Division
    district: divisions.Division | None
    trade: str
    words: str
    form: str
    style: str  # how the region is written


def _cities() -> list[tuple[divisions.Division, divisions.Division, list[divisions.Division]]]:
    index = divisions._index()
    out = []
    for city in index.city_like:
        if city.level != 2 and not city.is_municipality:
            continue
        prov = index.by_code[city.province_code]
        prefix = city.code[:2] if city.is_municipality else city.code[:4]
        counties = [d for d in index.counties if d.code.startswith(prefix)]
        out.append((city, prov, counties))
    return out


def _name(c: Company) -> str:
    city_short = divisions.short_forms(c.city.name, c.city.level)
    city_short_name = city_short[0] if city_short else c.city.name
    prov_short = divisions.short_forms(c.province.name, 1)[0]
    body = c.trade + c.words
    if c.style == "city":
        return city_short_name + body + c.form
    if c.style == "city_full":
        return c.city.name + body + c.form
    if c.style == "province":
        return prov_short + body + c.form
    if c.style == "full" and not c.city.is_municipality:
        return c.province.name + c.city.name + body + c.form
    if c.style == "district" and c.district is not None:
        return city_short_name + (divisions.short_forms(c.district.name, 3) or (c.district.name,))[0] + body + c.form
    if c.style == "bracket":
        return body + f"（{city_short_name}）" + c.form
    return city_short_name + body + c.form


def _mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        m = rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        m = "1" + m
        if m not in used:
            used.add(m)
            return m


def _uscc(rng: random.Random, district_code: str) -> str:
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    body = body.replace("I", "1")
    org = body + org_code_check_char(body)
    if org[-1] == "X" or org[-1] not in ALPHABET:
        org = org[:-1] + "0"
    return make_uscc("91" + district_code + org)


def generate(n: int, seed: int = 7, dup_share: float = 0.10) -> tuple[list[Customer], dict[str, int]]:
    """``n`` customer records and the planted truth: record id → company number (shared by duplicates)."""
    rng = random.Random(seed)
    cities = _cities()
    weights = [3 if city.is_municipality or city.name.endswith("市") else 1 for city, _, _ in cities]
    forms, form_weights = zip(*LEGAL_FORMS, strict=True)
    styles = ["city"] * 50 + ["city_full"] * 25 + ["province"] * 8 + ["full"] * 5 + ["district"] * 6 + ["bracket"] * 6
    n_dups = int(n * dup_share)
    n_placeholders = 60
    n_base = n - n_dups - n_placeholders
    used_mobiles: set[str] = set()
    seen: set[tuple[str, str]] = set()
    records: list[Customer] = []
    truth: dict[str, int] = {}
    companies: list[tuple[Company, Customer]] = []
    salespeople = [_mobile(rng, used_mobiles) for _ in range(max(1, n // 5000))]  # ~100 customers each
    while len(companies) < n_base:
        city, prov, counties = rng.choices(cities, weights)[0]
        trade_len = 3 if rng.random() < 0.25 else 2
        trade = "".join(rng.choice(TRADE_CHARS) for _ in range(trade_len))
        words = rng.choice(TRADE_WORDS)
        if (prov.code, trade + words) in seen:
            continue
        seen.add((prov.code, trade + words))
        district = rng.choice(counties) if counties else None
        company = Company(city, prov, district, trade, words, rng.choices(forms, form_weights)[0], rng.choice(styles))
        number = len(companies)
        cid = f"K{number:06d}"
        district_code = district.code if district else city.code
        mobile = None
        r = rng.random()
        if r < 0.02:
            mobile = rng.choice(salespeople)
        elif r < 0.87:
            mobile = _mobile(rng, used_mobiles)
        phone = f"0{rng.randint(10, 999)}-{rng.randint(20000000, 89999999)}" if rng.random() < 0.5 else None
        email = (
            f"{rng.choice('abcdefghjkmnpqrstwxyz')}{rng.randint(100, 99999)}@{rng.choice(MAIL_DOMAINS)}"
            if rng.random() < 0.4
            else None
        )
        road = rng.choice(
            ["人民", "解放", "中山", "建设", "文化", "新华", "和平", "胜利", "长江", "黄河"]
        ) + rng.choice(["路", "大道", "街"])
        address = (
            f"{prov.name if not prov.is_municipality else ''}{city.name}{district.name if district else ''}"
            f"{road}{rng.randint(1, 999)}号"
        )
        customer = Customer(
            cid,
            _name(company),
            uscc=_uscc(rng, district_code) if rng.random() < 0.7 else None,
            mobile=mobile,
            phone=phone,
            email=email,
            address=address,
            province=prov.name if rng.random() < 0.8 else None,
            city=city.name if rng.random() < 0.6 else None,
        )
        companies.append((company, customer))
        records.append(customer)
        truth[cid] = number
    for d in range(n_dups):
        number = rng.randrange(len(companies))
        company, original = companies[number]
        cid = f"D{d:06d}"
        records.append(_variant(rng, cid, company, original))
        truth[cid] = number
    for p in range(n_placeholders):
        cid = f"P{p:03d}"
        records.append(Customer(cid, rng.choice(["散客", "个人客户", "现金客户"])))
        truth[cid] = -1 - p  # every placeholder is its own company
    rng.shuffle(records)
    return records, truth


def _variant(rng: random.Random, cid: str, company: Company, original: Customer) -> Customer:
    c = Company(**company.__dict__)
    changes = rng.sample(["form", "style", "width", "typo", "shorter", "none"], k=rng.choice([1, 1, 2, 2, 3]))
    renamed = rng.random() < 0.05
    if "form" in changes and c.form in EQUIVALENT_FORMS:
        c.form = rng.choice([f for f in EQUIVALENT_FORMS if f != c.form])
    if "style" in changes:
        c.style = rng.choice(["city", "city_full", "province", "full", "bracket"])
    if "typo" in changes:
        text = c.trade + c.words
        i = rng.randrange(len(text))
        text = text[:i] + rng.choice(TRADE_CHARS) + text[i + 1 :]
        c.trade, c.words = text[: len(c.trade)], text[len(c.trade) :]
    if "shorter" in changes and c.words in SHORTER:
        c.words = SHORTER[c.words]
    name = _name(c)
    if "width" in changes:
        name = " ".join(name[:2]) + name[2:] if rng.random() < 0.5 else name.translate(FULL_WIDTH)
    if renamed:
        name = "".join(rng.choice(TRADE_CHARS) for _ in range(2)) + rng.choice(TRADE_WORDS) + "有限公司"
    mobile = original.mobile
    if mobile and rng.random() < 0.3:
        mobile = f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    keep = rng.random()
    return Customer(
        cid,
        name,
        uscc=original.uscc if keep < 0.5 or renamed else None,
        mobile=mobile if keep > 0.2 or renamed else None,
        phone=original.phone if rng.random() < 0.5 else None,
        email=original.email if rng.random() < 0.5 else None,
        address=original.address if rng.random() < 0.7 else None,
        province=original.province,
        city=original.city,
    )


def score(
    records: list[Customer], truth: dict[str, int], groups: list[tuple[str, ...]]
) -> tuple[float, float, int, int]:
    """(precision, recall, true pairs, reported pairs) over record pairs."""
    clusters: dict[int, list[str]] = {}
    for cid, number in truth.items():
        clusters.setdefault(number, []).append(cid)
    true_pairs = sum(len(m) * (len(m) - 1) // 2 for m in clusters.values())
    reported = hit = 0
    for ids in groups:
        reported += len(ids) * (len(ids) - 1) // 2
        counts: dict[int, int] = {}
        for cid in ids:
            counts[truth[cid]] = counts.get(truth[cid], 0) + 1
        hit += sum(k * (k - 1) // 2 for k in counts.values())
    precision = hit / reported if reported else 1.0
    recall = hit / true_pairs if true_pairs else 1.0
    return precision, recall, true_pairs, reported


ARCHIVE_HEADER = ["客户编号", "客户名称", "统一社会信用代码", "手机", "座机", "邮箱", "详细地址", "省", "市"]


def write_archive(records: list[Customer], path: Path) -> Path:
    """The generated archive as 客户档案 in a real .xlsx (written once per size and seed)."""
    from openpyxl import Workbook

    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户档案")
    ws.append(ARCHIVE_HEADER)
    for c in records:
        ws.append([c.id, c.name, c.uscc, c.mobile, c.phone, c.email, c.address, c.province, c.city])
    wb.save(path)
    return path


def run_action(records: list[Customer], runs: int, seed: int) -> None:
    """Time the 查找重复客户 button, headless, on the archive as a workbook (see the module docstring)."""
    import shutil
    import tempfile

    import macros
    from neiqin.engine import open_book

    source = write_archive(records, ROOT / "data" / f"customers-{len(records)}-{seed}.xlsx")
    print(f"archive: {source} ({source.stat().st_size / 1e6:.1f} MB)")
    times, cpu = [], []
    for _ in range(runs):
        divisions._index.cache_clear()
        from neiqin.core.china import names

        names._company_parts.cache_clear()
        names._region_prefix.cache_clear()
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / source.name
            shutil.copyfile(source, work)
            t, c = time.perf_counter(), time.process_time()
            book = open_book(work, engine="headless")
            summary = macros.run("find_duplicate_customers", book)
            book.save()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert summary.outcome == "ok", summary.text()
            print(f"  {times[-1]:.2f} s (CPU {cpu[-1]:.2f} s) — {summary.message}")
    print(f"查找重复客户 (open, read, find, write 重复客户, save): median {statistics.median(times):.2f} s")
    print(f"  CPU time of this process: median {statistics.median(cpu):.2f} s (the machine is shared: wall ≥ CPU)")


ROOT = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=None, help="near-name threshold (default: the library's)")
    parser.add_argument("--dup-share", type=float, default=0.10)
    parser.add_argument("--action", action="store_true", help="time the 查找重复客户 button on a workbook")
    args = parser.parse_args()
    t0 = time.perf_counter()
    records, truth = generate(args.n, args.seed, args.dup_share)
    print(f"generated {len(records):,} records in {time.perf_counter() - t0:.1f} s")
    if args.action:
        run_action(records, args.runs, args.seed)
        return
    kwargs = {} if args.threshold is None else {"near_threshold": args.threshold}
    times = []
    cpu = []
    report = None
    for _ in range(args.runs):
        divisions._index.cache_clear()  # every run pays for loading the division list and building its keys
        from neiqin.core.china import names

        names._company_parts.cache_clear()
        names._region_prefix.cache_clear()
        t, c = time.perf_counter(), time.process_time()
        report = find_duplicates(records, **kwargs)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    assert report is not None
    precision, recall, true_pairs, reported = score(records, truth, [g.ids for g in report.groups])
    strong = [g.ids for g in report.groups if g.strength >= 60]
    p_strong, r_strong, _, _ = score(records, truth, strong)
    print(f"find_duplicates: median {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
    print(f"  CPU time of this process: median {statistics.median(cpu):.2f} s (the machine is shared: wall ≥ CPU)")
    print(
        f"groups {len(report.groups):,}, near-name comparisons {report.candidates_compared:,}, "
        f"too common {len(report.too_common)}"
    )
    print(f"pairs: planted {true_pairs:,}, reported {reported:,}")
    print(f"all groups:            precision {precision:.3f}  recall {recall:.3f}")
    print(f"groups strength >= 60: precision {p_strong:.3f}  recall {r_strong:.3f}")


if __name__ == "__main__":
    main()
