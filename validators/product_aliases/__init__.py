"""产品别名 — what each customer calls a product (制度 三.1: orders by phone, e-mail, fax).

『粘贴订单』 reads a customer's message with this table; 『确认订单』 adds the wording of a draft line
the clerk corrected (``neiqin.core.intake.learn``), so the next message of that customer matches.
"""

from __future__ import annotations

from collections import defaultdict

from neiqin.base.text import code_key, fold
from neiqin.core import fields as f
from neiqin.core.issues import Issue
from neiqin.core.kit import Button, CheckContext, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerRow, column
from validators.orders import GROUP

from .codes import CODES, AliasCode


class AliasRow(LedgerRow):
    """产品别名 one customer's wording for one product."""

    customer: str = f.CUSTOMER(description="客户名称（或客户编号），与『客户档案』一致", required=True, width=28)
    wording: str = column(
        "客户叫法", "别名", "叫法", description="客户在订单里对产品的叫法，如「小号」「63的」", required=True, width=20
    )
    product_code: str = f.PRODUCT_CODE(description="这种叫法指的产品，『产品目录』中的编码", required=True, width=12)


def check_product_known(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The product code of an alias is in 产品目录 (an unknown code is never used by 粘贴订单)."""
    products: Ledger | None = ctx.companion("products")
    if products is None or not products.has("product_code") or not ledger.has("product_code"):
        return []
    known = {code_key(c) for c in products.frame["product_code"].dropna()}
    return [
        ledger.issue(AliasCode.ALI_UNKNOWN_PRODUCT, row, "product_code", value=code)
        for row, code in zip(ledger.rows, ledger.frame["product_code"], strict=True)
        if code is not None and code_key(code) not in known
    ]


def check_customer_known(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The customer of an alias is in 客户档案, by name or by customer number."""
    customers: Ledger | None = ctx.companion("customers")
    if customers is None or not ledger.has("customer") or not customers.has("name"):
        return []
    known = {fold(n) for n in customers.frame["name"].dropna()}
    if customers.has("customer_id"):
        known |= {fold(n) for n in customers.frame["customer_id"].dropna()}
    return [
        ledger.issue(AliasCode.ALI_UNKNOWN_CUSTOMER, row, "customer", value=name)
        for row, name in zip(ledger.rows, ledger.frame["customer"], strict=True)
        if name is not None and fold(name) not in known
    ]


def check_one_code(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """One customer's wording maps to one product code (the same words folded alike: 小号 = 小 号)."""
    if not all(ledger.has(n) for n in ("customer", "wording", "product_code")):
        return []
    seen: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    frame = ledger.frame
    for row, customer, wording, code in zip(
        ledger.rows, frame["customer"], frame["wording"], frame["product_code"], strict=True
    ):
        if customer is not None and wording is not None and code is not None:
            seen[(fold(customer), fold(wording))].append((row, str(code)))
    issues = []
    for entries in seen.values():
        codes = sorted({code_key(c): c for _, c in entries}.values())
        if len(codes) < 2:
            continue
        rows = "、".join(str(r) for r, _ in entries)
        first = frame.loc[entries[0][0]]
        for row, _ in entries:
            issues.append(
                ledger.issue(
                    AliasCode.ALI_TWO_CODES,
                    row,
                    "product_code",
                    customer=first["customer"],
                    wording=first["wording"],
                    rows=rows,
                    codes="、".join(codes),
                )
            )
    return issues


LEDGER = LedgerSpec(
    name="product_aliases",
    title="产品别名",
    noun="别名",
    doc="每行一条：客户、客户叫法、产品编码。『粘贴订单』按客户的叫法识别产品；内勤改正草稿行的产品后点"
    "『确认订单』，客户的叫法就记在这里，下次同一客户这样写时直接识别。NeiQin 核对产品编码是否在『产品目录』、"
    "客户是否在『客户档案』、同一客户的同一叫法是否对应了两个产品（制度三.1 / 四.1）。",
    row=AliasRow,
    sheet="产品别名",
    sheet_synonyms=("客户叫法", "别名表", "产品别名表"),
    key=("customer",),
    companions=("customers", "products"),
    rules=(check_product_known, check_customer_known, check_one_code),
    codes=CODES,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验别名",
        "AcceptInvitation",
        "检查『产品别名』：产品编码是否在产品目录、客户是否在客户档案、同一叫法是否对应两个产品。",
        size="normal",
    ),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "AliasCode", "AliasRow"]
