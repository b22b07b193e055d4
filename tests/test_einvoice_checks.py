"""Cross-checks on invoice records: each table row is (the invoice, the check's arguments, the problems expected)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from neiqin.core import einvoice
from neiqin.core.einvoice import InvoiceItem, InvoiceKind, InvoiceRecord, Source
from tests import invoice_fixtures as F

D = Decimal


def record(**fields: Any) -> InvoiceRecord:
    """A consistent 数电 record (XML), fields overridden."""
    base: dict[str, Any] = {
        "path": "附件/发票.xml",
        "source": Source.XML,
        "sha256": "a" * 64,
        "kind": InvoiceKind.DIGITAL_GENERAL,
        "number": "25312000000123456789",
        "date": dt.date(2025, 3, 7),
        "net": D("1000.00"),
        "tax": D("60.00"),
        "gross": D("1060.00"),
        "tax_rates": (D("0.06"),),
        "items": (InvoiceItem(name="*餐饮服务*餐费", amount=D("1000.00"), rate=D("0.06"), tax=D("60.00")),),
        "buyer_name": "杭州示例科技有限公司",
        "buyer_tax_id": F.BUYER_ID,
    }
    return InvoiceRecord(**(base | fields))


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        ({}, []),
        (
            {"gross": D("1060.01")},
            [
                "合计金额 1,000.00 + 合计税额 60.00 = 1,060.00，与价税合计 1,060.01 不符（相差 0.01 元）；"
                "发票数据有误或被改动，请向开票方核实"
            ],
        ),
        ({"net": D("1000.004"), "gross": D("1060.00")}, []),  # to the fen
        (
            {"net": D("900.00"), "gross": D("960.00")},
            [
                "1 个项目的金额之和 1,000.00 与合计金额 900.00 不符（相差 100.00 元）；"
                "发票数据有误或被改动，请向开票方核实"
            ],
        ),
        (
            {"tax": D("70.00"), "gross": D("1070.00")},
            ["1 个项目的税额之和 60.00 与合计税额 70.00 不符（相差 10.00 元）；发票数据有误或被改动，请向开票方核实"],
        ),
        (
            {
                "items": (InvoiceItem(name="*餐饮服务*餐费", amount=D("1000.00"), rate=D("0.06"), tax=D("60.07")),),
                "tax": D("60.07"),
                "gross": D("1060.07"),
            },
            [
                "第 1 项“*餐饮服务*餐费”税额 60.07 与 金额 1,000.00 × 税率 6% = 60.00 相差 0.07 元，"
                "超过逐项计税的尾差（0.06 元）；"
                "差额征税发票如此，其他发票请向开票方核实"
            ],
        ),
        (
            {
                "items": (InvoiceItem(name="x", amount=D("1000.00"), rate=D("0.06"), tax=D("60.06")),),
                "tax": D("60.06"),
                "gross": D("1060.06"),
            },
            [],
        ),
        ({"items": (), "tax": None}, []),  # nothing to add up
    ],
    ids=["consistent", "gross", "to-the-fen", "items-net", "items-tax", "line-tax", "line-tax-within-0.06", "no-items"],
)
def test_check_totals(fields: dict[str, Any], messages: list[str]) -> None:
    assert [p.message for p in einvoice.check_totals(record(**fields))] == messages


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({}, []),
        ({"number": ""}, ["missing_number"]),
        ({"number": "2531200000012345678"}, ["number_format"]),
        ({"date": dt.date(2026, 1, 2)}, ["year_mismatch"]),
        ({"kind": InvoiceKind.E_GENERAL, "code": "033002300111", "number": "01234567"}, []),
        ({"kind": InvoiceKind.E_GENERAL, "code": "", "number": "01234567"}, ["missing_code"]),
        ({"kind": InvoiceKind.GENERAL, "code": "03300230011", "number": "0123456"}, ["number_format", "code_format"]),
        ({"kind": None, "code": "", "number": "25312000000123456789"}, []),  # a 20-digit number is 数电
        ({"date": None, "net": None, "gross": None}, ["missing_date", "missing_amount"]),
    ],
    ids=[
        "ok",
        "no-number",
        "19-digits",
        "year",
        "legacy",
        "legacy-no-code",
        "legacy-lengths",
        "kind-unknown",
        "no-date-amount",
    ],
)
def test_check_fields(fields: dict[str, Any], codes: list[str]) -> None:
    assert [p.code for p in einvoice.check_fields(record(**fields))] == codes


@pytest.mark.parametrize(
    ("fields", "name", "tax_id", "expected"),
    [
        ({}, "杭州示例科技有限公司", F.BUYER_ID, []),
        ({"buyer_name": "杭州示例科技有限公司 "}, "杭州示例科技有限公司", None, []),
        ({"buyer_name": "杭州示例（科技）有限公司"}, "杭州示例(科技)有限公司", None, []),
        ({"buyer_name": "ＡＢＣ贸易有限公司"}, "abc 贸易有限公司", None, []),
        ({"buyer_tax_id": F.BUYER_ID.lower()}, None, F.BUYER_ID, []),
        ({"buyer_name": "杭州示例网络有限公司"}, "杭州示例科技有限公司", None, [("buyer_name", "error")]),
        ({"buyer_tax_id": "91330106MA2KX7Y3QX"}, None, F.BUYER_ID, [("buyer_tax_id", "error")]),
        (
            {"buyer_name": "", "buyer_tax_id": ""},
            "杭州示例科技有限公司",
            F.BUYER_ID,
            [("buyer_unknown", "warning")] * 2,
        ),
        ({}, None, None, []),
    ],
    ids=[
        "same",
        "trailing-space",
        "full-width-brackets",
        "full-width-latin",
        "tax-id-case",
        "other-name",
        "other-id",
        "qr-only",
        "no-company",
    ],
)
def test_check_buyer(
    fields: dict[str, Any], name: str | None, tax_id: str | None, expected: list[tuple[str, str]]
) -> None:
    assert [(p.code, p.severity) for p in einvoice.check_buyer(record(**fields), name, tax_id)] == expected


def test_buyer_message() -> None:
    (problem,) = einvoice.check_buyer(record(buyer_name="个人"), "杭州示例科技有限公司")
    assert (
        problem.message
        == "购买方名称为“个人”，不是本公司“杭州示例科技有限公司”；抬头不符的发票不能报销，请让开票方重开"
    )


@pytest.mark.parametrize(
    ("rates", "allowed", "messages"),
    [
        ((D("0.06"),), ["0%", "1%", "3%", "5%", "6%", "9%", "13%"], []),
        ((D("0.06"), D("0.13")), ["6%", "13%"], []),
        ((D("0.13"),), ["0.06", 0.09], ["税率 13% 不在允许的税率（6%、9%）之中；请核对发票"]),
        (
            (D("0.16"), D("0.10")),
            [Decimal("0.13"), 13, "6"],
            ["税率 16%、10% 不在允许的税率（6%、13%）之中；请核对发票"],
        ),
        ((), ["6%"], []),
    ],
    ids=["allowed", "several-allowed", "not-allowed", "old-rates", "unknown-rates"],
)
def test_check_tax_rates(rates: tuple[Decimal, ...], allowed: list[Any], messages: list[str]) -> None:
    assert [p.message for p in einvoice.check_tax_rates(record(tax_rates=rates), allowed)] == messages


@pytest.mark.parametrize(
    ("date", "start", "end", "messages"),
    [
        (dt.date(2025, 3, 7), dt.date(2025, 3, 1), dt.date(2025, 3, 31), []),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 3, 1), []),
        (
            dt.date(2025, 2, 28),
            dt.date(2025, 3, 1),
            None,
            ["开票日期 2025-02-28 不在 2025-03-01 至 …… 之内；请核对发票是否属于本次报销"],
        ),
        (
            dt.date(2025, 4, 1),
            None,
            dt.date(2025, 3, 31),
            ["开票日期 2025-04-01 不在 …… 至 2025-03-31 之内；请核对发票是否属于本次报销"],
        ),
        (None, dt.date(2025, 3, 1), None, []),
    ],
    ids=["inside", "edges", "before", "after", "no-date"],
)
def test_check_date(date: dt.date | None, start: dt.date | None, end: dt.date | None, messages: list[str]) -> None:
    assert [p.message for p in einvoice.check_date(record(date=date), start, end)] == messages


@pytest.mark.parametrize(
    ("other", "messages"),
    [
        ({"path": "b.pdf", "source": Source.PDF, "sha256": "b" * 64}, []),
        (
            {"path": "b.pdf", "source": Source.PDF, "sha256": "b" * 64, "date": dt.date(2025, 3, 8)},
            [
                "开票日期不一致：发票.xml 为 2025-03-07，b.pdf 为 2025-03-08；"
                "同一张发票的文件内容应相同，请向开票方核实哪一份是原件"
            ],
        ),
        (
            {
                "path": "b.png",
                "source": Source.IMAGE,
                "sha256": "b" * 64,
                "net": None,
                "tax": None,
                "gross": D("1160.00"),
            },
            [
                "价税合计不一致：发票.xml 为 1,060.00，b.png 为 1,160.00；"
                "同一张发票的文件内容应相同，请向开票方核实哪一份是原件"
            ],
        ),
        ({"path": "b.png", "source": Source.IMAGE, "buyer_name": "", "buyer_tax_id": "", "net": None, "tax": None}, []),
    ],
    ids=["same", "date", "amount", "qr-has-less"],
)
def test_check_sources(other: dict[str, Any], messages: list[str]) -> None:
    assert [p.message for p in einvoice.check_sources([record(), record(**other)])] == messages


def test_find_duplicates() -> None:
    a = record()
    same_file = record(path="附件/副本/发票.xml")
    pdf_1 = record(path="a.pdf", source=Source.PDF, sha256="c" * 64)
    pdf_2 = record(path="b.pdf", source=Source.PDF, sha256="d" * 64)
    assert einvoice.find_duplicates([a]) == []
    assert einvoice.find_duplicates([a, pdf_1]) == []  # one invoice, two kinds of file
    assert [p.message for p in einvoice.find_duplicates([a, same_file])] == [
        "文件 附件/发票.xml、附件/副本/发票.xml 内容完全相同：同一文件提交了两次，只能报销一次；请删去重复的文件"
    ]
    assert [p.message for p in einvoice.find_duplicates([pdf_1, pdf_2])] == [
        "发票 25312000000123456789 的 PDF 文件有 2 份（a.pdf、b.pdf）：同一张发票只能报销一次；请删去重复的文件"
    ]
    first, second = einvoice.group([a]).invoices[0], einvoice.group([pdf_1]).invoices[0]
    assert [p.message for p in einvoice.find_duplicates([first, second])] == [
        "发票 25312000000123456789 出现了 2 次，只能报销一次；请删去重复的发票"
    ]


@pytest.mark.parametrize(
    ("fields", "lines", "missing"),
    [
        (
            {},
            [
                "发票种类：电子发票（普通发票）",
                "发票号码：25312000000123456789",
                "开票日期：20250307",
                "价税合计：1060.00",
            ],
            [],
        ),
        (
            {"kind": InvoiceKind.SPECIAL, "code": "3300231130", "number": "01234567"},
            [
                "发票种类：增值税专用发票",
                "发票代码：3300231130",
                "发票号码：01234567",
                "开票日期：20250307",
                "金额（不含税）：1000.00",
            ],
            [],
        ),
        (
            {
                "kind": InvoiceKind.E_GENERAL,
                "code": "033002300111",
                "number": "01234567",
                "check_code": "12345678901234567890",
            },
            [
                "发票种类：增值税电子普通发票",
                "发票代码：033002300111",
                "发票号码：01234567",
                "开票日期：20250307",
                "校验码后6位：567890",
            ],
            [],
        ),
        (
            {"kind": InvoiceKind.GENERAL, "code": "3300231130", "number": "01234567"},
            [
                "发票种类：增值税普通发票",
                "发票代码：3300231130",
                "发票号码：01234567",
                "开票日期：20250307",
                "校验码后6位：（未读到）",
            ],
            ["校验码后6位"],
        ),
        (
            {"gross": None},
            [
                "发票种类：电子发票（普通发票）",
                "发票号码：25312000000123456789",
                "开票日期：20250307",
                "价税合计：（未读到）",
            ],
            ["价税合计"],
        ),
    ],
    ids=["数电", "专票", "电子普票", "普票-no-check-code", "数电-no-gross"],
)
def test_verification_fields(fields: dict[str, Any], lines: list[str], missing: list[str]) -> None:
    v = einvoice.verification(record(**fields))
    assert v.lines() == lines
    assert list(v.missing) == missing


def test_rate_lines_split_an_invoice_by_tax_rate() -> None:
    items = (
        InvoiceItem(name="*住宿服务*住宿费", amount=D("1000.00"), rate=D("0.06"), tax=D("60.00")),
        InvoiceItem(name="*餐饮服务*早餐", amount=D("100.00"), rate=D("0.06"), tax=D("6.00")),
        InvoiceItem(name="*日用品*洗漱用品", amount=D("50.00"), rate=D("0.13"), tax=D("6.50")),
    )
    lines = record(items=items, net=D("1150.00"), tax=D("72.50"), gross=D("1222.50")).rate_lines()
    assert [(x.rate, x.net, x.tax, x.gross) for x in lines] == [
        (D("0.06"), D("1100.00"), D("66.00"), D("1166.00")),
        (D("0.13"), D("50.00"), D("6.50"), D("56.50")),
    ]
    qr_only = record(items=(), tax_rates=(), net=None, tax=None, gross=D("1060.00")).rate_lines()
    assert [(x.rate, x.net, x.tax, x.gross) for x in qr_only] == [(None, None, None, D("1060.00"))]
