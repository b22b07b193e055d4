"""The NQ_* worksheet functions, called as plain functions with what Excel passes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import xlwings_udfs as udfs
from xlwings_udfs.reports import NQ_ONTIME, NQ_PVM, NQ_SALES, NQ_TOTAL

from .test_reports import GOLDEN, HEADER

D = dt.datetime
DATA = [HEADER, *GOLDEN]


def test_every_udf_is_exported_with_documented_arguments() -> None:
    """xlwings registers what the package exports; each parameter has an @xw.arg doc (the
    Function Wizard's help). Off Windows the decorators are no-ops, so read the source."""
    import ast
    import inspect

    import xlwings_udfs.reports as module

    tree = ast.parse(inspect.getsource(module))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("NQ_"):
            docs = {
                d.args[0].value
                for d in node.decorator_list
                if isinstance(d, ast.Call)
                and getattr(d.func, "attr", "") == "arg"
                and any(k.arg == "doc" and k.value.value for k in d.keywords)
            }
            is_func = any(getattr(d, "attr", "") == "func" for d in node.decorator_list)
            found[node.name] = (is_func, docs, [a.arg for a in node.args.args], ast.get_docstring(node))
    assert sorted(found) == sorted(udfs.__all__) == ["NQ_ONTIME", "NQ_PVM", "NQ_SALES", "NQ_TOTAL"]
    for name, (is_func, docs, params, doc) in found.items():
        assert is_func and doc, name
        assert set(params) == docs, name


def test_nq_sales_spills_the_report_table() -> None:
    table = NQ_SALES(DATA, "month")
    assert table[0] == ["期间", "销售额", "销量", "毛利", "订单数", "行数", "客户数"]
    assert table[1:] == [
        ["2025-11", 800, 8, 320, 1, 1, 1],
        ["2026-10", 2200, 35, 750, 2, 3, 2],
        ["2026-11", 2250, 17, 850, 3, 4, 3],
        ["注：data 中有 1 行未计入（如第 10 行：金额无法确定）", "", "", "", "", "", ""],
    ]


def test_nq_sales_by_field_for_one_period() -> None:
    table = NQ_SALES(DATA, "月", "区域", "2026-11-15")
    assert [row[:3] for row in table[1:4]] == [
        ["2026-11", "华东", 1320],
        ["2026-11", "华北", 950],
        ["2026-11", "华南", -20],
    ]
    assert table[4][0].startswith("注：")


@pytest.mark.parametrize(
    ("measure", "start", "end", "field", "value", "expected"),
    [
        ("销售额", D(2026, 11, 1), D(2026, 11, 30), None, None, 2250),
        ("revenue", "2026-11-01", "2026-11-30", "region", "华东", 1320),
        ("毛利", D(2026, 10, 1), D(2026, 10, 31), None, None, 750),
        ("订单数", D(2026, 10, 1), D(2026, 11, 30), None, None, 5),
        ("销量", D(2026, 11, 20), D(2026, 11, 20), None, None, -2),  # end date is inclusive
        ("客户数", 46327, 46356, None, None, 3),  # Excel serial dates: 2026-11-01 .. 2026-11-30
        ("销售额", D(2026, 11, 1), D(2026, 11, 30), "customer", "客户A", 1320),
    ],
)
def test_nq_total(measure: str, start: Any, end: Any, field: Any, value: Any, expected: float) -> None:
    assert NQ_TOTAL(DATA, measure, start, end, field, value) == pytest.approx(expected)


def test_nq_pvm_rows_sum_to_the_change() -> None:
    table = NQ_PVM(DATA, "2026-10", "2026-11", "category")
    assert table[0][0] == "产品类别" and table[-1][0] == "合计"
    total = table[-1]
    assert total[-1] == pytest.approx(50)
    assert sum(total[3:9]) == pytest.approx(total[-1])


def test_nq_ontime() -> None:
    data = [
        ["订单编号", "接单日期", "客户名称", "金额", "交货日期", "发货日期", "状态"],
        ["SO1", D(2026, 10, 1), "甲", 100, D(2026, 10, 20), D(2026, 10, 19), "已完成"],
        ["SO2", D(2026, 10, 1), "甲", 100, D(2026, 10, 25), D(2026, 10, 27), "已完成"],
        ["SO3", D(2026, 10, 1), "甲", 100, D(2026, 10, 26), None, "已取消"],
        ["SO4", D(2026, 10, 1), "甲", 100, D(2026, 11, 5), D(2026, 11, 5), "已完成"],
    ]
    assert NQ_ONTIME(data, D(2026, 10, 1), D(2026, 10, 31)) == pytest.approx(0.5)
    assert NQ_ONTIME(data, D(2026, 10, 1), D(2026, 11, 30)) == pytest.approx(2 / 3)
    assert "没有到期" in NQ_ONTIME(data, D(2027, 1, 1), D(2027, 1, 31))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: NQ_SALES([["x"]], "month"), "带表头行"),
        (lambda: NQ_SALES(DATA, "year"), "period 应为"),
        (lambda: NQ_SALES(DATA, "month", "颜色"), "不能按『颜色』分组"),
        (lambda: NQ_SALES([["单号", "金额"], ["SO1", 1]], "month"), "接单日期"),
        (lambda: NQ_TOTAL(DATA, "利润率", "2026-11-01", "2026-11-30"), "measure 应为"),
        (lambda: NQ_TOTAL(DATA, "销售额", "2026-11-30", "2026-11-01"), "结束日期早于开始日期"),
        (lambda: NQ_TOTAL(DATA, "销售额", None, "2026-11-01"), "缺少开始日期"),
        (lambda: NQ_PVM(DATA, "2026-10", "2026-11", "region"), "by 应为"),
        (lambda: NQ_ONTIME(DATA, "下周", "2026-11-30"), "不是日期"),
        (lambda: NQ_TOTAL(DATA, "销售额", "2026-11-01", "2026-11-30", "region", "华栋"), "没有区域为『华栋』的行"),
    ],
)
def test_errors_come_back_as_readable_cell_values(call: Any, message: str) -> None:
    result = call()
    text = result[0][0] if isinstance(result, list) else result
    assert text.startswith("错误：") and message in text


