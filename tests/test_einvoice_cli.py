"""``neiqin invoices read FILE|DIR [--json]``: exit codes, the JSON list, the JSON error object, the help."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from neiqin.app.cli import main
from tests import invoice_fixtures as F

INV = F.make_invoice()
LEGACY = F.legacy()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a.xml").write_bytes(F.einvoice_xml(INV))
    (tmp_path / "a.pdf").write_bytes(F.invoice_pdf(INV))
    (tmp_path / "legacy.ofd").write_bytes(F.ofd_package(LEGACY, embed="legacy"))
    return tmp_path


def test_exit_0_when_every_file_is_read_without_problem(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoices", "read", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "发票 25312000000123456789  电子发票（普通发票）  2025-03-07  价税合计 2,173.00" in out
    assert "查验：发票号码：25312000000123456789  开票日期：20250307  价税合计：2173.00" in out
    assert "查验：发票代码：033002300111  发票号码：01234567  开票日期：20230815  校验码后6位：567890" in out
    assert out.rstrip().endswith("共 3 个文件：2 张发票，未发现问题。")


def test_exit_1_when_a_file_cannot_be_read(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "b.xml").write_bytes(F.xxe())
    assert main(["invoices", "read", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "无法读取：" in out and "b.xml：XML 含有 DTD 或实体声明" in out


def test_exit_1_when_an_invoice_has_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.xml"
    path.write_bytes(F.einvoice_xml(F.make_invoice(gross_override=Decimal("9.99"))))
    assert main(["invoices", "read", str(path), "--json"]) == 1
    (invoice,) = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in invoice["problems"]] == ["total_mismatch"]


def test_json_is_a_list_of_invoices_with_their_sources(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoices", "read", str(folder), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [(d["number"], d["kind_label"], d["gross"]) for d in document] == [
        ("25312000000123456789", "电子发票(数电)", "2173.00"),
        ("01234567", "增值税普通发票", "2173.00"),
    ]
    assert sorted(Path(s["path"]).name for s in document[0]["sources"]) == ["a.pdf", "a.xml"]
    assert document[1]["verification"] == {
        "kind_title": "增值税电子普通发票",
        "code": "033002300111",
        "number": "01234567",
        "date": "20230815",
        "amount_label": None,
        "amount": None,
        "check_code_last6": "567890",
        "missing": [],
    }


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        (lambda p: p / "missing", "not_found", "找不到"),
        (lambda p: p, "no_files", "中没有文件"),
    ],
    ids=["missing", "empty-folder"],
)
def test_exit_2_with_a_json_error_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: Callable[[Path], Path], code: str, message: str
) -> None:
    target = setup(tmp_path)
    assert main(["invoices", "read", str(target), "--json"]) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["error"]["code"] == code and message in document["error"]["message"]
    assert document["error"]["file"] == str(target)
    assert message in captured.err
    assert main(["invoices", "read", str(target)]) == 2
    assert capsys.readouterr().out == ""


def test_bilingual_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "neiqin", "invoices", "read", "--help"], capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode == 0
    assert "用法 / usage: neiqin invoices read" in done.stdout
    assert "退出码 / exit codes" in done.stdout and "--json" in done.stdout
    top = subprocess.run([sys.executable, "-m", "neiqin", "--help"], capture_output=True, text=True, encoding="utf-8")
    assert "invoices" in top.stdout and "发票文件 / invoice files" in top.stdout


def test_the_console_script_end_to_end(folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "neiqin", "invoices", "read", str(folder / "a.pdf"), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    (invoice,) = json.loads(done.stdout)
    assert invoice["number"] == INV.number and invoice["sources"][0]["format"] == "PDF（文字 + 二维码）"
