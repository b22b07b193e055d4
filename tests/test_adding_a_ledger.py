"""docs/adding-a-ledger.md is true: its worked example, copied into a package, is a working ledger.

The example's three files are taken from the page, put in a folder of their own and added to
the ``validators`` package path in a separate process (the registry of this test run stays as it
is); there the new ledger must be discovered, get its 校验 button, its template sheet, its docs,
and ``neiqin validate --mark`` must find its rule's problem at the right Excel row.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "adding-a-ledger.md"


def example_files() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for name, body in re.findall(r"`validators/samples/([\w.]+)`[^\n]*\n\n```\w+\n(.*?)```", text, re.S):
        found[name] = body
    return found


def test_the_example_has_its_three_files() -> None:
    assert set(example_files()) == {"codes.py", "__init__.py", "sheet.toml"}


SCRIPT = textwrap.dedent(
    """
    import datetime as dt, sys
    from pathlib import Path

    import openpyxl
    import validators
    validators.__path__.append(sys.argv[1])
    validators._discover()
    import macros
    from neiqin.app.build import write_ledger_sheets
    from neiqin.app.cli import main
    from neiqin.app.docs import documents
    from neiqin.core import kit

    spec = kit.ledger("samples")
    assert macros.get("validate_samples").group == "订单"
    docs = documents()
    assert "（`samples`）" in docs["ledgers.md"] and "`SMP-001`" in docs["issue-codes.md"]
    wb = openpyxl.Workbook()
    rows = [
        {"sample_id": "YP001", "customer": "上海华东贸易有限公司", "product_code": "MT-2200", "quantity": 1,
         "lent_on": dt.datetime(2026, 10, 1), "due_on": dt.datetime(2026, 10, 31)},
        {"sample_id": "YP002", "customer": "上海华东贸易有限公司", "product_code": "MT-2200", "quantity": 2,
         "lent_on": dt.datetime(2026, 10, 1), "due_on": dt.datetime(2026, 10, 31),
         "returned_on": dt.datetime(2026, 10, 20)},
    ]
    write_ledger_sheets(wb, macros.actions(), data={"samples": rows})
    assert "样品登记" in wb.sheetnames
    path = Path(sys.argv[2])
    wb.save(path)
    code = main(["validate", str(path), "--ledger", "samples", "--mark", "--json", "--today", "2026-11-26"])
    sys.exit(code)
    """
)


def test_the_worked_example_is_a_working_ledger(tmp_path: Path) -> None:
    package = tmp_path / "extra" / "samples"
    package.mkdir(parents=True)
    for name, body in example_files().items():
        (package / name).write_text(body, encoding="utf-8")
    script = tmp_path / "run.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "extra"), str(tmp_path / "s.xlsx")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr  # warnings only: exit 0
    assert '"code": "SMP-001"' in result.stdout and "YP001" in result.stdout and "YP002" not in result.stdout
