"""The demo company's customer archive: every column filled, and a few records that show each check.

Credit codes are built with valid check characters on the customer's city; mobiles are the demo's
made-up ones; e-mails are at example.com.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

CHANNELS = ("直销", "经销", "直销", "KA")


def _uscc(city: str, rng: random.Random) -> str:
    from neiqin.core.china.divisions import find_city
    from neiqin.core.china.uscc import make_uscc, org_code_check_char  # stdnum: only when the demo is built

    division = find_city(city)
    code = division.code if division is not None else "310000"
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    return make_uscc(f"91{code}{body}{org_code_check_char(body)}")


def customer_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """客户档案 of the demo company (the customers its orders name), with planted problems."""
    from neiqin.core.china.divisions import find_city, region_names

    rng = random.Random(data.get("seed", 2026) + 13)
    end: dt.date = data["end"]
    rows: list[dict[str, Any]] = []
    for i, c in enumerate(data["customers"]):
        division = find_city(c.city)
        province = None
        if division is not None:
            names = region_names(division.code)
            province = names.province if names else None
        created = end - dt.timedelta(days=400 + 37 * i)
        rows.append(
            {
                "customer_id": c.code,
                "name": c.name,
                "uscc": _uscc(c.city, rng),
                "contact": c.contact,
                "mobile": c.mobile,
                "phone": None,
                "email": f"purchase{i + 1:02d}@example.com",
                "province": province,
                "city": division.name if division is not None else c.city,
                "address": f"{c.city}市{c.trade}产业园 {c.code[1:]} 号",
                "business_scope": f"{c.trade}的研发、生产和销售",
                "industry": c.trade,
                "kind": "企业",
                "channel": CHANNELS[i % len(CHANNELS)],
                "sales_rep": c.rep,
                "region": c.region,
                "office": f"{c.city}办事处",
                "created": created,
                "updated": end - dt.timedelta(days=20 + 9 * i),
                "status": "活跃",
            }
        )
    if len(rows) >= 6:
        rows[1]["uscc"] = rows[1]["uscc"][:-1] + ("1" if rows[1]["uscc"][-1] != "1" else "2")  # a mistyped code
        rows[2]["updated"] = end - dt.timedelta(days=500)  # not verified for 16 months
        rows[3]["phone"] = "88881234"  # a landline without its area code
        rows[4]["contact"] = None  # incomplete
        rows[5]["email"] = "purchase06example.com"  # no @
        # a key account the manager graded by hand: 客户分级 keeps it
        rows[6].update(grade="A", status="活跃", locked="是")
        # the same customer entered a second time by another clerk: same mobile, the name typed differently
        twin = dict(rows[0])
        twin.update(
            customer_id=f"C{len(rows) + 1:04d}",
            name=str(rows[0]["name"]).replace("有限公司", "有限责任公司"),
            uscc=None,
            email=None,
            kind="企业",
            created=end - dt.timedelta(days=30),
            updated=end - dt.timedelta(days=30),
            status="潜在",
        )
        rows.append(twin)
    return rows


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows)."""
    return {"customers": customer_rows(data)}
