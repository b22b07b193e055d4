"""The demo's 考核表: each clerk's 自评, 吴倩's 上级评价 and the other two clerks' 同事评价, last month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from validators.staff import CLERKS

SUPERVISOR = "吴倩"  # 内勤主管 of the demo's 人员
# clerk -> (自评, 上级评价, {peer: score})
SCORES = {
    "李娜": (92, 90, {"张敏": 88, "孙丽": 91}),
    "张敏": (85, 78, {"李娜": 80, "孙丽": 76}),
    "孙丽": (88, 84, {"李娜": 86, "张敏": 82}),
}


def review_rows(month: dt.date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for clerk in CLERKS:
        own, boss, peers = SCORES[clerk]
        rows.append({"month": month, "person": clerk, "kind": "自评", "rater": clerk, "score": own,
                     "comment": "按时完成订单录入和报表"})  # fmt: skip
        rows.append({"month": month, "person": clerk, "kind": "上级评价", "rater": SUPERVISOR, "score": boss,
                     "comment": "工作认真，注意客户信息核对"})  # fmt: skip
        for peer, score in peers.items():
            rows.append({"month": month, "person": clerk, "kind": "同事评价", "rater": peer, "score": score})
    return rows


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows): scores for the month before the demo's day."""
    today = data["end"]
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return {"assessment": review_rows(dt.datetime(month.year, month.month, 1))}
