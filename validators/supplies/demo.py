"""The demo company's office supplies: a catalogue, a year of receipts and issues, quotas, quotes."""

from __future__ import annotations

from typing import Any


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows)."""
    return {}
