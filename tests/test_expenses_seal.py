"""Sealed 费用报销单 for finance: seal, verify, tampering, company key, LibreOffice re-save, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import macros
from neiqin.app.cli import main
from neiqin.core import kit, seal
from neiqin.core.forms import read_form
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.expenses import RULES_VERSION

from .conftest import libreoffice_convert, needs_libreoffice
from .expense_factory import D, expense_workbook, make_expense_form

WHEN = dt.datetime(2026, 11, 26, 17, 30)


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEIQIN_SEAL_KEY", raising=False)
    monkeypatch.delenv("NEIQIN_SEAL_KEY_FILE", raising=False)


def prereview(path: Path) -> None:
    book = open_book(path, engine="headless")
    macros.run("prereview_expense", book, today=dt.date(2026, 11, 26), user="李娜")
    book.save()


def sealed(tmp_path: Path, key: bytes | None = None, **overrides: object) -> Path:
    source = expense_workbook(tmp_path / "source.xlsx", [make_expense_form(status="初审通过", **overrides)])
    book = open_book(source)
    form = read_form(book, kit.ledger("expenses"), "费用报销单")
    target = tmp_path / "sealed" / seal.sealed_name(form.claim_id or "")
    seal.seal_form(
        book, form, target, clerk="李娜", when=WHEN, warnings=["L9：示例警告"], key=key, rules_version=RULES_VERSION
    )
    return target


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        (None, None),
        ("  报销人 ", "报销人"),
        ("", None),
        (1409.5, "1409.5"),
        (1409.50000000001, "1409.5"),
        (0.1 + 0.2, "0.3"),
        (3, "3"),
        (3.0, "3"),
        (-0.0, "0"),
        (Decimal("12.300"), "12.3"),
        (1e20, "100000000000000000000"),
        (D(2026, 11, 3), "2026-11-03"),
        (dt.date(2026, 11, 3), "2026-11-03"),
        (dt.datetime(2026, 11, 3, 9, 30, 0, 999_999), "2026-11-03 09:30:01"),
        (True, "TRUE"),
        ("e\u0301", "\u00e9"),  # NFC
        ("26312000000012345678", "26312000000012345678"),
    ],
)
def test_canonical_values(value: object, canonical: str | None) -> None:
    assert seal.canonical_value(value) == canonical


def test_a_sealed_copy_verifies_and_holds_the_record(tmp_path: Path) -> None:
    path = sealed(tmp_path)
    assert path.name == "报销单_BX2611001.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["费用报销单", "校验记录"]
    form = wb["费用报销单"]
    assert form["B4"].value == "BX2611001" and form["H9"].value == "26312000000012345678"
    assert form["L8"].number_format == "¥#,##0.00" and form["B8"].number_format == "yyyy-mm-dd"
    record = {row[0]: row[1] for row in wb["校验记录"].iter_rows(values_only=True) if row[0]}
    assert (
        record["报销单号"] == "BX2611001" and record["内勤"] == "李娜" and record["封存时间"] == "2026-11-26 17:30:00"
    )
    assert record["规则版本"].startswith("费用报销规则") and len(record["摘要(SHA-256)"]) == 64
    assert record["公司密钥签名(HMAC-SHA256)"] == seal.NO_KEY
    result = seal.verify_file(path)
    assert (result.status, result.claim_id, result.clerk, result.changes) == ("有效", "BX2611001", "李娜", [])


def test_tampering_with_any_cell_of_the_form_is_detected(tmp_path: Path) -> None:
    path = sealed(tmp_path)
    wb = openpyxl.load_workbook(path)
    cells = [(c.coordinate, c.value) for row in wb["费用报销单"].iter_rows() for c in row if c.value is not None]
    assert len(cells) > 80
    work = tmp_path / "work.xlsx"
    for address, value in cells:
        shutil.copyfile(path, work)
        wb = openpyxl.load_workbook(work)
        ws = wb["费用报销单"]
        if isinstance(value, (int, float)):
            ws[address] = value + 1
        elif isinstance(value, dt.datetime):
            ws[address] = value + dt.timedelta(days=1)
        else:
            ws[address] = str(value) + "改"
        wb.save(work)
        result = seal.verify_file(work)
        assert result.status == "已被修改", address
        assert [c.cell for c in result.changes] == [address]
        assert result.changes[0].old == seal.canonical_value(value)


def test_added_and_cleared_cells_are_detected(tmp_path: Path) -> None:
    path = sealed(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["费用报销单"]
    ws["M30"] = "补一张"
    ws["L8"] = None
    wb.save(path)
    result = seal.verify_file(path)
    assert result.status == "已被修改"
    assert [(c.cell, c.old, c.new) for c in result.changes] == [("L8", "900", None), ("M30", None, "补一张")]


def test_a_changed_record_is_detected(tmp_path: Path) -> None:
    path = sealed(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["校验记录"]
    for row in ws.iter_rows():
        if row[0].value == "内勤":
            row[1].value = "张三"
    wb.save(path)
    result = seal.verify_file(path)
    assert result.status == "已被修改" and any("校验记录" in n for n in result.notes)


def test_a_file_without_record(tmp_path: Path) -> None:
    path = expense_workbook(tmp_path / "plain.xlsx", [make_expense_form()])
    assert seal.verify_file(path).status == "无校验记录"


def test_company_key_signs_and_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = sealed(tmp_path, key=b"company-secret")
    assert seal.verify_file(path, b"company-secret").valid
    assert seal.verify_file(path, b"company-secret").signed
    assert seal.verify_file(path, b"another-key").status == "签名无效"
    unsigned = sealed(tmp_path / "u")
    assert seal.verify_file(unsigned, b"company-secret").status == "签名无效"
    no_key_here = seal.verify_file(path, None)
    # a signature nobody checked is not 有效
    assert not no_key_here.valid and no_key_here.status == "签名未核对"
    assert not no_key_here.signature_checked and any("签名未核对（本机未配置公司密钥）" in n for n in no_key_here.notes)
    assert seal.verify_file(path, b"company-secret").signature_checked


def test_the_key_comes_from_the_environment_or_the_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert seal.seal_key() is None
    monkeypatch.setenv("NEIQIN_SEAL_KEY", "s3cret")
    assert seal.seal_key() == b"s3cret"
    monkeypatch.delenv("NEIQIN_SEAL_KEY")
    key_file = tmp_path / "key.txt"
    key_file.write_text("from-file\n")
    config = tmp_path / "config.toml"
    config.write_text(f"seal_key_file = '{key_file}'\n")
    monkeypatch.setenv("NEIQIN_CONFIG", str(config))
    assert seal.seal_key() == b"from-file"
    key_file.unlink()
    with pytest.raises(seal.SealError, match="无法读取"):
        seal.seal_key()


@pytest.mark.libreoffice
@needs_libreoffice
def test_a_libreoffice_resave_stays_valid(tmp_path: Path) -> None:
    path = sealed(tmp_path, key=b"company-secret", lines=None)  # the template's 12 blank lines too
    resaved = libreoffice_convert(path, "xlsx", tmp_path / "lo")
    assert resaved.is_file() and resaved.read_bytes() != path.read_bytes()
    assert seal.verify_file(resaved, b"company-secret").valid


@pytest.mark.libreoffice
@needs_libreoffice
def test_a_libreoffice_resave_of_a_full_form_stays_valid(tmp_path: Path) -> None:
    path = sealed(tmp_path)
    result = seal.verify_file(libreoffice_convert(path, "xlsx", tmp_path / "lo"))
    assert result.valid, [c.text() for c in result.changes] + result.notes


# --------------------------------------------------------------------------- the CLI


def test_cli_seal_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = expense_workbook(
        tmp_path / "claims.xlsx",
        [make_expense_form(), make_expense_form(sheet="费用报销单(2)", claim_id="BX2611002", attachments=1)],
    )
    out = tmp_path / "finance"
    # the CLI seals only what 费用初审 passed
    assert main(["seal", str(source), "--out", str(out), "--today", "2026-11-26"]) == 1
    assert "没有费用初审的登记" in capsys.readouterr().out and not out.exists()
    prereview(source)
    assert main(["seal", str(source), "--out", str(out), "--today", "2026-11-26"]) == 1  # the second has an error
    text = capsys.readouterr().out
    assert "已封存" in text and [p.name for p in out.iterdir()] == ["报销单_BX2611001.xlsx"]
    assert open_store().claim("BX2611001")["stage"] == "已交财务" and len(open_store().seals("BX2611001")) == 1
    assert main(["verify", str(out)]) == 0
    assert "有效" in capsys.readouterr().out
    # finance gets a tampered copy and a plain workbook
    wb = openpyxl.load_workbook(out / "报销单_BX2611001.xlsx")
    wb["费用报销单"]["L9"] = 4500.0
    wb.save(out / "报销单_BX2611001.xlsx")
    shutil.copyfile(source, out / "other.xlsx")
    assert main(["verify", str(out), "--json"]) == 1
    report = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)}
    assert report["报销单_BX2611001.xlsx"]["status"] == "已被修改"
    assert report["报销单_BX2611001.xlsx"]["changes"] == [{"cell": "L9", "what": "value", "old": "450", "new": "4500"}]
    # the clerk's own workbook in the folder is no claim: listed as skipped, not counted
    assert report["other.xlsx"]["status"] == "无校验记录" and report["other.xlsx"]["skipped"]
    assert main(["verify", str(tmp_path / "missing.xlsx")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["verify", str(tmp_path / "empty")]) == 2
    (tmp_path / "junk.xlsx").write_text("not a workbook")
    assert main(["verify", str(tmp_path / "junk.xlsx")]) == 2
