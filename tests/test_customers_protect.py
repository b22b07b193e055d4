"""保护客户档案: the protection in the saved file, NeiQin's own writes around it, refusals on a wrong password."""

from __future__ import annotations

import base64
import hashlib
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.protection import hash_password

from neiqin.core.config import Settings
from neiqin.core.store import open_store
from neiqin.engine.protection import password_opens
from validators.customers import store as tables

from .conftest import ledger_rows, libreoffice_convert, needs_libreoffice, run_action
from .customer_history import history_workbook

PASSWORD = "nq-2026"


def _settings(password: str | None) -> Settings:
    settings = Settings()
    settings.protect_password = password
    return settings


def _protection(path: Path) -> Any:
    return openpyxl.load_workbook(path)["客户档案"].protection


def _sheet_xml_protections(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        texts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    return [t[t.index("<sheetProtection") :].split(">", 1)[0] for t in texts if "<sheetProtection" in t]


@pytest.fixture
def protected(tmp_path: Path) -> Path:
    path = history_workbook(tmp_path / "台账.xlsx")
    summary = run_action(path, "protect_customers", settings=_settings(PASSWORD))
    assert summary.outcome == "ok", summary.text()
    return path


def test_protection_is_in_the_saved_file_with_excels_hash(protected: Path) -> None:
    p = _protection(protected)
    assert p.sheet is True and p.password == hash_password(PASSWORD)
    xml = _sheet_xml_protections(protected)
    assert len(xml) == 1 and f'password="{hash_password(PASSWORD)}"' in xml[0] and 'sheet="1"' in xml[0]
    with zipfile.ZipFile(protected) as z:  # only its hash is kept
        assert not [n for n in z.namelist() if PASSWORD.encode() in z.read(n)]


@needs_libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_protection(protected: Path, tmp_path: Path) -> None:
    out = tmp_path / "lo"
    out.mkdir()
    converted = libreoffice_convert(protected, "xlsx", out)
    p = _protection(converted)
    assert p.sheet is True and str(p.password).upper() == hash_password(PASSWORD).upper()


def test_classify_opens_and_protects_again_around_its_writes(protected: Path) -> None:
    summary = run_action(protected, "classify_customers", settings=_settings(PASSWORD))
    assert summary.outcome == "ok", summary.text()
    rows = {r["customer_id"]: r for r in ledger_rows(protected, "customers")}
    assert rows["C1"]["grade"] == "A" and rows["C3"]["status"] == "休眠"
    p = _protection(protected)
    assert p.sheet is True and p.password == hash_password(PASSWORD)


@pytest.mark.parametrize("password", [None, "wrong"])
def test_a_wrong_password_changes_nothing(protected: Path, password: str | None) -> None:
    before = ledger_rows(protected, "customers")
    summary = run_action(protected, "classify_customers", settings=_settings(password), check=False)
    assert summary.outcome == "failed"
    assert summary.message == (
        "『客户档案』受保护，『设置』中的「客户档案保护密码」打不开它（没有填写或密码不对）；NeiQin 没有做任何修改。"
        "请在「客户档案保护密码」填写保护这张表时用的密码后重试"
    )
    assert ledger_rows(protected, "customers") == before
    assert _protection(protected).password == hash_password(PASSWORD)


def test_merge_with_a_wrong_password_keeps_nothing_in_the_store(protected: Path, isolated: Path) -> None:
    settings = _settings(PASSWORD)
    run_action(protected, "find_duplicate_customers", settings=settings)
    summary = run_action(protected, "merge_customers", settings=_settings("wrong"), check=False)
    assert summary.outcome == "failed" and "打不开它" in summary.message
    assert open_store(settings.db).read(tables.open_merges) == []


def test_validate_marks_a_protected_archive_and_protects_it_again(protected: Path) -> None:
    wb = openpyxl.load_workbook(protected)  # a clerk's typo in a protected archive (typed before it was protected)
    ws = wb["客户档案"]
    header = next(r for r in range(1, 10) if any(c.value == "手机" for c in ws[r]))
    col = next(c.column for c in ws[header] if c.value == "手机")
    ws.cell(header + 1, col).value = "1380013800"  # ten digits
    wb.save(protected)
    summary = run_action(protected, "validate_customers", settings=_settings(PASSWORD))
    assert summary.outcome == "ok"  # a wrong phone is a warning (CUS-001): found and marked, not an error
    assert [(i.code, i.row, i.column, i.severity) for i in summary.issues] == [
        ("CUS-001", header + 1, "手机", "warning")
    ]
    ws = openpyxl.load_workbook(protected)["客户档案"]
    assert "【NeiQin 校验】" in ws.cell(header + 1, col).comment.text  # marked through the protection
    assert _protection(protected).sheet is True


def test_unprotect_and_protect_again(protected: Path) -> None:
    refused = run_action(protected, "unprotect_customers", settings=_settings("wrong"), check=False)
    assert refused.outcome == "failed" and "打不开它" in refused.message
    assert _protection(protected).sheet is True
    done = run_action(protected, "unprotect_customers", settings=_settings(PASSWORD))
    assert done.message == "已撤消『客户档案』的保护；整理完请再点『保护客户档案』。"
    assert not _protection(protected).sheet and _sheet_xml_protections(protected) == []
    again = run_action(protected, "unprotect_customers", settings=_settings(PASSWORD))
    assert again.message == "『客户档案』没有受保护。"


def test_protect_without_a_password_warns(tmp_path: Path) -> None:
    path = history_workbook(tmp_path / "台账.xlsx")
    summary = run_action(path, "protect_customers", settings=_settings(None))
    assert summary.outcome == "issues" and "没有填写「客户档案保护密码」" in summary.details[0]
    assert _protection(path).sheet is True and not _protection(path).password
    assert run_action(path, "classify_customers", settings=_settings(None)).outcome == "ok"  # no password: opens


def _sha512(password: str, salt: bytes, spins: int) -> str:
    digest = hashlib.sha512(salt + password.encode("utf-16-le")).digest()
    for i in range(spins):
        digest = hashlib.sha512(digest + struct.pack("<I", i)).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    ("stored", "password", "opens"),
    [
        ({}, None, True),  # protected without a password
        ({"password": "nq"}, "nq", True),
        ({"password": "nq"}, "NQ", False),
        ({"password": "nq"}, None, False),
        ({"sha512": "nq"}, "nq", True),  # as Excel 2013+ stores it
        ({"sha512": "nq"}, "nq ", False),
        ({"sha512": "nq"}, None, False),
    ],
)
def test_password_opens(stored: dict[str, str], password: str | None, opens: bool) -> None:
    ws = openpyxl.Workbook().active
    if "password" in stored:
        ws.protection.password = stored["password"]
    if "sha512" in stored:
        salt = b"0123456789abcdef"
        ws.protection.algorithmName = "SHA-512"
        ws.protection.saltValue = base64.b64encode(salt).decode()
        ws.protection.spinCount = 1000
        ws.protection.hashValue = _sha512(stored["sha512"], salt, 1000)
    ws.protection.sheet = True
    assert password_opens(ws, password) is opens
