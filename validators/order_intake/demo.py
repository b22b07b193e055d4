"""The demo's 订单录入: two messages of the demo company's customers, pasted the morning of the last day."""

from __future__ import annotations

import datetime as dt
from typing import Any


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows): an e-mail read cleanly, a WeChat line with a question."""
    end: dt.date = data["end"]
    first, second = data["customers"][0], data["customers"][1]
    mail = (
        "王经理您好：\n"
        "我司订购 YE3-100L1-4 2.2kW 电机 6台，FR-E820-0.75K 变频器 6台，下周五前送到。\n"
        "谢谢！\n"
        f"{first.contact}\n{first.name}\n{first.mobile}"
    )
    wechat = "变频器再来2台，月底前要"  # which inverter? asked, not guessed
    return {
        "order_intake": [
            {"text": mail, "received": dt.datetime.combine(end, dt.time(9, 12)), "channel": "邮件"},
            {
                "text": wechat,
                "received": dt.datetime.combine(end, dt.time(10, 5)),
                "customer": second.name,
                "channel": "微信",
            },
        ]
    }
