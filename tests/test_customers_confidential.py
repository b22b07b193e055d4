"""Confidentiality (制度四.2): nothing the demo writes — sheets, copies, the store, the log — shows a
customer's mobile, e-mail or full credit code, except the unmasked archive (客户档案) itself."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from neiqin.app.cli import main
from neiqin.app.demo import FILE_NAME
from neiqin.core.marks import REGISTRY_SHEET

from .conftest import ledger_rows

# The archive itself, and the hidden sheet where the workbook keeps how its own marked cells looked
# before NeiQin marked them (to restore them on the next check): part of the archive, not an output.
# the archive itself, the marks registry, and 订单录入 (the customer's own message as the clerk pasted it:
# input kept as received, like the archive — NeiQin writes no contact data there)
OWN_SHEETS = ("客户档案", REGISTRY_SHEET, "订单录入")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("confidential")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NEIQIN_LOG", str(out / "neiqin.log"))
        assert main(["demo", "--out", str(out), "--seed", "11"]) == 0
        yield out


def _texts_of_workbook(path: Path, skip: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield f"{path.name}!{ws.title}!{cell.coordinate}", str(cell.value)
                if cell.comment is not None:
                    yield f"{path.name}!{ws.title}!{cell.coordinate} (批注)", cell.comment.text


def _texts_of_database(path: Path) -> Iterator[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                yield f"{path.name}:{table}", " ".join(str(v) for v in row if v is not None)
    finally:
        con.close()


def everything_written(out: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(out.rglob("*")):
        if path.suffix in (".xlsx", ".xlsm"):
            yield from _texts_of_workbook(path, OWN_SHEETS if path.name == FILE_NAME else ())
        elif path.suffix == ".db":
            yield from _texts_of_database(path)
        elif path.is_file() and path.suffix in (".log", ".txt", ".json", ".csv", ".md"):
            yield path.name, path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
def test_no_output_of_the_demo_shows_a_customers_contact_data(demo_run: Path) -> None:
    customers = ledger_rows(demo_run / FILE_NAME, "customers")
    secrets: set[str] = set()
    for c in customers:
        for name in ("mobile", "phone", "email", "uscc"):
            value = c.get(name)
            if value:
                text = str(value).strip()
                secrets.add(re.sub(r"[\s\-]", "", text) if name != "email" else text.casefold())
    assert len(secrets) > 60  # mobiles, e-mails and credit codes of some thirty customers
    scanned = list(everything_written(demo_run))
    assert any(where.endswith(":action_log") for where, _ in scanned)  # every action's message, in the store
    # the log file (warnings and bugs only; absent when nothing went wrong) is scanned when it is there
    assert any("重复客户" in where for where, _ in scanned) and any("脱敏" in where for where, _ in scanned)
    leaks = []
    for where, text in scanned:
        folded = text.casefold()
        compact = re.sub(r"[\s\-]", "", folded)
        leaks += [(where, s) for s in secrets if s.casefold() in folded or s.casefold() in compact]
    assert leaks == []
