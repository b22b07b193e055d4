"""What finance sees is what is sealed: displays, presentation, text as Excel stores it, the look, folders.

Every tampering below leaves the values alone and changes only what a reader sees (a number format
from the allow-list, a merged area, white or tiny text, a narrow column …): verify must say 已被修改.
Harmless re-styling must stay 有效, and an untouched sealed copy must verify whatever text it holds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font, GradientFill, PatternFill
from openpyxl.styles.colors import Color

from neiqin.app.cli import main
from neiqin.core import kit, seal
from neiqin.core.canonical import canonical_value, canonical_value_v1
from neiqin.core.forms import read_form
from neiqin.core.numfmt import display_text, normalise_format
from neiqin.engine import open_book
from validators.expenses import RULES_VERSION

from .conftest import libreoffice_convert, needs_libreoffice
from .expense_factory import D, default_lines, expense_workbook, make_expense_form, make_line

WHEN = dt.datetime(2026, 11, 26, 17, 30)


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEIQIN_SEAL_KEY", raising=False)
    monkeypatch.delenv("NEIQIN_SEAL_KEY_FILE", raising=False)


def sealed(folder: Path, name: str = "source.xlsx", **overrides: Any) -> Path:
    source = expense_workbook(folder / name, [make_expense_form(status="初审通过", **overrides)])
    book = open_book(source)
    form = read_form(book, kit.ledger("expenses"), "费用报销单")
    target = folder / "sealed" / seal.sealed_name(form.claim_id or "")
    seal.seal_form(book, form, target, clerk="李娜", when=WHEN, warnings=[], rules_version=RULES_VERSION)
    book.close()
    return target


@pytest.fixture(scope="module")
def one_sealed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sealed(tmp_path_factory.mktemp("sealed"))


def edited(path: Path, out: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(path, rich_text=True)
    change(wb["费用报销单"])
    wb.save(out)
    return out


def _set(cell: str, **attrs: Any) -> Any:
    def change(ws: Any) -> None:
        for name, value in attrs.items():
            setattr(ws[cell], name, value)

    return change


def _merge(ref: str) -> Any:
    return lambda ws: ws.merge_cells(ref)


def _rich_white(ws: Any) -> None:
    ws["M8"] = CellRichText(["如家", TextBlock(InlineFont(color="FFFFFFFF"), "酒店 2 晚")])


def _column(letter: str, width: float) -> Any:
    return lambda ws: setattr(ws.column_dimensions[letter], "width", width)


def _row(row: int, height: float) -> Any:
    return lambda ws: setattr(ws.row_dimensions[row], "height", height)


# L8 = 价税合计 900, L9 = 450, J8 = 税率 0.06, B20 = 合计(小写) 1409.5, B8 = 日期, M8 = 说明
TAMPERING = {
    "merge hides 价税合计": _merge("K9:L9"),
    "merge over the 说明 column": _merge("M8:M9"),
    "0% on 900 shows 90000%": _set("L8", number_format="0%"),
    "#,##0 on 1409.5 shows 1,410": _set("B20", number_format="#,##0"),
    "0 on a tax rate 0.06 shows 0": _set("J8", number_format="0"),
    "0.00 on a rate shows 0.06 for 6%": _set("J8", number_format="0.00"),
    "General on a date shows its serial": _set("B8", number_format="General"),
    "a date format on an amount": _set("L9", number_format="yyyy-mm-dd"),
    "white text (rgb)": _set("L8", font=Font(color="FFFFFFFF")),
    "white text (theme)": _set("L8", font=Font(color=Color(theme=0))),
    "white text (indexed)": _set("L8", font=Font(color=Color(indexed=9))),
    "near-white text FEFEFE": _set("L8", font=Font(color="FFFEFEFE")),
    "black text tinted to white": _set("L8", font=Font(color=Color(theme=1, tint=0.95))),
    "text the colour of its fill": lambda ws: (
        setattr(ws["L8"], "fill", PatternFill("solid", fgColor="FFFFC000")),
        setattr(ws["L8"], "font", Font(color="FFFFC000")),
    ),
    "black fill under black text": _set("L8", fill=PatternFill("solid", fgColor="FF000000")),
    "a pattern fill over the text": _set("L8", fill=PatternFill("darkGrid", fgColor="FF000000")),
    "a gradient fill": _set("L8", fill=GradientFill(stop=("FF000000", "FF000000"))),
    "font size 1": _set("L8", font=Font(size=1)),
    "font size 72": _set("L8", font=Font(size=72)),
    "strikethrough": _set("L8", font=Font(strike=True)),
    "superscript": _set("L8", font=Font(vertAlign="superscript")),
    "a symbol font": _set("L8", font=Font(name="Wingdings")),
    "a white run of rich text": _rich_white,
    "huge indent": _set("L8", alignment=Alignment(indent=250)),
    "rotation": _set("L8", alignment=Alignment(textRotation=90)),
    "fill alignment repeats the text": _set("M8", alignment=Alignment(horizontal="fill")),
    "shrink to fit": _set("M8", alignment=Alignment(shrink_to_fit=True)),
    "column width 1 (####)": _column("L", 1),
    "column 说明 narrowed": _column("M", 2),
    "row height 2": _row(9, 2),
    "zero values hidden": lambda ws: setattr(ws.sheet_view, "showZeros", False),
    "print area leaves out 价税合计": lambda ws: setattr(ws, "print_area", "A1:K30"),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_display_tampering_is_detected(one_sealed: Path, tmp_path: Path, case: str) -> None:
    assert seal.verify_file(one_sealed).valid
    result = seal.verify_file(edited(one_sealed, tmp_path / "t.xlsx", TAMPERING[case]))
    assert result.status == seal.MODIFIED, (case, result.notes)
    # named: a cell whose display (or, for a date turned number, value) changed, or what hides it
    assert result.changes or any(n.startswith("显示被改动") for n in result.notes), result.notes


@pytest.mark.parametrize(
    ("case", "cell", "old", "new"),
    [
        ("0% on 900 shows 90000%", "L8", "¥900.00", "90000%"),
        ("#,##0 on 1409.5 shows 1,410", "B20", "¥1,409.50", "1,410"),
        ("0 on a tax rate 0.06 shows 0", "J8", "6%", "0"),
    ],
)
def test_a_changed_display_is_named_with_both_texts(
    one_sealed: Path, tmp_path: Path, case: str, cell: str, old: str, new: str
) -> None:
    result = seal.verify_file(edited(one_sealed, tmp_path / "t.xlsx", TAMPERING[case]))
    assert [(c.cell, c.what, c.old, c.new) for c in result.changes] == [(cell, "display", old, new)]
    assert result.changes[0].text() == f"{cell}：显示 {old} → {new}"


HARMLESS = {
    "untouched, saved again": lambda ws: None,
    "a wider column": _column("M", 40),
    "a taller row": _row(9, 40),
    "bold amounts": _set("L8", font=Font(bold=True)),
    "dark grey text": _set("L8", font=Font(color="FF333333")),
    "another font": _set("M8", font=Font(name="宋体", size=12)),
    "a light fill": _set("L8", fill=PatternFill("solid", fgColor="FFFFF2CC")),
    "LibreOffice's currency format": _set("L8", number_format="[$¥-804]#,##0.00"),
    "centred": _set("L8", alignment=Alignment(horizontal="center")),
}


@pytest.mark.parametrize("case", sorted(HARMLESS))
def test_harmless_restyling_stays_valid(one_sealed: Path, tmp_path: Path, case: str) -> None:
    result = seal.verify_file(edited(one_sealed, tmp_path / "h.xlsx", HARMLESS[case]))
    assert result.valid, (case, [c.text() for c in result.changes], result.notes)


# --------------------------------------------------------------------------- the look finance prints


def test_the_sealed_copy_looks_like_the_form(tmp_path: Path) -> None:
    path = sealed(tmp_path)
    source = openpyxl.load_workbook(tmp_path / "source.xlsx")["费用报销单"]
    copy = openpyxl.load_workbook(path)["费用报销单"]
    for cell in ("A4", "B4", "A7", "L8", "B20", "M19"):
        assert copy[cell].border.left.style == source[cell].border.left.style == "thin", cell
        assert copy[cell].fill.fgColor.rgb == source[cell].fill.fgColor.rgb, cell
        assert copy[cell].font.b == source[cell].font.b, cell
    assert copy["A4"].fill.fgColor.rgb == "FFF2F2F2" and copy["A7"].fill.fgColor.rgb == "FFDDEBF7"
    assert {str(m) for m in copy.merged_cells.ranges} == {str(m) for m in source.merged_cells.ranges}
    for letter in "ABCDEFGHIJKM":
        assert copy.column_dimensions[letter].width == source.column_dimensions[letter].width, letter
    assert copy.row_dimensions[4].height == 20
    assert copy["L8"].number_format == "¥#,##0.00" and copy["J8"].number_format == "0%"


def test_a_column_too_narrow_for_an_amount_is_widened(tmp_path: Path) -> None:
    lines = default_lines()
    lines[0] = make_line(net=8490566.04, tax=509433.96, gross=9000000.0)
    path = sealed(tmp_path, lines=lines, total=9509.84 + 9000000 - 900)
    copy = openpyxl.load_workbook(path)["费用报销单"]
    assert copy.column_dimensions["L"].width > 11  # ¥9,000,000.00 needs more than the template's 11
    assert seal.verify_file(path).valid


def test_the_record_prints_on_one_portrait_page(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(sealed(tmp_path))["校验记录"]
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 1
    assert ws.page_setup.fitToWidth == 1


@pytest.mark.libreoffice
@needs_libreoffice
def test_printed_the_form_and_its_record_are_one_page_each(tmp_path: Path) -> None:
    pdf = libreoffice_convert(sealed(tmp_path), "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M), info


# --------------------------------------------------------------------------- text as Excel stores it


def excel_stored(text: str) -> str:
    """``text`` as Excel writes it into a file: an escape-looking run and every control character escaped."""
    text = re.sub(r"_x([0-9A-Fa-f]{4})_", r"_x005F_x\1_", text)
    return re.sub(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]", lambda m: f"_x{ord(m.group()):04X}_", text)


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("如家\x0b酒店", "如家_x000B_酒店"),  # a vertical tab pasted from Word, as calamine reads it
        ("如家_x000B_酒店", "如家_x000B_酒店"),  # … and as openpyxl reads the same file
        ("a\r\nb", "a\nb"),
        ("a_x000D_\nb", "a\nb"),
        ("_x005F_x0041_", "A"),  # a typed "_x0041_", stored by Excel, read without decoding …
        ("_x0041_", "A"),  # … and decoded once
        (" \x1f ", "_x001F_"),  # a control character at the edge is not whitespace to strip
        ("x\x00y", "x_x0000_y"),
        ("e\u0301", "\u00e9"),
        ("  报销人 ", "报销人"),
    ],
)
def test_canonical_text_is_what_excel_stores(value: str, canonical: str) -> None:
    assert canonical_value(value) == canonical
    assert canonical_value(canonical) == canonical  # idempotent: a canonical text reads back the same


def test_the_first_canonical_form_is_kept_for_old_digests() -> None:
    assert canonical_value_v1("如家\x0b酒店") == "如家\x0b酒店" and canonical_value_v1(" a ") == "a"
    assert canonical_value_v1(1409.5) == canonical_value(1409.5) == "1409.5"


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (900, "0%", "90000%"),
        (0.06, "0%", "6%"),
        (0.06, "0", "0"),
        (1409.5, "#,##0", "1,410"),
        (1409.5, "#,##0.00", "1,409.50"),
        (1409.5, "¥#,##0.00", "¥1,409.50"),
        (1409.5, "\\¥#,##0.00", "¥1,409.50"),  # LibreOffice's re-save
        (-1409.5, "[$¥-804]#,##0.00", "-¥1,409.50"),  # Excel's locale token
        (1.005, "0.00", "1.01"),  # half away from zero on the decimal digits, as Excel shows it
        (2.5, "0", "3"),
        (1409.5, "General", "1409.5"),
        (0.1 + 0.2, "General", "0.3"),
        (1 / 3, "General", "0.333333333"),
        (123456789012, "General", "1.23457E+11"),
        (D(2026, 11, 3), "yyyy-mm-dd", "2026-11-03"),
        (D(2026, 11, 3), "yyyy\\-mm\\-dd", "2026-11-03"),
        (D(2026, 11, 3), "General", "46329"),  # a date in a number format: its serial number
        (46329, "yyyy-mm-dd", "2026-11-03"),  # a number in a date format: the date it stands for
        (-1, "yyyy-mm-dd", "########"),
        (D(2026, 11, 3, 9, 30, 59, 600_000), "yyyy-mm-dd hh:mm:ss", "2026-11-03 09:31:00"),
        ("文字", "0%", "文字"),  # text shows as it is
        (True, "General", "TRUE"),
    ],
)
def test_displayed_text(value: Any, fmt: str, shown: str) -> None:
    assert display_text(value, fmt) == shown


@pytest.mark.parametrize("fmt", ['0;0;0;"贰仟元整"', '"¥1,900.00"', "[Red]0.00", "0.00;[Red]-0.00", ";;;", "@*-"])
def test_formats_outside_the_allow_list_have_no_known_display(fmt: str) -> None:
    with pytest.raises(ValueError):
        display_text(1409.5, fmt)
    assert normalise_format("[$¥-804]#,##0.00") == "¥#,##0.00"


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    note=st.text(st.characters(exclude_categories=("Cs",)), max_size=24),
    purpose=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24),
    claimant=st.sampled_from(["王磊", " 王磊 ", "王磊\t", "_x000B_王磊", "=王磊", "001", "TRUE", "1e5", "2026-11-03"]),
)
def test_an_untouched_sealed_copy_verifies_whatever_its_text(
    tmp_path_factory: pytest.TempPathFactory, note: str, purpose: str, claimant: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    lines = default_lines()
    lines[0] = make_line(note=excel_stored(note) or None)
    path = sealed(folder, lines=lines, purpose=excel_stored(purpose), claimant=claimant)
    result = seal.verify_file(path)
    assert result.valid, ([c.text() for c in result.changes], result.notes)


def test_a_version_1_record_still_verifies(tmp_path: Path) -> None:
    """A copy sealed before displays were sealed (record version 1) verifies as before."""
    path = sealed(tmp_path)
    wb = openpyxl.load_workbook(path)
    form, record = wb["费用报销单"], wb["校验记录"]
    cells = [
        [c.coordinate, seal.canonical_value(c.value)] for row in form.iter_rows() for c in row if c.value is not None
    ]
    meta = {k: "" for k in seal._META_LABELS}
    for row in record.iter_rows(values_only=True):
        for k, label in seal._META_LABELS.items():
            if row[0] == label:
                meta[k] = row[1]
    digest = seal.hashlib.sha256(seal.message(meta, [], cells, version=1)).hexdigest()
    wb.remove(record)
    ws = wb.create_sheet("校验记录")
    rows = [["校验记录"], ["说明"], []] + [[label, meta[k]] for k, label in seal._META_LABELS.items()]
    rows += [["单元格数", str(len(cells))], ["摘要(SHA-256)", digest], ["公司密钥签名(HMAC-SHA256)", seal.NO_KEY]]
    rows += [["剩余警告", "0"], [], ["单元格", "封存时的值"]]
    rows += [[a, json.dumps(v, ensure_ascii=False)] for a, v in cells]
    for row in rows:
        ws.append(row)
    wb.save(path)
    assert seal.verify_file(path).valid
    wb = openpyxl.load_workbook(path)
    wb["费用报销单"]["L9"] = 4500
    wb.save(path)
    assert [c.cell for c in seal.verify_file(path).changes] == ["L9"]


# --------------------------------------------------------------------------- a folder of files


def test_verify_a_folder_skips_workbooks_that_are_not_claims(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = sealed(tmp_path)
    folder = path.parent
    expense_workbook(folder / "我的报销台账.xlsx", [make_expense_form()])  # the clerk's own workbook
    assert main(["verify", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "跳过 1 个不是封存报销单的文件：我的报销台账.xlsx" in out and "共 1 个封存的报销单：有效 1 个" in out
    assert main(["verify", str(folder / "我的报销台账.xlsx")]) == 1  # asked about that file: it is no sealed claim


def test_a_planted_file_does_not_stop_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = sealed(tmp_path)
    folder = path.parent
    far = folder / "报销单_远处.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["费用报销单"]["XFD1048576"] = "补一张"  # a value in the very last cell of the sheet
    wb.save(far)
    (folder / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    start = dt.datetime.now()
    assert main(["verify", str(folder), "--json"]) == 1
    assert (dt.datetime.now() - start).total_seconds() < 60
    report = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)}
    assert report[path.name]["status"] == "有效"
    assert report["报销单_远处.xlsx"]["status"] == "已被修改"
    far_change = {"cell": "XFD1048576", "what": "value", "old": None, "new": "补一张"}
    assert report["报销单_远处.xlsx"]["changes"][-1] == far_change
    assert report["坏文件.xlsx"]["status"] == "无法读取" and not report["坏文件.xlsx"]["skipped"]


def test_verify_summary_workbook_and_many_files_in_parallel(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = sealed(tmp_path)
    folder = path.parent
    for n in range(2, 11):
        shutil.copyfile(path, folder / f"报销单_BX2611001_{n}.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["费用报销单"]["L9"] = 4500
    wb.save(folder / "报销单_BX2611001_7.xlsx")
    summary = tmp_path / "核对结果.xlsx"
    assert main(["verify", str(folder), "--summary", str(summary)]) == 1
    assert "核对结果已写入" in capsys.readouterr().out
    ws = openpyxl.load_workbook(summary)["核对结果"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[0] for r in rows] == sorted(p.name for p in folder.iterdir())
    by_name = {r[0]: r for r in rows}
    tampered = by_name["报销单_BX2611001_7.xlsx"]
    assert tampered[1] == "已被修改" and "L9：450 → 4500" in tampered[6]
    assert by_name["报销单_BX2611001.xlsx"][1:4] == ("有效", "BX2611001", "李娜")


def test_verify_files_in_a_pool_gives_the_same_results_in_order(tmp_path: Path) -> None:
    path = sealed(tmp_path)
    files = []
    for n in range(12):
        target = path.parent / f"copy{n:02d}.xlsx"
        if n % 3 == 0:
            edited(path, target, _set("L8", number_format="0%"))
        else:
            shutil.copyfile(path, target)
        files.append(target)
    pooled = seal.verify_files(files, workers=2)
    alone = [seal.verify_file(f) for f in files]
    assert [(r.path, r.status, [c.text() for c in r.changes]) for r in pooled] == [
        (r.path, r.status, [c.text() for c in r.changes]) for r in alone
    ]
    assert [r.status for r in pooled].count(seal.MODIFIED) == 4
