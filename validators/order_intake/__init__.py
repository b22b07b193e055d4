"""订单录入 — the paste area of 『粘贴订单』 (制度 三.1: customers order by phone, e-mail, fax; 四.1: no missed
or wrong orders).

One message per line: the customer's e-mail, WeChat message or OCR'd fax text in 原文 (one cell, or one
line per cell in the rows below it), when it came in 收到时间, optionally who sent it in 客户. 『粘贴订单』
reads each new message with ``neiqin.core.intake`` and writes the draft lines to 订单台账 (状态 待确认),
then fills 订单编号 and 录入结果 here: the sheet keeps every message as it came (the draft lines point to
it by 订单编号 and by the 原文# mark in their 备注).
"""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.schema import LedgerRow, column
from validators.orders import GROUP

from .codes import BY_ASK, CODES, IntakeCode
from .demo import demo_rows


class IntakeRow(LedgerRow):
    """订单录入 one pasted message (or one more line of the message above)."""

    text: str = column(
        "原文",
        "消息原文",
        "订单原文",
        "来信内容",
        description="客户的邮件、微信或传真识别文字，原样粘贴；可在一个单元格内，也可每行一格接在下面的行",
        required=True,
        raw=True,
        width=60,
        number_format="@",  # pasted text stays text: 「=cmd|…」 is never a formula, 「001」 keeps its zeros
    )
    received: dt.datetime | None = column(
        "收到时间",
        "收到日期",
        "来信时间",
        description="收到这条消息的时间（“明天”“下周五”按此换算）；只在一条消息的第一行填写",
        width=16,
        number_format=f.DATETIME,
    )
    customer: str | None = column(
        "客户",
        "发件客户",
        "来信客户",
        description="可不填：知道是哪家客户时填客户名称（与『客户档案』一致），否则从消息中识别",
        width=24,
    )
    channel: str | None = column(
        "接单方式",
        "来源",
        description="邮件、微信、传真、电话……（可不填；写入草稿行的接单方式）",
        choices="order_channels",
        width=9,
    )
    order_id: str | None = f.ORDER_ID(
        description="『粘贴订单』填写：草稿订单行的订单编号（已填的消息不会再次录入）", width=12
    )
    result: str | None = column(
        "录入结果",
        "处理结果",
        description="『粘贴订单』填写：录入了几行、要向客户确认的问题",
        width=50,
    )


LEDGER = LedgerSpec(
    name="order_intake",
    title="订单录入",
    noun="消息",
    doc="客户下单的原文：邮件、微信、传真识别文字，一条消息一行（或一行一格接在下面），附收到时间。"
    "『粘贴订单』把新消息读成『订单台账』中状态为『待确认』的草稿行，拿不准的项留空并写明要向客户确认什么；"
    "这里留下原文、生成的订单编号和录入结果，同一条消息不会录入两次（制度三.1 / 四.1）。",
    row=IntakeRow,
    sheet="订单录入",
    sheet_synonyms=("订单原文", "粘贴订单", "来单登记"),
    key=("text",),
    companions=("customers", "products"),
    codes=CODES,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button("校验录入", "AcceptInvitation", "检查『订单录入』：原文、收到时间、可选值。", size="normal"),
)
LEDGERS = (LEDGER,)

__all__ = ["BY_ASK", "LEDGER", "LEDGERS", "IntakeCode", "IntakeRow", "demo_rows"]
