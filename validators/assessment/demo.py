"""The demo's 考核表: each clerk's 自评, 吴倩's 上级评价 and the other two clerks' 同事评价, last month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from validators.staff import CLERKS

SUPERVISOR = "吴倩"  # 内勤主管 of the demo's 人员
# clerk -> (自评, 上级评价, {peer: score})
SCORES = {
    "李娜": (96, 95, {"张敏": 93, "孙丽": 96}),
    "张敏": (85, 78, {"李娜": 80, "孙丽": 76}),
    "孙丽": (88, 84, {"李娜": 86, "张敏": 82}),
}


def review_rows(month: dt.date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    shift = (month.month * 7) % 5 - 2  # the months differ a little: -2 … +2
    for clerk in CLERKS:
        own, boss, peers = SCORES[clerk]
        own, boss, peers = own + shift, boss + shift, {p: s + shift for p, s in peers.items()}
        rows.append({"month": month, "person": clerk, "kind": "自评", "rater": clerk, "score": own,
                     "comment": "按时完成订单录入和报表"})  # fmt: skip
        rows.append({"month": month, "person": clerk, "kind": "上级评价", "rater": SUPERVISOR, "score": boss,
                     "comment": "工作认真，注意客户信息核对"})  # fmt: skip
        for peer, score in peers.items():
            rows.append({"month": month, "person": clerk, "kind": "同事评价", "rater": peer, "score": score})
    return rows


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows): scores for each month of the year up to the month
    before the demo's day, and the clerks' trainings of the year."""
    today = data["end"]
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rows = [r for number in range(1, month.month + 1) for r in review_rows(dt.datetime(month.year, number, 1))]
    return {"assessment": rows, "training": training_rows(today)}


REGION_CLERK = {"华东": "李娜", "华北": "张敏", "华南": "孙丽"}  # who keeps which region's orders (others: 张敏)


def _confirmed_by(line: dict[str, Any]) -> str:
    return REGION_CLERK.get(str(line.get("region") or ""), "张敏")


def history(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The action log of the demo's clerks before the demo's day: a 『确认订单』 run at each line's 录入时间
    (the clerk of the line's region; one run confirms every line entered at that moment), a 日报 each
    working day by 孙丽 (now and then the next morning), a 周报 each Monday by 张敏, a 月报 on the 3rd by 李娜."""
    end: dt.date = data["end"]
    runs: dict[dt.datetime, dict[str, Any]] = {}
    for line in data["lines"]:
        entered = line.get("entered_at")
        if isinstance(entered, dt.datetime) and entered.date() < end and entered not in runs:
            runs[entered] = {"action": "confirm_orders", "user": _confirmed_by(line), "time": entered, "outcome": "ok"}
    found = list(runs.values())
    day = data["start"] if isinstance(data["start"], dt.date) else end - dt.timedelta(days=90)
    day = day.date() if isinstance(day, dt.datetime) else day
    while day < end:
        if day.weekday() < 5:
            late = day.day % 9 == 0  # about one day in nine, the day report waits until the next morning
            at = dt.datetime.combine(day + dt.timedelta(days=2 if late else 0), dt.time(9 if late else 18))
            found.append({"action": "report_day", "user": "孙丽", "time": at, "outcome": "ok",
                          "message": f"已生成『日报 {day:%Y-%m-%d}』。"})  # fmt: skip
        if day.weekday() == 0:
            week = day - dt.timedelta(days=7)
            year, number, _ = week.isocalendar()
            found.append({"action": "report_week", "user": "张敏", "time": dt.datetime.combine(day, dt.time(10)),
                          "outcome": "issues" if number % 5 == 0 else "ok",
                          "message": f"已生成『周报 {year}-W{number:02d}』。"})  # fmt: skip
        if day.day == 3:
            month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            found.append({"action": "report_month", "user": "李娜", "time": dt.datetime.combine(day, dt.time(11)),
                          "outcome": "ok", "message": f"已生成『月报 {month:%Y-%m}』。"})  # fmt: skip
        day += dt.timedelta(days=1)
    return sorted(found, key=lambda r: r["time"])


def demo_history(store: Any, data: dict[str, Any]) -> None:
    """The demo hook (see neiqin.app.demo.ledger_demo_history): the clerks' month in the demo's action log."""
    for run in history(data):
        store.log_action(run["action"], "演示台账.xlsx", run["outcome"], message=run.get("message", ""),
                         user=run["user"], time=run["time"])  # fmt: skip


TRAININGS = (
    # clerk, days before the demo's day, content, kind, mode, hours, trainer, result, certificate
    ("李娜", 200, "销售业务流程与订单管理", "业务", "内部", 8, "吴倩", "合格", ""),
    ("李娜", 120, "Excel 数据分析", "技能", "在线", 12, "网易云课堂", "优秀", ""),
    ("李娜", 40, "费用报销制度（公司规章制度）", "制度", "内部", 4, "马超", "合格", ""),
    ("张敏", 150, "产品知识：电机与变频器", "业务", "内部", 6, "郑军", "合格", ""),
    ("张敏", 60, "沟通技巧", "技能", "外部", 8, "华东职业培训中心", "合格", "结业证书 HD-2026-0317"),
    ("孙丽", 180, "客户信息管理", "业务", "内部", 4, "吴倩", "合格", ""),
    ("孙丽", 90, "办公软件操作技能：Excel 进阶", "技能", "在线", 10, "网易云课堂", "不合格", ""),
    ("孙丽", 30, "内勤工作流程和标准", "制度", "内部", 4, "吴倩", "合格", ""),
)


def training_rows(end: dt.date) -> list[dict[str, Any]]:
    return [
        {"date": dt.datetime.combine(end - dt.timedelta(days=days), dt.time()), "person": person, "content": content,
         "kind": kind, "mode": mode, "hours": hours, "trainer": trainer, "result": result,
         "certificate": certificate or None}
        for person, days, content, kind, mode, hours, trainer, result, certificate in TRAININGS
    ]  # fmt: skip
