"""Order intake: e-mail, WeChat, SMS or OCR'd fax text → checked draft order lines (制度 三.1, 四.1).

A pure package (no workbook, no database): the caller passes the customer archive, the product
catalogue and the learned aliases, and gets back an :class:`Intake` — the customer, the kind of
message (order / cancel / change), the order numbers referred to, and draft lines whose every
uncertain field is empty with a Chinese question saying what to ask the customer.

    from neiqin.core.intake import Reader, learn, load_catalogue

    reader = Reader(customers, products, aliases)         # index once, read many messages
    intake = reader.parse(text, sent=received_at, customer_hint="张伟-苏州恒通")
    intake = reader.parse_eml(path.read_bytes())           # .eml: Date and From are taken from the mail
    aliases = learn(aliases, intake.customer.name, line.wording, "PT-BR6205")   # the clerk's correction

``parse_message(text, sent=…, customers=…, products=…, aliases=…)`` does the same for one message.
The rules are documented in docs/intake.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from neiqin.base.text import fold
from neiqin.core.intake.catalogue import Catalogue, load_catalogue
from neiqin.core.intake.dates import DateHit, find_dates, spring_festival_eve
from neiqin.core.intake.mail import Mail, Parts, read_eml, split_message
from neiqin.core.intake.models import (
    Alias,
    Ask,
    Customer,
    CustomerMatch,
    Intake,
    IntakeLine,
    Product,
    Question,
)
from neiqin.core.intake.reader import Reader
from neiqin.core.intake.units import fix_ocr_digits, parse_number, parse_packs

__all__ = [
    "Alias",
    "Ask",
    "Catalogue",
    "Customer",
    "CustomerMatch",
    "DateHit",
    "Intake",
    "IntakeLine",
    "Mail",
    "Parts",
    "Product",
    "Question",
    "Reader",
    "find_dates",
    "fix_ocr_digits",
    "learn",
    "load_catalogue",
    "parse_eml",
    "parse_message",
    "parse_number",
    "parse_packs",
    "read_eml",
    "split_message",
    "spring_festival_eve",
]


def parse_message(
    text: str,
    *,
    sent: dt.datetime | dt.date,
    customers: Sequence[Customer],
    products: Sequence[Product],
    aliases: Sequence[Alias] = (),
    customer_hint: str | None = None,
    subject: str = "",
) -> Intake:
    """Read one message into checked draft lines (builds the indexes: use :class:`Reader` for many)."""
    return Reader(customers, products, aliases).parse(text, sent=sent, customer_hint=customer_hint, subject=subject)


def parse_eml(
    data: bytes,
    *,
    customers: Sequence[Customer],
    products: Sequence[Product],
    aliases: Sequence[Alias] = (),
    sent: dt.datetime | None = None,
) -> Intake:
    """Read one ``.eml`` file's bytes (Date → sent, From → customer hint, attachments → notes)."""
    return Reader(customers, products, aliases).parse_eml(data, sent=sent)


def learn(
    aliases: Sequence[Alias],
    customer: str | Customer | CustomerMatch,
    wording: str,
    product_code: str,
    *,
    products: Sequence[Product] | None = None,
) -> list[Alias]:
    """The alias table after the clerk said that ``customer``'s ``wording`` means ``product_code``.

    Returns a new list (the input is not changed): earlier entries of the same customer and wording
    (the same after NFKC, case and spaces are folded) are replaced, so a wording that matched two
    products (「小号」) now means the one the clerk chose. With ``products`` the code is checked
    against the catalogue. Raises ValueError with a Chinese message for an empty wording or an
    unknown product code.
    """
    name = customer if isinstance(customer, str) else customer.name
    wording = wording.strip()
    if not wording or not name.strip():
        raise ValueError("要记住的客户和客户叫法都不能为空")
    if products is not None and product_code not in {p.code for p in products}:
        raise ValueError(f"产品编号『{product_code}』不在产品目录中，无法记为『{wording}』")
    key = (fold(name), fold(wording))
    kept = [a for a in aliases if (fold(a.customer), fold(a.wording)) != key]
    return [*kept, Alias(customer=name.strip(), wording=wording, product_code=product_code)]
