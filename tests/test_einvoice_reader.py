"""Reading files and folders: kinds told by content, one record per file, the files of one invoice grouped."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from decimal import Decimal
from pathlib import Path

import pytest

from neiqin.core import einvoice
from neiqin.core.einvoice import Source, reader
from tests import invoice_fixtures as F

INV = F.make_invoice()
LEGACY = F.legacy()


@pytest.mark.parametrize(
    ("data", "source"),
    [
        (F.einvoice_xml(INV), Source.XML),
        (b"\xef\xbb\xbf" + F.einvoice_xml(INV), Source.XML),
        (b"\n  " + F.chinese_xml(INV), Source.XML),
        (F.ofd_package(INV), Source.OFD),
        (F.invoice_pdf(INV), Source.PDF),
        (F.qr_photo("x"), Source.IMAGE),
        (F.qr_photo("x", fmt="JPEG"), Source.IMAGE),
        (b"GIF89a....", Source.IMAGE),
        ("发票号码 25312000000123456789".encode(), Source.UNKNOWN),
        (b"", Source.UNKNOWN),
    ],
    ids=["xml", "xml-bom", "xml-space", "ofd", "pdf", "png", "jpg", "gif", "text", "empty"],
)
def test_kind_by_content(data: bytes, source: Source) -> None:
    assert einvoice.sniff(data) is source


@pytest.mark.parametrize(
    ("name", "data", "error", "warning"),
    [
        ("发票.pdf", b"", "文件是空的", None),
        ("发票.txt", "发票号码 25312000000123456789".encode(), "不是发票文件", None),
        (
            "发票.xml",
            F.invoice_pdf(INV),
            None,
            "文件扩展名是“.xml”，内容却是 PDF；已按 PDF 读取，请确认这是开票方给的原件",
        ),
        (
            "发票.pdf",
            F.ofd_package(INV),
            None,
            "文件扩展名是“.pdf”，内容却是 OFD；已按 OFD 读取，请确认这是开票方给的原件",
        ),
        (
            "发票",
            F.einvoice_xml(INV),
            None,
            "文件扩展名是“（无）”，内容却是 XML；已按 XML 读取，请确认这是开票方给的原件",
        ),
        ("发票.JPG", F.qr_photo(F.qr_payload(INV), fmt="JPEG"), None, None),
    ],
    ids=["empty", "text", "pdf-as-xml", "ofd-as-pdf", "no-extension", "upper-case-jpg"],
)
def test_files_that_are_not_what_they_say(name: str, data: bytes, error: str | None, warning: str | None) -> None:
    record = einvoice.read_bytes(data, name)
    if error:
        assert record.error is not None and error in record.error
        return
    assert record.error is None and record.number == INV.number
    assert [p.message for p in record.problems] == ([warning] if warning else [])


def test_read_file_records_what_it_read(tmp_path: Path) -> None:
    path = tmp_path / "发票.xml"
    data = F.einvoice_xml(INV)
    path.write_bytes(data)
    record = einvoice.read_file(path)
    assert (record.path, record.sha256, record.size) == (str(path), hashlib.sha256(data).hexdigest(), len(data))
    missing = einvoice.read_file(tmp_path / "nope.pdf")
    assert missing.error == "找不到文件；请检查路径"
    assert einvoice.read_file(tmp_path).error == "这是文件夹，不是发票文件"


def test_a_file_too_large_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.pdf"
    path.write_bytes(F.invoice_pdf(INV))
    assert "发票文件通常不到 1 MB" in (einvoice.read_file(path).error or "")


def test_a_bug_is_logged_and_the_other_files_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.xml").write_bytes(F.einvoice_xml(INV))
    (tmp_path / "b.pdf").write_bytes(F.invoice_pdf(LEGACY))

    def broken(data: bytes) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(reader.pdf, "read", broken)
    with caplog.at_level(logging.ERROR):
        reading = einvoice.read_paths([tmp_path])
    assert [inv.number for inv in reading.invoices] == [INV.number]
    (bad,) = reading.unreadable
    assert bad.error == "读取时发生内部错误（详细信息已写入日志）；请把文件交给 IT 检查"
    assert "ZeroDivisionError" in caplog.text


def test_a_folder_groups_the_files_of_each_invoice(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.xml").write_bytes(F.einvoice_xml(INV))
    (tmp_path / "a.pdf").write_bytes(F.invoice_pdf(INV))
    (tmp_path / "sub" / "a.ofd").write_bytes(F.ofd_package(INV, embed="einvoice"))
    (tmp_path / "legacy.jpg").write_bytes(F.qr_photo(F.qr_payload(LEGACY), fmt="JPEG"))
    (tmp_path / "legacy.pdf").write_bytes(F.invoice_pdf(LEGACY))
    (tmp_path / "会议纪要.pdf").write_bytes(F.unrelated_pdf())
    (tmp_path / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (tmp_path / "~$报销单.xlsx").write_bytes(b"lock")

    reading = einvoice.read_paths([tmp_path])

    assert [sorted(Path(p).name for p in inv.paths) for inv in reading.invoices] == [
        ["a.ofd", "a.pdf", "a.xml"],
        ["legacy.jpg", "legacy.pdf"],
    ]
    digital, legacy = reading.invoices
    assert digital.key == INV.number and legacy.key == "033002300111-01234567"
    assert (digital.gross, len(digital.items), digital.buyer_name) == (INV.gross, 2, F.BUYER_NAME)
    assert (legacy.net, legacy.gross, legacy.seller_name) == (LEGACY.net, LEGACY.gross, F.SELLER_NAME)
    assert digital.ok and legacy.ok
    assert [Path(r.path).name for r in reading.unreadable] == ["会议纪要.pdf"]
    assert sorted(Path(p).name for p in reading.skipped) == [".DS_Store", "~$报销单.xlsx"]
    assert len(reading.records) == 6
    assert not reading.ok


def test_the_merged_invoice_takes_the_xml_and_says_where_files_disagree(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(F.einvoice_xml(INV))
    changed = F.make_invoice(seller_name="上海别的餐饮有限公司", date=dt.date(2025, 3, 8))
    (tmp_path / "b.pdf").write_bytes(F.invoice_pdf(changed))
    (inv,) = einvoice.read_paths([tmp_path]).invoices
    assert inv.seller_name == F.SELLER_NAME and inv.date == INV.date  # the XML is the legal copy
    assert [p.message for p in inv.problems] == [
        "开票日期不一致：a.xml 为 2025-03-07，b.pdf 为 2025-03-08；"
        "同一张发票的文件内容应相同，请向开票方核实哪一份是原件"
    ]


def test_problems_of_one_file_name_it_when_an_invoice_has_several(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(F.einvoice_xml(INV))
    (tmp_path / "a.pdf").write_bytes(F.invoice_pdf(INV, qr=False))
    (inv,) = einvoice.read_paths([tmp_path]).invoices
    assert [p.message for p in inv.problems] == [
        "a.pdf：PDF 上没有找到发票二维码，只读取了票面文字；税务系统开具的发票都有二维码，请核对是否为原件"
    ]


def test_the_same_file_twice(tmp_path: Path) -> None:
    data = F.invoice_pdf(INV)
    (tmp_path / "发票.pdf").write_bytes(data)
    (tmp_path / "发票(1).pdf").write_bytes(data)
    (inv,) = einvoice.read_paths([tmp_path]).invoices
    assert [p.code for p in inv.problems] == ["duplicate_file"]


def test_json_list_has_one_shape(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(F.einvoice_xml(INV))
    (tmp_path / "b.xml").write_bytes(F.billion_laughs())
    document = einvoice.read_paths([tmp_path]).to_list()
    assert [set(d) for d in document] == [set(document[0])] * 2
    good, bad = document
    assert (good["readable"], good["gross"], good["tax_rates"], good["verification"]["amount"]) == (
        True,
        "2173.00",
        ["6%"],
        "2173.00",
    )
    assert (bad["readable"], bad["problems"][0]["code"], bad["verification"]) == (False, "unreadable", None)


@pytest.mark.slow
def test_several_processes_give_the_same_records(tmp_path: Path) -> None:
    F.invoice_set(tmp_path, 30)
    one = einvoice.read_paths([tmp_path], workers=1)
    two = einvoice.read_paths([tmp_path], workers=2)
    assert one == two
    assert len(two.invoices) == 30 and two.ok
    assert sum((inv.gross for inv in two.invoices if inv.gross), Decimal(0)) == 30 * INV.gross


def test_the_package_imports_nothing_above_the_core() -> None:
    import ast

    folder = Path(einvoice.__file__).parent
    imported: set[str] = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {m for m in imported if m.split(".")[0] in ("neiqin", "validators", "macros", "xlwings_udfs")}
    assert ours == {"neiqin.base.text", "neiqin.core"}  # neiqin.core: `from neiqin.core import invoices`
