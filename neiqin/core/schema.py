"""Ledger schemas: one pydantic model per ledger, its aliases the Chinese headers.

A ledger row model declares, per column: the canonical header (the alias), the
synonyms a clerk's sheet may use instead, what goes in it (description, shown as
the header note in the workbook), whether the ledger requires it, its closed list
of values (a key into the settings), and numeric bounds. The ledger reader, the
vectorised checks, the workbook build and the docs all read this one declaration.
Fields that several ledgers share (订单编号, 产品编码, 客户名称 …) are declared once, with
their synonyms, in :mod:`neiqin.core.fields`. Where a ledger lives (sheet names, key,
rules …) is its declaration in the ledger kit (:mod:`neiqin.core.kit`).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

Kind = Literal["text", "date", "number"]


def column(
    header: str,
    *synonyms: str,
    description: str,
    required: bool = False,
    expected: bool = False,
    raw: bool = False,
    choices: str | None = None,
    ge: float | None = None,
    gt: float | None = None,
    width: float | None = None,
    number_format: str | None = None,
) -> Any:
    """Declare one ledger column (a pydantic Field whose alias is the header).

    ``required``: the column must be there and filled on every line; ``expected``: the column
    must be there (its cells may be empty); ``raw``: keep the cell as typed (invoice numbers,
    amounts in words), no conversion.
    """
    extra: dict[str, Any] = {"synonyms": list(synonyms), "required": required}
    if expected:
        extra["expected"] = True
    if raw:
        extra["raw"] = True
    if choices:
        extra["choices"] = choices
    if width:
        extra["width"] = width
    if number_format:
        extra["number_format"] = number_format
    kwargs: dict[str, Any] = {}
    if ge is not None:
        kwargs["ge"] = ge
    if gt is not None:
        kwargs["gt"] = gt
    return Field(
        ... if required else None,
        alias=header,
        description=description,
        json_schema_extra=extra,
        **kwargs,
    )


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a ledger as the reader and the checks see it."""

    field: str
    header: str
    synonyms: tuple[str, ...]
    kind: Kind
    required: bool
    description: str
    choices: str | None = None
    expected: bool = False  # the column must be present (values may be empty)
    raw: bool = False  # cells kept as typed
    ge: float | None = None
    gt: float | None = None
    width: float | None = None
    number_format: str | None = None


class LedgerRow(BaseModel):
    """Base of every ledger row model."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", str_strip_whitespace=True)

    @classmethod
    def columns(cls) -> list[ColumnSpec]:
        return [_spec(name, info) for name, info in cls.model_fields.items()]

    @classmethod
    def column(cls, field: str) -> ColumnSpec:
        return _spec(field, cls.model_fields[field])


def _kind(annotation: Any) -> Kind:
    args = (
        typing.get_args(annotation)
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union
        else (annotation,)
    )
    for arg in args:
        if arg in (dt.date, dt.datetime):
            return "date"
        if arg in (float, int) or getattr(arg, "__name__", "") == "Decimal":
            return "number"
    return "text"


def _bound(info: FieldInfo, name: str) -> float | None:
    for meta in info.metadata:
        value = getattr(meta, name, None)
        if value is not None:
            return float(value)
    return None


def _spec(name: str, info: FieldInfo) -> ColumnSpec:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return ColumnSpec(
        field=name,
        header=info.alias or name,
        synonyms=tuple(extra.get("synonyms", ())),  # type: ignore[arg-type]
        kind=_kind(info.annotation),
        required=bool(extra.get("required", False)),
        description=info.description or "",
        expected=bool(extra.get("expected", False)),
        raw=bool(extra.get("raw", False)),
        choices=extra.get("choices"),  # type: ignore[arg-type]
        ge=_bound(info, "ge"),
        gt=_bound(info, "gt"),
        width=extra.get("width"),  # type: ignore[arg-type]
        number_format=extra.get("number_format"),  # type: ignore[arg-type]
    )
