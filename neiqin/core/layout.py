"""A table ledger's sheet template (``sheet.toml`` in the ledger's package): what is only layout.

Read when a ledger is declared, so it only needs ``tomllib``: openpyxl is loaded when a sheet
is written (``neiqin.core.sheets``), not when a ledger is checked.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class SheetLayout:
    """A table ledger's sheet template (``sheet.toml`` in the ledger's package): what is only layout."""

    title: str
    table: str | None = None
    subtitle: str | None = None
    tab_color: str | None = None
    order: int = 100
    formats: list[dict[str, Any]] = field(default_factory=list)
    defaults: list[dict[str, Any]] = field(default_factory=list)  # rows of a fresh workbook (报销标准 …)


def load_layout(path: Path) -> SheetLayout:
    """The sheet template at ``path`` (TOML: [sheet], [[format]], [defaults])."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    sheet = data["sheet"]
    return SheetLayout(
        title=sheet.get("title", ""),
        table=sheet.get("table"),
        subtitle=sheet.get("subtitle"),
        tab_color=sheet.get("tab_color"),
        order=sheet.get("order", 100),
        formats=data.get("format", []),
        defaults=[
            {k: (None if v == "" else v) for k, v in zip(data["defaults"]["fields"], row, strict=True)}
            for row in data.get("defaults", {}).get("rows", [])
        ],
    )
