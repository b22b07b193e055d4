"""Delivery dates as customers write them (neiqin.core.intake.dates): one row per expression is the spec."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neiqin.base.text import nfkc
from neiqin.core.intake import find_dates, spring_festival_eve

D = dt.date
FRI = D(2026, 11, 20)  # a Friday
MON = D(2026, 11, 23)
WED = D(2026, 11, 25)


def delivery(text: str, sent: dt.date) -> list[tuple[str, dt.date | None, str]]:
    return [(h.text.strip(), h.value, h.status) for h in find_dates(nfkc(text), sent)]


@pytest.mark.parametrize(
    ("text", "sent", "found", "value", "status"),
    [
        # absolute, with and without a year
        ("12月5日前到", FRI, "12月5日", D(2026, 12, 5), "ok"),
        ("12月5号前发过来", FRI, "12月5号", D(2026, 12, 5), "ok"),
        ("１２月２３日前", FRI, "12月23日", D(2026, 12, 23), "ok"),
        ("十二月五日交货", FRI, "十二月五日", D(2026, 12, 5), "ok"),
        ("一月八号前", D(2026, 12, 29), "一月八号", D(2027, 1, 8), "ok"),
        ("2026-12-20交货", FRI, "2026-12-20", D(2026, 12, 20), "ok"),
        ("交期:2027.1.22", FRI, "2027.1.22", D(2027, 1, 22), "ok"),
        ("2026年12月10日前", FRI, "2026年12月10日", D(2026, 12, 10), "ok"),
        ("12/30前", FRI, "12/30", D(2026, 12, 30), "ok"),
        ("1/29前到", D(2027, 1, 18), "1/29", D(2027, 1, 29), "ok"),
        ("12.10前送到", FRI, "12.10", D(2026, 12, 10), "ok"),
        # a month-day just passed is a slip to ask about, one long past is next year's
        ("12月5日前到", D(2026, 12, 7), "12月5日", D(2026, 12, 5), "past"),
        ("11月3日前", D(2026, 12, 28), "11月3日", D(2026, 11, 3), "past"),
        ("1月10日前", D(2026, 12, 20), "1月10日", D(2027, 1, 10), "ok"),
        ("2026-11-10前", FRI, "2026-11-10", D(2026, 11, 10), "past"),
        # day of the month only: this month's, or next month's once passed
        ("25号前要", FRI, "25号", D(2026, 11, 25), "ok"),
        ("10号送到", FRI, "10号", D(2026, 12, 10), "ok"),
        ("31号前", FRI, "31号", D(2026, 12, 31), "ok"),
        ("下月10号前", D(2026, 12, 1), "下月10号", D(2027, 1, 10), "ok"),
        ("下个月5日", FRI, "下个月5日", D(2026, 12, 5), "ok"),
        ("本月28号", FRI, "本月28号", D(2026, 11, 28), "ok"),
        ("本月10号", FRI, "本月10号", D(2026, 11, 10), "past"),
        # parts of a month
        ("月底前要", FRI, "月底", D(2026, 11, 30), "ok"),
        ("本月底前", D(2026, 12, 9), "本月底", D(2026, 12, 31), "ok"),
        ("月末交货", D(2027, 2, 3), "月末", D(2027, 2, 28), "ok"),
        ("下月底", WED, "下月底", D(2026, 12, 31), "ok"),
        ("下月初到", D(2026, 12, 23), "下月初", D(2027, 1, 5), "ok"),
        ("月中前送到", FRI, "月中", D(2026, 12, 15), "ok"),
        ("月中", D(2026, 11, 10), "月中", D(2026, 11, 15), "ok"),
        ("月初", D(2026, 11, 3), "月初", D(2026, 11, 5), "ok"),
        ("12月中旬", FRI, "12月中旬", D(2026, 12, 20), "ok"),
        ("12月上旬", FRI, "12月上旬", D(2026, 12, 10), "ok"),
        ("12月下旬", FRI, "12月下旬", D(2026, 12, 31), "ok"),
        ("1月底", D(2027, 1, 12), "1月底", D(2027, 1, 31), "ok"),
        ("2月底", D(2027, 1, 12), "2月底", D(2027, 2, 28), "ok"),
        # days from the message
        ("今天能发吗", FRI, "今天", FRI, "ok"),
        ("明天要", FRI, "明天", D(2026, 11, 21), "ok"),
        ("后天要", FRI, "后天", D(2026, 11, 22), "ok"),
        ("大后天要", FRI, "大后天", D(2026, 11, 23), "ok"),
        ("三天内", FRI, "三天内", D(2026, 11, 23), "ok"),
        ("10日内", FRI, "10日内", D(2026, 11, 30), "ok"),
        ("一周内到", FRI, "一周内", D(2026, 11, 27), "ok"),
        ("2周内到", FRI, "2周内", D(2026, 12, 4), "ok"),
        ("一个星期内", FRI, "一个星期内", D(2026, 11, 27), "ok"),
        ("半个月内", FRI, "半个月内", D(2026, 12, 5), "ok"),
        ("一个月内", D(2027, 1, 31), "一个月内", D(2027, 2, 28), "ok"),
        ("5个工作日内", FRI, "5个工作日内", D(2026, 11, 27), "ok"),
        ("7天后发货", FRI, "7天后", D(2026, 11, 27), "ok"),
        # weekdays (weeks start on Monday)
        ("下周五前到厂", FRI, "下周五", D(2026, 11, 27), "ok"),
        ("下周一要", D(2026, 11, 22), "下周一", D(2026, 11, 23), "ok"),
        ("下星期三", MON, "下星期三", D(2026, 12, 2), "ok"),
        ("下下周一", D(2026, 12, 24), "下下周一", D(2027, 1, 4), "ok"),
        ("本周五送到", MON, "本周五", D(2026, 11, 27), "ok"),
        ("这周四前", MON, "这周四", D(2026, 11, 26), "ok"),
        ("这周一", WED, "这周一", D(2026, 11, 23), "past"),
        ("周三前要", MON, "周三", D(2026, 11, 25), "ok"),
        ("周三前要", WED, "周三", D(2026, 12, 2), "ok"),
        ("礼拜天", FRI, "礼拜天", D(2026, 11, 22), "ok"),
        ("星期6", FRI, "星期6", D(2026, 11, 21), "ok"),
        ("本周内", MON, "本周内", D(2026, 11, 29), "ok"),
        ("下周内发", FRI, "下周内", D(2026, 11, 29), "ok"),
        ("周末前", WED, "周末前", D(2026, 11, 27), "ok"),
        ("周末前", D(2026, 11, 28), "周末前", D(2026, 12, 4), "ok"),
        # holidays; 年前 is before the Spring Festival, not before 1 January
        ("年前到就行", D(2026, 12, 14), "年前", D(2027, 2, 5), "ok"),
        ("春节前", D(2027, 1, 20), "春节前", D(2027, 2, 5), "ok"),
        ("过年前要", D(2027, 3, 1), "过年前", D(2028, 1, 25), "ok"),
        ("年底前", FRI, "年底", D(2026, 12, 31), "ok"),
        ("元旦前到", D(2026, 12, 23), "元旦前", D(2026, 12, 31), "ok"),
        ("国庆前", D(2027, 3, 1), "国庆前", D(2027, 9, 30), "ok"),
        ("五一前", D(2027, 5, 8), "五一前", D(2028, 4, 30), "ok"),
        # no date: asked about
        ("尽快发货", FRI, "尽快", None, "asap"),
        ("越快越好", FRI, "越快越好", None, "asap"),
        ("ASAP please", FRI, "ASAP", None, "asap"),
        ("急！6205轴承", FRI, "急", None, "asap"),
        ("节后再发", FRI, "节后", None, "unclear"),
        ("交期待定", FRI, "交期待定", None, "unclear"),
        ("交货时间另行通知", FRI, "交货时间另行通知", None, "unclear"),
        ("2月30日前", FRI, "2月30日", None, "unclear"),
        # dates that are not delivery dates
        ("日期：2026.11.18", FRI, "2026.11.18", D(2026, 11, 18), "ref"),
        ("原定12月5日", FRI, "12月5日", D(2026, 12, 5), "ref"),
        ("由3月20日改为", D(2027, 3, 5), "3月20日", D(2027, 3, 20), "ref"),
        ("11月18日下的单", FRI, "11月18日", D(2026, 11, 18), "ref"),
        ("月底前开票", FRI, "月底", D(2026, 11, 30), "ref"),
        ("昨天下的单", FRI, "昨天", None, "ref"),
        ("上周三订的", FRI, "上周三", None, "ref"),
    ],
)
def test_expression(text: str, sent: dt.date, found: str, value: dt.date | None, status: str) -> None:
    assert delivery(text, sent)[0] == (found, value, status)


def test_a_past_order_date_is_not_a_delivery_date() -> None:
    # "11月18日下的单" is when the order was placed; passed or not, it never becomes the delivery date
    [(_, _, status)] = delivery("11月25日下的单", FRI)
    assert status == "ref"


@pytest.mark.parametrize(
    "text",
    [
        "页数：1/1",  # a page count, not January 1st
        "我司二号仓库",  # a warehouse number
        "速比1:30 4x2.5 1.5万套",  # ratio, cable size, quantity
        "HM-2612-004 这单",  # a PO number
        "两年前买的电机",  # years ago, not 年前
        "第3号",
    ],
)
def test_not_a_date(text: str) -> None:
    assert delivery(text, FRI) == []


def test_two_dates_in_one_message_stay_apart() -> None:
    assert delivery("小变频5台这周五要，大变频1台月底前就行", D(2027, 1, 11)) == [
        ("这周五", D(2027, 1, 15), "ok"),
        ("月底", D(2027, 1, 31), "ok"),
    ]


@pytest.mark.parametrize(
    ("after", "eve"),
    [
        (D(2026, 12, 14), D(2027, 2, 5)),
        (D(2027, 2, 5), D(2027, 2, 5)),
        (D(2027, 2, 6), D(2028, 1, 25)),
        (D(2025, 1, 1), D(2025, 1, 28)),
        (D(2030, 6, 1), D(2031, 1, 22)),
    ],
)
def test_spring_festival_eve(after: dt.date, eve: dt.date) -> None:
    assert spring_festival_eve(after) == eve


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789一二三四五六七八九十月日号周星期下本这上年前后天内底初中旬/.-: 个工作半礼拜今明急节")
        ),
        max_size=40,
    ),
    st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
)
def test_any_text_gives_ordered_hits_inside_the_text(text: str, sent: dt.date) -> None:
    hits = find_dates(text, sent)
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    for h in hits:
        assert text[h.start : h.end] == h.text
        assert (h.value is None) == (h.status in ("asap", "unclear") or (h.status == "ref" and h.value is None))
