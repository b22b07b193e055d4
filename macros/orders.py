"""Order workflow actions (regulation 二.1 / 三.1 / 四.1)."""

from __future__ import annotations

import xlwings as xw

import validators
from neiqin.marks import mark_issues

from .registry import Context, Summary, action


@action(
    "validate_orders",
    label="校验订单",
    group="订单",
    image="AcceptInvitation",
    screentip="校验订单台账",
    supertip="检查『订单台账』每一行：必填项、日期、数量、金额 = 数量×单价、交货期、重复行、"
    "可选值……问题标在单元格上（浅色底纹 + 批注），并全部列在『校验结果』工作表。",
)
def validate_orders(book: xw.Book, ctx: Context) -> Summary:
    """订单台账: run every order check and mark the problems in the clerk's cells."""
    result = validators.validate(book, "orders", ctx.settings, ctx.today)
    issues = result.issues + ctx.setting_issues
    scope = result.sheets + sorted({i.sheet for i in ctx.setting_issues})
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title="校验订单台账", when=ctx.now)
    return Summary.of_issues("validate_orders", issues, result.rows, "订单", marked)
