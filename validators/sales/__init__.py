"""销售报表 — daily, weekly and monthly sales reports (regulation 二.3 / 三.3 / 四.3).

Not a ledger of its own: reports read 订单台账 and 订单归档 (or any sales export, mapped by
a TOML file). This package declares the report codes, the 报表 ribbon group and the report
settings; ``reports`` is the pure report engine, ``sources`` turns ledgers, value grids and
export files into sales lines.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section, register_section
from neiqin.core.issues import register_codes
from neiqin.core.kit import Group, register_group

from .codes import CODES, ReportCode


class ReportSettings(Section):
    """销售报表."""

    title: ClassVar[str] = "销售报表"

    report_date: dt.date | None = Field(
        None, alias="报表日期", description="日报/周报/月报按哪一天所在的期间生成；空 = 今天"
    )
    change_min_base: float = Field(
        10000.0,
        alias="环比最小基数",
        ge=0,
        description="上期（或去年同期）的金额低于此数时，环比/同比不写百分比（基数太小，百分比没有意义），"
        "改写『大幅增长』『增长』『下降』并给出两期金额；单位同报表金额（元）",
    )


GROUP = register_group(Group("reports", "报表", order=20))
register_codes(CODES, "销售报表（制度二.3 / 四.3）")
register_section("sales", ReportSettings)
LEDGERS = ()

__all__ = ["GROUP", "LEDGERS", "ReportCode", "ReportSettings"]
