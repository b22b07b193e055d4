"""The ledger kit: every registered ledger gets the generic parts, and the layers hold.

Walks every ledger the package scan registered: it has a template sheet in NeiQin.xlsm, a
validate action on the ribbon and in the CLI, ``--mark`` works on a sample of it, its codes
and settings are documented. Adding a ledger that misses one of these fails here.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
from neiqin.app.build import ribbon_xml, write_ledger_sheets
from neiqin.app.cli import main
from neiqin.core import kit
from neiqin.core.config import Settings
from neiqin.core.issues import CODES, OWNERS
from neiqin.core.schema import ColumnSpec

from .expense_factory import make_expense_form
from .quote_factory import make_quote

ROOT = Path(__file__).resolve().parent.parent
LEDGERS = [spec.name for spec in kit.ledgers()]


def sample_value(spec: ColumnSpec, n: int, settings: Settings) -> Any:
    """A plausible value for a column (the first choice of a closed list, a date, a number)."""
    if spec.choices:
        return settings.choices(spec.choices)[0]
    if spec.kind == "date":
        return dt.datetime(2026, 11, 3 + n)
    if spec.kind == "number":
        return 10.0 + n
    return f"样例{spec.header}{n}"


def sample_rows(name: str) -> list[dict[str, Any]]:
    spec = kit.ledger(name)
    settings = Settings()
    return [{c.field: sample_value(c, n, settings) for c in spec.columns()} for n in (1, 2)]


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook laid out as NeiQin.xlsm with two sample lines in every table ledger and one filled form."""
    data: dict[str, Any] = {name: sample_rows(name) for name in LEDGERS if kit.ledger(name).form is None}
    data["expenses"] = [make_expense_form()]
    data["quotations"] = [make_quote()]
    wb = openpyxl.Workbook()
    write_ledger_sheets(wb, macros.actions(), data=data)
    path = tmp_path_factory.mktemp("kit") / "sample.xlsx"
    wb.save(path)
    return path


def test_the_package_scan_found_the_ledgers() -> None:
    assert {"orders", "customers", "products", "archive", "changes", "expenses", "claims"} <= set(LEDGERS)
    for spec in kit.ledgers():
        assert spec.group is not None, spec.name
        for companion in spec.companions:
            assert companion in LEDGERS


@pytest.mark.parametrize("name", LEDGERS)
def test_every_ledger_has_a_template_sheet(name: str, sample_book: Path) -> None:
    spec = kit.ledger(name)
    sheets = openpyxl.load_workbook(ROOT / "workbook" / "NeiQin.xlsm").sheetnames
    assert spec.template is not None
    assert (spec.sheet if spec.form is None else spec.sheet_prefix) in sheets


@pytest.mark.parametrize("name", LEDGERS)
def test_every_ledger_has_a_validate_button(name: str) -> None:
    spec = kit.ledger(name)
    action = macros.get(spec.validate_action)
    assert action.group == spec.group.label
    assert f'id="{spec.validate_action}"' in ribbon_xml(macros.actions())


@pytest.mark.parametrize("name", LEDGERS)
def test_validate_mark_works_on_a_sample(name: str, sample_book: Path, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(sample_book.read_bytes())
    code = main(["validate", str(path), "--ledger", name, "--mark", "--today", "2026-11-26"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err  # issues or none, but never unusable input or a bug
    assert "已标记并保存" in out.out
    assert "校验结果" in openpyxl.load_workbook(path).sheetnames


@pytest.mark.parametrize("name", LEDGERS)
def test_every_ledgers_codes_and_settings_are_documented(name: str) -> None:
    spec = kit.ledger(name)
    codes_doc = (ROOT / "docs" / "issue-codes.md").read_text(encoding="utf-8")
    for code in (c for c in CODES if OWNERS[c] == spec.title):
        assert f"`{code}`" in codes_doc
    ledgers_doc = (ROOT / "docs" / "ledgers.md").read_text(encoding="utf-8")
    assert f"（`{spec.name}`）" in ledgers_doc
    settings_doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    if spec.settings is not None:
        for field_name, info in spec.settings.model_fields.items():
            assert f"`{field_name}`" in settings_doc and (info.alias or field_name) in settings_doc


def test_the_cli_accepts_every_ledger(capsys: Any) -> None:
    assert main(["validate", "nothing.xlsx", "--ledger", "nope"]) == 2
    err = capsys.readouterr().err
    for name in LEDGERS:
        assert name in err


# --------------------------------------------------------------------------- the layers


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("layer", ["base", "engine", "core"])
def test_the_core_never_imports_a_plug_in(layer: str) -> None:
    """The same rule lint-imports enforces in CI, kept here so a local test run sees it too."""
    above = {"base": ("neiqin.engine", "neiqin.core", "neiqin.app"), "engine": ("neiqin.core", "neiqin.app")}
    forbidden = ("validators", "macros", "xlwings_udfs", "neiqin.app", *above.get(layer, ()))
    for path in (ROOT / "neiqin" / layer).rglob("*.py"):
        bad = {m for m in _imports(path) if m.startswith(forbidden)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_validators_never_import_macros_or_the_app() -> None:
    for path in (ROOT / "validators").rglob("*.py"):
        bad = {m for m in _imports(path) if m.startswith(("macros", "xlwings_udfs", "neiqin.app", "xlwings"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


LONG = 80


def _long_functions() -> list[tuple[str, int, bool]]:
    out = []
    for folder in ("macros", "validators"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8").splitlines()
            for node in ast.walk(ast.parse("\n".join(source))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > LONG:
                        body = "\n".join(source[node.lineno : node.end_lineno])
                        out.append((f"{path.relative_to(ROOT)}::{node.name}", length, "# Long because" in body))
    return out


def test_long_functions_say_why() -> None:
    """A function over 80 lines carries a ``# Long because …`` comment (or is split)."""
    unexplained = [(name, n) for name, n, why in _long_functions() if not why]
    assert not unexplained, f"functions over {LONG} lines without a comment saying why: {unexplained}"


def test_business_code_never_touches_engine_internals() -> None:
    """Only neiqin.engine knows the headless engine's objects; the rest uses the public engine API."""
    pattern = re.compile(r"\.impl\b|\b_merged_areas\b|\.save_warnings\b|\.save_backup\b|engine\.headless\b")
    for folder in ("neiqin/core", "neiqin/app", "macros", "validators", "xlwings_udfs"):
        for path in (ROOT / folder).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                assert not pattern.search(code), f"{path.relative_to(ROOT)}:{n}: {line.strip()}"


# Libraries only some checks or actions need. Discovery imports every ledger package, so a package
# that imports one of these at the top makes every command of every clerk start slower.
HEAVY = (
    "alembic",
    "email_validator",
    "icalendar",
    "lunar_python",
    "openpyxl",
    "phonenumbers",
    "pypdfium2",
    "rapidfuzz",
    "reportlab",
    "sqlalchemy",
    "stdnum",
    "zxingcpp",
)


def test_discovering_the_ledgers_imports_no_heavy_library() -> None:
    import subprocess
    import sys

    code = "import sys, validators; print(' '.join(sorted(m for m in sys.argv[1:] if m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code, *HEAVY], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [], "import these inside the functions that need them"