def test_numeric_filter_values_match_as_excel_passes_them() -> None:
    head = ["订单编号", "接单日期", "客户名称", "金额"]
    data = [head, ["SO1", D(2026, 11, 2), 17850.0, 100], ["SO2", D(2026, 11, 3), "17851", 50]]
    assert NQ_TOTAL(data, "销售额", D(2026, 11, 1), D(2026, 11, 30), "customer", 17850.0) == 100
    assert NQ_TOTAL(data, "销售额", D(2026, 11, 1), D(2026, 11, 30), "customer", 17851) == 50


def test_a_bad_cell_leaves_its_line_out_and_says_where() -> None:
    head = ["订单编号", "接单日期", "客户名称", "金额"]
    data = [head, ["SO1", D(2026, 11, 2), "甲", 100], ["SO2", "abc", "乙", 50]]
    table = NQ_SALES(data, "month")
    assert table[1][:2] == ["2026-11", 100]
    assert table[-1][0].startswith("注：data 中有 1 行未计入（如第 3 行：「接单日期」『abc』不是有效日期")


def test_a_bug_is_a_readable_cell_and_a_log_entry(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import xlwings_udfs.reports as module

    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("revenue")

    with monkeypatch.context() as m:
        m.setattr(module, "summarize", broken)
        table = NQ_SALES(DATA, "month")
    assert table == [["错误：NeiQin 内部错误（NQ_SALES），详细信息已写入 NeiQin 日志，请发给管理员"]]
    assert "NQ_SALES failed" in caplog.text
