"""A ledger's settings section still answers after its module was imported again (order-dependent test failures)."""

from __future__ import annotations

import importlib
import sys

from neiqin.app.plugins import load_validators
from neiqin.core.config import Settings, register_section, sections


def test_a_section_class_from_an_earlier_import_still_reads_its_section() -> None:
    load_validators()
    old = importlib.import_module("validators.staff.settings").StaffSettings
    name = next(n for n, model in sections().items() if model is old)
    saved = sys.modules.pop("validators.staff.settings")
    try:
        again = importlib.import_module("validators.staff.settings").StaffSettings
        assert again is not old
        register_section(name, again)  # what the package's declaration does when imported again
        settings = Settings()
        assert settings.of(old).head_values == settings.of(again).head_values
    finally:
        sys.modules["validators.staff.settings"] = saved
        register_section(name, old)
