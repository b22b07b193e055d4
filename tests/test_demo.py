"""`neiqin demo`: a believable workbook, every action run on it, deterministic, LibreOffice-readable."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from neiqin.app.cli import main
from neiqin.app.demo import FILE_NAME, generate
from neiqin.core.marks import FILLS, RESULT_SHEET

from .conftest import ledger_rows, libreoffice_convert, needs_libreoffice

DATA_SHEETS = ("订单台账", "客户档案", "产品目录", "设置")


def values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {name: [tuple(c.value for c in row) for row in wb[name].iter_rows()] for name in DATA_SHEETS}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out), "--seed", "7"]) == 0
    return out / FILE_NAME


def test_demo_has_a_year_of_orders_customers_products_and_marks(demo: Path) -> None:
    from openpyxl.utils import get_column_letter

    from validators.orders import OrderRow

    wb = openpyxl.load_workbook(demo)
    assert set(DATA_SHEETS) | {RESULT_SHEET, "订单归档", "生产任务单", "采购任务单", "订单变更记录"} <= set(
        wb.sheetnames
    )
    ws = wb["订单台账"]
    width = get_column_letter(len(OrderRow.columns()))
    assert ws["A1"].value.endswith("订单台账") and f"A1:{width}1" in {str(r) for r in ws.merged_cells.ranges}
    lines = ledger_rows(demo, "orders") + ledger_rows(demo, "archive")
    assert len(lines) > 1000
    dates = [r["order_date"] for r in lines if isinstance(r["order_date"], dt.datetime)]
    assert min(dates).date() <= dt.date(2025, 12, 5) and max(dates).date() <= dt.date(2026, 11, 26)
    assert len({d.strftime("%Y-%m") for d in dates}) == 12
    marked = [c for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb == "FF" + FILLS["error"][1:]]
    assert len(marked) >= 6
    assert all(c.comment is not None for c in marked)
    summary = wb[RESULT_SHEET]["A2"].value
    assert "错误" in summary and "警告" in summary


def test_demo_shows_the_whole_order_cycle(demo: Path) -> None:
    from neiqin.core.config import Settings

    statuses = {r["status"] for r in ledger_rows(demo, "orders") + ledger_rows(demo, "archive")}
    assert set(Settings().order_statuses) <= statuses  # every status, 待确认 … 已完成, 已取消, 暂停
    changes = ledger_rows(demo, "changes")
    assert [r["result"] for r in changes if r["result"]] and any(r["review"] == "待审核" for r in changes)
    late = [
        r
        for r in ledger_rows(demo, "production_tasks")
        if r["problem_type"] == "延期" and r["expected_date"] > r["delivery_date"]
    ]
    assert late
    wb = openpyxl.load_workbook(demo)
    for name in ("逾期预警", "进度通知", "订单看板"):
        assert wb[name].max_row > 5, name


def test_demo_planted_mistakes_are_all_found(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo)
    codes = {row[5].value for row in wb[RESULT_SHEET].iter_rows(min_row=5)}
    errors = {"ORD-003", "ORD-004", "LED-010", "LED-012", "LED-016", "LED-017", "LED-014", "ORD-011", "ORD-013"}
    assert errors <= codes


def test_demo_is_deterministic_for_a_seed(demo: Path, tmp_path: Path) -> None:
    assert main(["demo", "--out", str(tmp_path), "--seed", "7"]) == 0
    assert values(tmp_path / FILE_NAME) == values(demo)
    assert generate(8)["lines"] != generate(7)["lines"]


def test_demo_seasonality() -> None:
    lines = generate(2026)["lines"]
    per_month: dict[int, int] = {}
    for line in lines:
        per_month[line["order_date"].month] = per_month.get(line["order_date"].month, 0) + 1
    assert per_month[2] < per_month[4] and per_month[2] < per_month[11]  # Spring Festival dip


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_opens_the_demo_and_shows_the_marks(demo: Path, tmp_path: Path) -> None:
    from PIL import Image

    copy = tmp_path / "demo.xlsx"
    shutil.copyfile(demo, copy)  # LibreOffice never touches the real file
    pdf = libreoffice_convert(copy, "pdf", tmp_path)
    assert pdf.stat().st_size > 10_000
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=240)
    mark = tuple(int(FILLS["error"][i : i + 2], 16) for i in (1, 3, 5))
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    seen = 0
    for page in pages:
        colours = Image.open(page).convert("RGB").getcolors(1 << 24) or []
        seen += sum(n for n, rgb in colours if all(abs(a - b) <= 3 for a, b in zip(rgb, mark, strict=True)))
    assert seen > 0, "no mark fill visible in the rendered workbook"


def test_demo_has_a_clean_claim_a_faulty_one_and_a_sealed_copy(demo: Path) -> None:
    from neiqin.core.seal import verify_file

    wb = openpyxl.load_workbook(demo)
    assert {"费用报销单", "费用报销单(2)", "报销登记", "报销标准", "城市级别", "报销进度"} <= set(wb.sheetnames)
    claims = {r["claim_id"]: r for r in ledger_rows(demo, "claims")}
    assert claims["BX2611001"]["status"] == "已交财务"
    assert claims["BX2611002"]["status"] == "初审退回"
    reasons = claims["BX2611002"]["return_reason"]
    for finding in ("陆仟零柒元壹角肆分", "8 位数字", "超出报销标准", "BX2610015", "部门负责人"):
        assert finding in reasons, finding
    assert claims["BX2611003"]["status"] == "财务已审核"
    sealed = demo.parent / "报销单_BX2611001.xlsx"
    assert verify_file(sealed).valid


def test_demo_has_all_three_report_tabs_with_charts(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo)
    tabs = [name for name in wb.sheetnames if name.split(" ")[0] in ("日报", "周报", "月报")]
    assert sorted(tabs) == ["周报 2026-W48", "日报 2026-11-26", "月报 2026-11"]
    for name in tabs:
        ws = wb[name]
        assert len(ws._charts) == 2, name
        assert ws["A2"].value.startswith("数据核对通过"), (name, ws["A2"].value)


def test_demo_has_a_year_of_meetings_and_runs_their_buttons(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo)
    meetings = ledger_rows(demo, "meetings")
    assert len(meetings) > 60 and len({m["date"].strftime("%Y-%m") for m in meetings}) >= 12
    assert len(ledger_rows(demo, "attendance")) > 500
    # 会议通知 noticed next week's meeting: texts in the workbook, its calendar file beside it
    notices = [r for r in wb["会议通知"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert notices and all(r[7].startswith(f"{r[2]}：") for r in notices)
    assert (demo.parent / "会议通知" / f"{notices[0][0]}.ics").exists()
    months = [r for r in wb["知晓率"].iter_rows(min_row=5, values_only=True) if r[0] == "月度"]
    assert len(months) >= 12
    # 纪要转决议 carried the reviewed minutes that were not yet followed up; 决议催办 lists the overdue
    carried = [r for r in ledger_rows(demo, "resolutions") if r["state"] == "未开始"]
    assert len(carried) == 2
    assert [r for r in wb["决议催办"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert wb["决议周报"].cell(5, 6).value.startswith(("吴倩：", "郑军："))


def test_demo_reviews_its_three_clerks(demo: Path) -> None:
    from validators.staff import CLERKS

    wb = openpyxl.load_workbook(demo)
    kpis = [r for r in wb["考核指标"].iter_rows(values_only=True) if r[0] in CLERKS]
    for clerk in CLERKS:  # each clerk has figures computed from the demo's ledgers and action log
        figures = [r for r in kpis if r[0] == clerk and r[3] != "无数据"]
        assert {r[1] for r in figures} >= {"订单处理及时率", "按时交付率", "客户信息准确率", "报表及时率",
                                           "会议通知知晓率", "文件登记及时率"}  # fmt: skip
    stock = {r[0]: r[3] for r in kpis if r[1] == "库存账实相符率"}
    assert stock == {"李娜": "无数据", "张敏": "100.0%", "孙丽": "无数据"}  # 张敏 counted last month's stock
    reviewed = {r[0]: r for r in wb["月度考核"].iter_rows(values_only=True) if r[0] in CLERKS}
    assert set(reviewed) == set(CLERKS)
    assert all(isinstance(r[5], float | int) and r[6] in ("优秀", "良好", "合格", "待改进") for r in reviewed.values())
    assert {f"考核说明 {c}" for c in CLERKS} <= set(wb.sheetnames)
    annual = {r[1]: r for r in wb["年度考核"].iter_rows(values_only=True) if r[1] in CLERKS}
    assert sorted(r[0] for r in annual.values()) == [1, 2, 3]  # ranked over the demo's months
    trained = {r[0]: r for r in wb["培训统计"].iter_rows(values_only=True) if r[0] in CLERKS}
    assert set(trained) == set(CLERKS) and all(r[2] > 0 for r in trained.values())


def test_demo_makes_a_quotation_and_finds_the_faults_of_an_edited_one(demo: Path) -> None:
    from .quote_factory import label_value, line_values

    made = demo.parent / "报价单_BJ-2026-0002.xlsx"  # the edited one holds BJ-2026-0001: the next number
    assert made.exists() and label_value(demo, "报价单", "报价单号") == "BJ-2026-0002"
    assert label_value(demo, "报价单", "大写金额") == label_value(made, "报价单", "大写金额")
    assert all(line["单价"] and line["金额"] for line in line_values(demo))
    ws = openpyxl.load_workbook(demo)["报价单(2)"]
    marked = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    codes = {code for text in marked.values() for code in ("QUO-012", "QUO-019", "QUO-020", "QUO-022") if code in text}
    assert codes == {"QUO-012", "QUO-019", "QUO-020", "QUO-022"}  # over the discount limit, 大写, expired, no terms
