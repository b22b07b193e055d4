"""What `pip install .` ships: every package folder of the source tree, with its data files."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
ADDIN = {
    "validators": "neiqin._addin.validators",
    "macros": "neiqin._addin.macros",
    "xlwings_udfs": "neiqin._addin.xlwings_udfs",
    "templates": "neiqin._addin.templates",
}


def test_every_package_folder_is_installed() -> None:
    """A folder with an ``__init__.py`` that pyproject.toml does not list is missing from a regular
    install (only editable installs see it): ``neiqin validate`` then fails with ModuleNotFoundError."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in {"neiqin": "neiqin", **ADDIN}.items():
        for init in (ROOT / top).rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name, *relative)))
    assert sorted(found - listed) == []
