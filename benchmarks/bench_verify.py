"""Benchmark: `neiqin verify DIR --summary FILE.xlsx` over 1,000 sealed 费用报销单.

    python benchmarks/bench_verify.py [--files 1000] [--runs 3]

Generates (once, under benchmarks/data/sealed_<files>/) that many sealed copies, each a different
claim (报销单号, 报销人, amounts) sealed by ``neiqin.core.seal.seal_form`` from the demo's clean form,
every tenth one tampered with after sealing (a value, a number format, white text), and a few
workbooks that are no sealed claims (skipped). Then times, as a fresh process, verifying the folder
and writing the summary workbook (every core: a process pool).

Target (issue 19): ≤ 60 s on this project's 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
END = dt.date(2026, 11, 26)
BATCH = 50  # forms per source workbook


def generate(folder: Path, files: int) -> None:
    import openpyxl
    from openpyxl.styles import Font

    from neiqin.app import demo_expenses
    from neiqin.app.build import write_ledger_sheets
    from neiqin.app.plugins import load_macros
    from neiqin.base.addin import ensure_import_path
    from neiqin.core import kit, seal
    from neiqin.core.forms import read_forms
    from neiqin.engine import open_book

    ensure_import_path()
    macros = load_macros()
    clean = demo_expenses.expense_forms(END)[0]
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="neiqin-seal-"))
    names = ["王磊", "陈静", "刘洋", "黄志强", "林晓", "周敏", "杨帆", "赵刚"]
    for start in range(0, files, BATCH):
        if all((folder / seal.sealed_name(f"BX26{n:05d}")).exists() for n in range(start, min(files, start + BATCH))):
            continue  # sealed by an earlier, interrupted generation
        forms = []
        for n in range(start, min(files, start + BATCH)):
            lines = [dict(line) for line in clean["lines"]]
            lines[0]["note"] = f"{lines[0].get('note') or ''} 第 {n} 张"
            forms.append(
                {**clean, "sheet": "费用报销单" if n == start else f"费用报销单({n - start + 1})",
                 "claim_id": f"BX26{n:05d}", "claimant": names[n % len(names)], "lines": lines}
            )  # fmt: skip
        wb = openpyxl.Workbook()
        write_ledger_sheets(wb, macros.actions(), data={"expenses": forms})
        source = work / f"batch{start}.xlsx"
        wb.save(source)
        book = open_book(source, engine="headless")
        for form in read_forms(book, kit.ledger("expenses")):
            target = folder / seal.sealed_name(str(form.claim_id))
            seal.seal_form(book, form, target, clerk="李娜", when=dt.datetime(2026, 11, 26, 17, 30))
        book.close()
        print(f"  sealed {min(files, start + BATCH):,} / {files:,}", flush=True)
    for n, path in enumerate(sorted(folder.glob("报销单_*.xlsx"))):
        if n % 10 == 5:  # a tenth of the folder tampered with after sealing
            wb = openpyxl.load_workbook(path)
            ws = wb.worksheets[0]  # the form (named after the sheet it was sealed from)
            if n % 30 == 5:
                ws["L9"] = 4500
            elif n % 30 == 15:
                ws["L8"].number_format = "0%"
            else:
                ws["L8"].font = Font(color="FFFFFFFF")
            wb.save(path)
    ledger = openpyxl.Workbook()  # a clerk's workbook with an unsealed form: not a sealed claim, skipped
    write_ledger_sheets(ledger, macros.actions(), data={"expenses": [clean]})
    ledger.save(folder / "内勤的报销台账.xlsx")
    (folder / "README.txt").write_text("1,000 sealed claims for bench_verify.py\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = HERE / "data" / f"sealed_{args.files}"
    if not (folder / "README.txt").exists():  # written when the folder is complete
        print(f"generating {folder} …", flush=True)
        started = time.perf_counter()
        generate(folder, args.files)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="neiqin-bench-"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(NEIQIN_DB=str(tmp / "bench.db"), NEIQIN_LOG=str(tmp / "bench.log"), NEIQIN_CONFIG=str(tmp / "c.toml"))
    env.pop("NEIQIN_SEAL_KEY", None)
    times = []
    for run in range(args.runs):
        summary = tmp / f"核对结果{run}.xlsx"
        cmd = [sys.executable, "-m", "neiqin", "verify", str(folder), "--summary", str(summary)]
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr, flush=True)
    print(f"{args.files:,} sealed forms ({os.cpu_count()} cores)")
    print(f"neiqin verify DIR --summary: median {statistics.median(times):.1f} s, runs "
          + ", ".join(f"{t:.1f}" for t in times) + " (target ≤ 60 s)")  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
