"""Ledger schemas: one pydantic model per ledger, its aliases the Chinese headers.

A ledger row model declares, per column: the canonical header (the alias), the
synonyms a clerk's sheet may use instead, what goes in it (description, shown as
the header note in the workbook), whether the ledger requires it, its closed list
of values (a key into the settings), and numeric bounds. The ledger reader, the
vectorised checks, the workbook build and the docs all read this one declaration.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

Kind = Literal["text", "date", "number"]


def column(
    header: str,
    *synonyms: str,
    description: str,
    required: bool = False,
    choices: str | None = None,
    ge: float | None = None,
    gt: float | None = None,
    width: float | None = None,
    number_format: str | None = None,
) -> Any:
    """Declare one ledger column (a pydantic Field whose alias is the header)."""
    extra: dict[str, Any] = {"synonyms": list(synonyms), "required": required}
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
    ge: float | None = None
    gt: float | None = None
    width: float | None = None
    number_format: str | None = None


@dataclass(frozen=True)
class LedgerInfo:
    """Where a ledger lives: its registry name, sheet name and the sheet's other names."""

    name: str
    sheet: str
    sheet_synonyms: tuple[str, ...] = ()
    title: str = ""
    key: tuple[str, ...] = ()


class LedgerRow(BaseModel):
    """Base of every ledger row model."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", str_strip_whitespace=True)
    ledger: ClassVar[LedgerInfo]

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
        choices=extra.get("choices"),  # type: ignore[arg-type]
        ge=_bound(info, "ge"),
        gt=_bound(info, "gt"),
        width=extra.get("width"),  # type: ignore[arg-type]
        number_format=extra.get("number_format"),  # type: ignore[arg-type]
    )


_LEDGERS: dict[str, type[LedgerRow]] = {}


def register_ledger(model: type[LedgerRow]) -> type[LedgerRow]:
    """Class decorator: make a ledger known to the reader and to ``--ledger``."""
    _LEDGERS[model.ledger.name] = model
    return model


def ledger_model(name: str) -> type[LedgerRow]:
    """The row model of a registered ledger ('orders', …)."""
    from neiqin.base.addin import load_validators

    load_validators()
    try:
        return _LEDGERS[name]
    except KeyError:
        known = "、".join(sorted(_LEDGERS)) or "无"
        raise KeyError(f"没有名为 {name} 的台账（可选：{known}）") from None


def ledger_names() -> list[str]:
    from neiqin.base.addin import load_validators

    load_validators()
    return sorted(_LEDGERS)
