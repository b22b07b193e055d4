"""The demo company's people: three clerks, the sales reps of every region, finance, administration."""

from __future__ import annotations

from typing import Any

CLERKS = ("李娜", "张敏", "孙丽")  # the demo's clerks (李娜 signs the demo's pre-review and sealed copy)
OTHERS = (
    # name, department, title, head
    ("吴倩", "销售内勤部", "内勤主管", True),
    ("郑军", "销售部", "销售总监", True),
    ("马超", "财务部", "财务经理", True),
    ("何琳", "财务部", "会计", False),
    ("钱红", "行政部", "行政主任", True),
    ("许亮", "行政部", "行政专员", False),
)


def staff_rows(reps: dict[str, list[str]]) -> list[dict[str, Any]]:
    """人员 of the demo company; mobiles and mailboxes are made up (example.com, 139 0000 ….)."""
    people: list[tuple[str, str, str, bool]] = [(name, "销售内勤部", "内勤", False) for name in CLERKS]
    people += [(name, "销售部", f"{region}区销售", False) for region, names in reps.items() for name in names]
    people += list(OTHERS)
    people.sort(key=lambda p: ("销售内勤部", "销售部", "财务部", "行政部").index(p[1]))
    return [
        {
            "name": name,
            "department": department,
            "title": title,
            "is_head": "是" if head else "否",
            "mobile": f"139 0000 {1001 + i:04d}",
            "email": f"staff{1001 + i}@example.com",
        }
        for i, (name, department, title, head) in enumerate(people)
    ]


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows)."""
    return {"staff": staff_rows(data["reps"])}
