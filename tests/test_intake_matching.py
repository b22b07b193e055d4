"""Customer and product matching, kinds and references, the clerk's alias learning, and the public API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neiqin.base.errors import NeiQinError
from neiqin.core.intake import (
    Alias,
    Ask,
    Customer,
    Product,
    Reader,
    learn,
    load_catalogue,
    parse_eml,
    parse_message,
    split_message,
)
from tests.intake_corpus import DATA, reader

SENT = dt.datetime(2026, 11, 20, 9, 0)


def customer_of(text: str, hint: str | None = None) -> tuple[str | None, set[str], tuple[str, ...]]:
    intake = reader().parse(text, sent=SENT, customer_hint=hint)
    code = intake.customer.code if intake.customer else None
    return (
        code,
        {q.code for q in intake.questions if q.field == "customer"},
        tuple(c.code for c in intake.customer_candidates),
    )


@pytest.mark.parametrize(
    ("text", "hint", "code", "asks", "candidates"),
    [
        ("苏州恒通机械有限公司订购电机5台", None, "C0001", set(), ()),
        ("恒通张伟：电机5台", None, "C0001", set(), ()),
        ("电机5台", "张伟-苏州恒通", "C0001", set(), ()),
        ("电机5台", "13912345678", "C0001", set(), ()),
        ("电机5台 联系电话 +86 139 1234 5678", None, "C0001", set(), ()),
        ("电机5台，电话0512-65881234", None, "C0001", set(), ()),
        ("电机5台", "Zhang Wei <zhangwei@hengtong-sz.com.cn>", "C0001", set(), ()),
        ("电机5台", "采购部 <caigou@hengtong-sz.com.cn>", "C0001", set(), ()),  # the company's own mail domain
        ("电机5台", "sunli@163.com", "C0003", set(), ()),  # a public mailbox: the exact address only
        ("电机5台", "someone@163.com", None, {Ask.CUSTOMER_UNKNOWN}, ()),
        ("苏州恒通机槭有限公司 订货单", None, "C0001", set(), ()),  # OCR slip in the name
        ("我们是宏达，电机5台", None, None, {Ask.CUSTOMER_AMBIGUOUS}, ("C0003", "C0004")),
        ("宏达孙丽：电机5台", None, "C0003", set(), ()),  # the contact decides
        ("宏达电气：电机5台", None, "C0004", set(), ()),  # 宏达 inside 宏达电气 counts once
        ("宁波宏达包装机械有限公司：电机5台", None, "C0003", set(), ()),
        ("常州华科电气：电机5台", None, None, {Ask.CUSTOMER_UNKNOWN}, ()),
        ("恒通和远航都要电机", None, None, {Ask.CUSTOMER_AMBIGUOUS}, ("C0001", "C0002")),
        ("电机5台", None, None, {Ask.CUSTOMER_UNKNOWN}, ()),
    ],
)
def test_customer(text: str, hint: str | None, code: str | None, asks: set[str], candidates: tuple[str, ...]) -> None:
    got_code, got_asks, got_candidates = customer_of(text, hint)
    assert (got_code, got_asks) == (code, asks)
    assert sorted(got_candidates) == sorted(candidates)


def test_customer_evidence_is_told() -> None:
    intake = reader().parse("电机5台，下周五", sent=SENT, customer_hint="张伟 13912345678")
    assert intake.customer is not None
    assert intake.customer.evidence == ("发件人：联系人『张伟』", "发件人：电话 13912345678")
    assert intake.customer.score == 100.0


def product_of(text: str, hint: str = "恒通张伟") -> tuple[str | None, tuple[str, ...], float]:
    intake = reader().parse(text + " 5台，12月5日前", sent=SENT, customer_hint=hint)
    [ln] = intake.lines
    return ln.product_code, ln.candidates, ln.score


@pytest.mark.parametrize(
    ("text", "hint", "code", "candidates"),
    [
        ("MT-2200", "恒通张伟", "MT-2200", ()),
        ("mt2200", "恒通张伟", "MT-2200", ()),
        ("MT-22OO", "恒通张伟", "MT-2200", ()),  # OCR: O for 0
        ("YE3-100L1-4", "恒通张伟", "MT-2200", ()),
        ("YE3-l00L1-4", "恒通张伟", "MT-2200", ()),  # OCR: l for 1
        ("ＹＥ３－１００Ｌ１－４", "恒通张伟", "MT-2200", ()),  # full width
        ("2.2kW电机", "恒通张伟", "MT-2200", ()),
        ("2.2千瓦的马达", "恒通张伟", "MT-2200", ()),
        ("三相电机5.5kW", "恒通张伟", "MT-5500", ()),
        ("三相异步电杋 5.5kW", "恒通张伟", "MT-5500", ()),  # OCR slip in a name: fuzzy
        ("变频电机", "恒通张伟", "MT-1100", ()),
        ("变频器 2.2kW", "恒通张伟", "VF-2200", ()),
        ("E820 2.2K", "恒通张伟", "VF-2200", ()),
        ("FR-E820-2.2K", "恒通张伟", "VF-2200", ()),
        ("涡轮减速机 RV63", "恒通张伟", "GR-0630", ()),
        ("蜗轮减速机 速比30", "恒通张伟", "GR-0630", ()),
        ("减速机 1:25", "恒通张伟", "GR-1100", ()),
        ("6205 2RS", "恒通张伟", "PT-BR6205", ()),
        ("TC40x62x8", "恒通张伟", "PT-OS80", ()),
        ("编码器线10米", "恒通张伟", "CB-EN10", ()),
        ("小电机", "恒通张伟", "MT-0750", ()),  # this customer's alias
        ("老款减速机", "恒通张伟", "GR-0630", ()),
        ("电机", "恒通张伟", None, ("MT-0750", "MT-1100", "MT-2200", "MT-5500")),
        ("2.2kW", "恒通张伟", None, ("MT-2200", "VF-2200")),
        ("6205轴承", "恒通张伟", None, ("PT-BR6205", "PT-BR6205Z")),
        ("小号", "宏达 孙丽", None, ("PT-BR6205", "PT-BR6205Z")),  # an alias for two products
        (
            "小电机",
            "宏达 孙丽",
            None,
            ("MT-0750", "MT-1100", "MT-2200", "MT-5500"),
        ),  # another customer's alias: just 电机
        ("变频器 1.5kW", "恒通张伟", None, ()),  # no such power in the catalogue
        ("西门子V20", "恒通张伟", None, ()),
    ],
)
def test_product(text: str, hint: str, code: str | None, candidates: tuple[str, ...]) -> None:
    intake = reader().parse(text + " 5台，12月5日前", sent=SENT, customer_hint=hint)
    [ln] = intake.lines
    assert (ln.product_code, ln.candidates) == (code, candidates)
    asks = {q.code for q in ln.questions}
    if code is None:
        assert asks == ({Ask.PRODUCT_AMBIGUOUS} if candidates else {Ask.PRODUCT_UNKNOWN})


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("西门子V20 5台，月底前", "西门子V20"),
        ("电机5台，另外ZZ的也要200套，月底前", "ZZ的也要"),
        ("5台，月底前", "5台"),
    ],
)
def test_a_quantity_no_product_took_is_a_line_to_ask_about(text: str, wording: str) -> None:
    """Never dropped in silence: the words before the quantity become a line whose product is asked."""
    lines = reader().parse(text, sent=SENT, customer_hint="恒通张伟").lines
    ln = lines[-1]
    assert (ln.wording, ln.product_code, ln.quantity, ln.delivery) == (wording, None, None, dt.date(2026, 11, 30))
    assert [q.code for q in ln.questions] == [Ask.PRODUCT_UNKNOWN]


@pytest.mark.parametrize(
    ("text", "kind", "order_ids", "pos", "asks"),
    [
        ("SO2611018那单取消吧", "cancel", ("SO2611018",), (), set()),
        ("S02611018那单作废", "cancel", ("SO2611018",), (), set()),  # OCR: zero for O
        ("订单号：SO2611018 不要了", "cancel", ("SO2611018",), (), set()),
        ("PO-YH-1120-03 里的变频器改成5台", "change", (), ("PO-YH-1120-03",), set()),
        ("采购单 HD-PO-2611-07 全部取消", "cancel", (), ("HD-PO-2611-07",), set()),
        ("No. YX-2612-011 推迟到12月20日", "change", (), ("YX-2612-011",), set()),
        ("合同号 HDDQ-2612-15 交期提前到12月10日", "change", (), ("HDDQ-2612-15",), set()),
        ("HM-2612-004 这单交期延后到12月15号", "change", (), ("HM-2612-004",), set()),
        ("上周订的那批伺服取消", "cancel", (), (), {Ask.REF_MISSING}),
        ("上次的单子改一下", "order", (), (), set()),
        ("客户订单号:HT-27010801 电机5台", "order", (), ("HT-27010801",), set()),
        ("采购单号 S0123456 电机5台", "order", (), ("S0123456",), set()),  # not our number's shape: kept as written
    ],
)
def test_kind_and_references(
    text: str, kind: str, order_ids: tuple[str, ...], pos: tuple[str, ...], asks: set[str]
) -> None:
    intake = reader().parse(text, sent=SENT, customer_hint="恒通张伟")
    assert (intake.kind, intake.order_ids, intake.pos) == (kind, order_ids, pos)
    assert {q.code for q in intake.questions if q.field == "ref"} == asks


@pytest.mark.parametrize(
    ("text", "action", "quantity"),
    [
        ("SO2612007再追加3台5.5kW电机", "add", 3),
        ("SO2612007 5.5kW电机改为8台", "set", 8),
        ("SO2612007 5.5kW电机由2台改为3台", "set", 3),
        ("SO2612007 5.5kW电机少要2台", "reduce", 2),
        ("SO2612007 5.5kW电机减少2台", "reduce", 2),
        ("SO2612007 追加5.5kW电机2台", "add", 2),
        ("SO2612007 里的5.5kW电机取消", "cancel", None),
        ("SO2612007 里的5.5kW电机取消1台", "reduce", 1),
    ],
)
def test_change_actions(text: str, action: str, quantity: int | None) -> None:
    [ln] = reader().parse(text, sent=SENT, customer_hint="恒通张伟").lines
    assert (ln.product_code, ln.action, ln.quantity) == ("MT-5500", action, Decimal(quantity) if quantity else None)


def test_a_date_change_has_no_lines_and_a_message_date() -> None:
    intake = reader().parse("SO2611025 的交货期麻烦推迟到12月18日，其余不变。", sent=SENT, customer_hint="周杰")
    assert (intake.kind, intake.lines, intake.delivery, intake.questions) == ("change", (), dt.date(2026, 12, 18), ())


def test_a_change_without_content_is_asked() -> None:
    intake = reader().parse("SO2611025 要变更一下", sent=SENT, customer_hint="周杰")
    assert [q.code for q in intake.questions] == [Ask.CHANGE_UNCLEAR]


def test_all_questions_name_the_line() -> None:
    intake = reader().parse("电机5台，6206轴承", sent=SENT)
    assert intake.all_questions == [
        "未能确定是哪家客户（客户档案中没有匹配的名称、简称、联系人、电话或邮箱），请确认发件单位",
        "未写交货日期，请与客户确认交货日期",
        "第1行（电机）：『电机』对应四个规格：YE3-80M2-4 0.75kW（MT-0750）、YVF2-90L-4 1.1kW（MT-1100）、"
        "YE3-100L1-4 2.2kW（MT-2200）、YE3-132S-4 5.5kW（MT-5500），请与客户确认要哪一个",
        "第2行（6206轴承）：『6206轴承』未写数量（或数量无法识别），请与客户确认",
    ]


def test_line_fields_for_the_ledger() -> None:
    [ln] = (
        reader().parse("YE3-100L1-4 2.2kW电机要5台，单价1800，下周五前到厂", sent=SENT, customer_hint="恒通张伟").lines
    )
    assert ln.model_dump(exclude={"evidence", "questions"}) == {
        "text": "YE3-100L1-4 2.2kW电机要5台，单价1800，下周五前到厂",  # as written: full-width commas kept
        "wording": "YE3-100L1-4 2.2kW电机",
        "product_code": "MT-2200",
        "product_name": "三相异步电机",
        "product_spec": "YE3-100L1-4 2.2kW",
        "score": 100.0,
        "candidates": (),
        "quantity": Decimal(5),
        "unit": "台",
        "said": "5台",
        "price": Decimal(1800),
        "list_price": Decimal(1850),
        "price_differs": True,
        "delivery": dt.date(2026, 11, 27),
        "action": "order",
        "confidence": 1.0,
    }
    assert ln.evidence == ("规格『YE3-100L1-4』", "参数『2.2kW』", "名称『电机』")


# ----------------------------------------------------------------------------------- learning


def test_learn_replaces_an_ambiguous_alias() -> None:
    cat = load_catalogue(DATA / "catalogue.toml")
    before = reader().parse("小号的轴承30盒，月底前", sent=SENT, customer_hint="宏达 孙丽")
    [ln] = before.lines
    assert (ln.product_code, ln.wording) == (None, "小号的轴承")
    assert before.customer is not None
    aliases = learn(cat.aliases, before.customer, "小号", "PT-BR6205Z", products=cat.products)
    assert [a.product_code for a in aliases if a.wording == "小号"] == ["PT-BR6205Z"]
    assert len([a for a in cat.aliases if a.wording == "小号"]) == 2  # the input is not changed
    after = Reader(cat.customers, cat.products, aliases).parse(
        "小号的轴承30盒，月底前", sent=SENT, customer_hint="宏达 孙丽"
    )
    assert [(x.product_code, x.quantity, x.questions) for x in after.lines] == [("PT-BR6205Z", Decimal(300), ())]


def test_learn_a_new_wording() -> None:
    cat = load_catalogue(DATA / "catalogue.toml")
    aliases = learn(cat.aliases, "成都德力机械有限公司", "  大行星 ", "GR-2000")
    assert aliases[-1] == Alias(customer="成都德力机械有限公司", wording="大行星", product_code="GR-2000")
    r = Reader(cat.customers, cat.products, aliases)
    [ln] = r.parse("大行星两台，月底", sent=SENT, customer_hint="德力杨勇").lines
    assert (ln.product_code, ln.quantity, ln.evidence) == ("GR-2000", Decimal(2), ("客户叫法『大行星』",))
    # the same words from another customer are not known: asked about
    [other] = r.parse("大行星两台，月底", sent=SENT, customer_hint="恒通张伟").lines
    assert (other.product_code, [q.code for q in other.questions]) == (None, [Ask.PRODUCT_UNKNOWN])


def test_learn_is_idempotent_and_folds_the_wording() -> None:
    a = learn([], "恒通", "小电机", "MT-0750")
    assert learn(a, "恒通", "小电机", "MT-0750") == a
    assert learn(a, "恒通", "ＳＭ小电机".replace("ＳＭ", ""), "MT-2200") == [
        Alias(customer="恒通", wording="小电机", product_code="MT-2200")
    ]


@pytest.mark.parametrize(
    ("customer", "wording", "code", "message"),
    [("恒通", " ", "MT-0750", "不能为空"), ("恒通", "小电机", "XX-9999", "不在产品目录中")],
)
def test_learn_refuses(customer: str, wording: str, code: str, message: str) -> None:
    cat = load_catalogue(DATA / "catalogue.toml")
    with pytest.raises(ValueError, match=message):
        learn(cat.aliases, customer, wording, code, products=cat.products)


# ----------------------------------------------------------------------------- one-call API


def test_parse_message_and_parse_eml() -> None:
    cat = load_catalogue(DATA / "catalogue.toml")
    intake = parse_message(
        "小电机二十台，下周五",
        sent=SENT,
        customers=cat.customers,
        products=cat.products,
        aliases=cat.aliases,
        customer_hint="恒通张伟",
    )
    assert [(ln.product_code, ln.quantity, ln.delivery) for ln in intake.lines] == [
        ("MT-0750", Decimal(20), dt.date(2026, 11, 27))
    ]
    mail = parse_eml((DATA / "eml" / "mail-007.eml").read_bytes(), customers=cat.customers, products=cat.products)
    assert (mail.kind, mail.pos, mail.customer.code if mail.customer else None) == (
        "cancel",
        ("HD-PO-2611-07",),
        "C0003",
    )


def test_records_from_ledger_cells() -> None:
    """Archive and catalogue cells hold several entries in one text: they are split."""
    c = Customer(
        name=" 苏州恒通机械有限公司 ",
        short_names="恒通、苏州恒通",
        contacts="张伟，李娜",
        phones="13912345678 / 0512-65881234",
    )
    assert (c.name, c.short_names, c.contacts, c.phones) == (
        "苏州恒通机械有限公司",
        ("恒通", "苏州恒通"),
        ("张伟", "李娜"),
        ("13912345678", "0512-65881234"),
    )
    with pytest.raises(ValueError, match="客户名称不能为空"):
        Customer(name="  ")
    # numbers and empty cells as a workbook gives them
    assert Customer(code=1, name="恒通", phones=13912345678.0, short_names=None).phones == ("13912345678",)
    p = Product(code=2200, name="电机", unit="台", spec=None, category=None, packs=None, list_price=18.5)
    assert (p.code, p.spec, p.packs, p.list_price) == ("2200", "", {}, Decimal("18.5"))
    assert Alias(customer="德力", wording=63, product_code="GR-0630").wording == "63"
    with pytest.raises(ValueError, match="产品编号、名称和单位不能为空"):
        Product(code="X", name="电机", unit=None)
    with pytest.raises(ValueError, match="看不懂"):
        Product(code="X", name="电机", unit="台", packs="一箱四台")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[[product]]\ncode = 'X'\n", r"第 1 个 \[\[product\]\] 有误：name: Field required"),
        ("[[product]]\ncode = 'X'\nname = '电机'\nunit = '台'\npacks = '1箱=四台'\n", "看不懂"),
        ("[[alias]]\ncustomer = '恒通'\nwording = '小电机'\nproduct = 'NOPE'\n", "不在产品目录中"),
        ("[[customer\n", "格式有误"),
    ],
)
def test_catalogue_file_refused(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(NeiQinError, match=message):
        load_catalogue(path)


def test_missing_catalogue_file(tmp_path: Path) -> None:
    with pytest.raises(NeiQinError, match="无法读取目录文件"):
        load_catalogue(tmp_path / "none.toml")


def test_empty_archive_and_catalogue() -> None:
    intake = Reader([], []).parse("电机5台，下周五", sent=SENT)
    assert (intake.customer, [q.code for q in intake.questions]) == (None, [Ask.CUSTOMER_UNKNOWN])
    assert [(ln.wording, [q.code for q in ln.questions]) for ln in intake.lines] == [("电机", [Ask.PRODUCT_UNKNOWN])]


def test_outside_text_is_kept_as_written() -> None:
    """Formula-like text is data: wording and text are returned unchanged for the caller to write as text."""
    [ln] = reader().parse('=HYPERLINK("x") 小电机 5台 下周五', sent=SENT, customer_hint="恒通张伟").lines
    assert ln.text == '=HYPERLINK("x") 小电机 5台 下周五'
    assert ln.wording == "小电机"


_PIECES = [
    *"电机减速变频器轴承油封台只套箱盒米个各和、，。\n 0123456789OlxX.-:",
    *"一二两三十百万月日号周下本年前后尽快取消改为追加SOPO",
    *["6205", "RV063", "2.2kW", "MT-2200", "恒通", "宏达", "小号", "由", "约", "元", "单价", "¥"],
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_any_message_is_read_without_guessing(text: str) -> None:
    """Whatever the text: no crash, and every empty field of a draft line comes with a question."""
    intake = reader().parse(text, sent=SENT, customer_hint="恒通张伟")
    asked_message = {q.field for q in intake.questions}
    for ln in intake.lines:
        asked = {q.field for q in ln.questions} | asked_message
        if ln.product_code is None:
            assert "product" in asked
        if intake.kind == "order":
            if ln.quantity is None:
                assert asked & {"product", "quantity"}
            if ln.delivery is None:
                assert "delivery" in asked
        if ln.product_code is not None and ln.quantity is not None:
            assert ln.unit is not None
        assert 0 <= ln.confidence <= 1


def test_characters_nfkc_would_widen_keep_every_offset() -> None:
    """㎡, ①, ™ and ½ become two or more characters under NFKC: the text is read around them, unshifted."""
    text = "①㎡™½ 小电机 ２０台，下周五 ＹＥ３－１３２Ｓ－４ 两台"
    lines = reader().parse(text, sent=SENT, customer_hint="恒通张伟").lines
    assert [(ln.wording, ln.product_code, ln.quantity) for ln in lines] == [
        ("小电机", "MT-0750", 20),
        ("ＹＥ３－１３２Ｓ－４", "MT-5500", 2),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "1" + " " * 100_000 + "台",
        "1O" * 50_000,
        "9" * 100_000,
        "x" * 200_000,
        "a@" * 50_000,
        "单价" + " " * 100_000 + "x",
        "6205 " * 40_000,
        "电机" * 50_000,
        "发件人: a\n" * 20_000,
        "1台" * 50_000,
    ],
    ids=lambda t: f"{t[:6]!r}x{len(t)}",
)
def test_hostile_text_is_read_in_bounded_time(text: str) -> None:
    """Long runs that make naive patterns quadratic; only the first 20,000 characters are read, and said so."""
    intake = reader().parse(text, sent=SENT)
    long = len(split_message(text).body) > 20_000
    assert any("只读取了前" in n for n in intake.notes) == long
    assert len(intake.text) <= 20_000
