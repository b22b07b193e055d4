"""What intake reads (customers, catalogue, learned aliases) and what it hands back (an Intake)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from neiqin.core.intake.units import parse_packs

Kind = Literal["order", "cancel", "change"]
Action = Literal["order", "cancel", "set", "add", "reduce"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _cell(value: Any) -> Any:
    """A workbook cell as text: 13912345678.0 → "13912345678", 2200 → "2200", None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


class _Record(_Frozen):
    """An input record, as read from a ledger sheet: numbers in text columns are taken as their text."""

    @model_validator(mode="before")
    @classmethod
    def _cells(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name, f in cls.model_fields.items():
            key = name if name in out else f.alias
            if key not in out:
                continue
            value = out[key]
            if f.annotation is str or f.annotation == str | None:
                out[key] = _cell(value) if value is not None or f.annotation is str else None
            elif isinstance(value, int | float) and not isinstance(value, bool) and name != "list_price":
                out[key] = _cell(value)
        return out


# --------------------------------------------------------------------------------------- inputs


class Customer(_Record):
    """客户档案 one customer: the names, people and numbers a message may mention."""

    code: str | None = None
    name: str
    short_names: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("客户名称不能为空")
        return value.strip()

    @field_validator("short_names", "contacts", "phones", "emails", mode="before")
    @classmethod
    def _listish(cls, value: Any) -> Any:
        """A cell may hold several entries separated by 、，,;； or spaces (phones: no spaces inside)."""
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            return tuple(part for part in _split_cell(value) if part)
        return tuple(str(_cell(v)).strip() for v in value if v is not None and str(_cell(v)).strip())


class Product(_Record):
    """产品目录 one product. ``packs`` maps a packing unit to catalogue units: {"箱": 4} for 1箱=4台."""

    code: str
    name: str
    spec: str = ""
    category: str = ""
    unit: str
    packs: dict[str, Decimal] = Field(default_factory=dict)
    list_price: Decimal | None = None

    @model_validator(mode="before")
    @classmethod
    def _packs_text(cls, data: Any) -> Any:
        """``packs`` may be the catalogue's text, 「1箱=4台；1盒=10只」 (see :func:`parse_packs`)."""
        if isinstance(data, dict) and (data.get("packs") is None or isinstance(data.get("packs"), str)):
            data = dict(data)
            data["packs"] = parse_packs(data.get("packs") or "", str(data.get("unit") or ""))
        return data

    @field_validator("code", "name", "unit")
    @classmethod
    def _required(cls, value: str) -> str:
        if not str(value).strip():
            raise ValueError("产品编号、名称和单位不能为空")
        return str(value).strip()


class Alias(_Record):
    """产品别名 what one customer calls a product, learned when the clerk corrected a line."""

    customer: str  # the customer's name (or code) as in 客户档案
    wording: str  # the customer's own words, as in the message
    product_code: str

    @field_validator("customer", "wording", "product_code")
    @classmethod
    def _required(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("客户、客户叫法和产品编号都不能为空")
        return value.strip()


def _split_cell(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、，,;；/\n]+|\s{2,}", text)]


# -------------------------------------------------------------------------------------- outputs


class Ask(StrEnum):
    """What the clerk must ask the customer: one code per kind of uncertainty (the corpus uses these)."""

    CUSTOMER_UNKNOWN = "CUSTOMER_UNKNOWN"
    CUSTOMER_AMBIGUOUS = "CUSTOMER_AMBIGUOUS"
    PRODUCT_UNKNOWN = "PRODUCT_UNKNOWN"
    PRODUCT_AMBIGUOUS = "PRODUCT_AMBIGUOUS"
    QUANTITY_MISSING = "QUANTITY_MISSING"
    QUANTITY_APPROX = "QUANTITY_APPROX"
    UNIT_UNKNOWN = "UNIT_UNKNOWN"
    UNIT_NOT_WHOLE = "UNIT_NOT_WHOLE"
    PRICE_UNCLEAR = "PRICE_UNCLEAR"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    DATE_MISSING = "DATE_MISSING"
    DATE_ASAP = "DATE_ASAP"
    DATE_UNCLEAR = "DATE_UNCLEAR"
    DATE_PAST = "DATE_PAST"
    REF_MISSING = "REF_MISSING"
    CHANGE_UNCLEAR = "CHANGE_UNCLEAR"


class Question(_Frozen):
    """One thing to ask the customer, in Chinese; ``field`` is the field left empty because of it."""

    code: Ask
    field: Literal["customer", "product", "quantity", "price", "delivery", "ref", "change"]
    text: str


class CustomerMatch(_Frozen):
    """A customer the message points to, with the score (0–100) and the evidence found."""

    name: str
    code: str | None = None
    score: float
    evidence: tuple[str, ...] = ()


class IntakeLine(_Frozen):
    """One draft order line. Every field NeiQin is not sure of is None, with a question saying why."""

    text: str  # the part of the message the line was read from
    wording: str  # the customer's words for the product: pass it to learn() when the clerk corrects the line
    product_code: str | None = None
    product_name: str | None = None
    product_spec: str | None = None
    score: float = 0.0  # product match, 0–100
    evidence: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # product codes, when the wording fits several
    quantity: Decimal | None = None  # in the catalogue unit
    unit: str | None = None  # the catalogue unit
    said: str | None = None  # quantity as the customer wrote it: 「3箱」
    price: Decimal | None = None  # per catalogue unit
    list_price: Decimal | None = None
    price_differs: bool | None = None
    delivery: dt.date | None = None
    action: Action = "order"
    confidence: float = 0.0  # 0–1
    questions: tuple[Question, ...] = ()


class Intake(_Frozen):
    """A message read as draft order lines (状态 待确认), or as a cancellation or change of an order."""

    kind: Kind
    sent: dt.datetime
    customer: CustomerMatch | None = None
    customer_candidates: tuple[CustomerMatch, ...] = ()
    order_ids: tuple[str, ...] = ()  # our order numbers referred to
    pos: tuple[str, ...] = ()  # the customer's PO / contract numbers
    delivery: dt.date | None = None  # the one delivery date of the message, when it has one
    lines: tuple[IntakeLine, ...] = ()
    questions: tuple[Question, ...] = ()  # about the whole message
    notes: tuple[str, ...] = ()  # for the clerk (an attachment not read, …)
    text: str = ""  # what was read, without quoted history and signature

    @property
    def all_questions(self) -> list[str]:
        """Every question as the clerk reads it: message-level first, then 「第2行（…）：…」."""
        out = [q.text for q in self.questions]
        for n, line in enumerate(self.lines, 1):
            out += [f"第{n}行（{line.wording or line.text}）：{q.text}" for q in line.questions]
        return out
