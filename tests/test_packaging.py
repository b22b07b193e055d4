"""What `pip install .` ships: every package folder of the source tree, with its data files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parent.parent
ADDIN = {
    "validators": "neiqin._addin.validators",
    "macros": "neiqin._addin.macros",
    "xlwings_udfs": "neiqin._addin.xlwings_udfs",
    "templates": "neiqin._addin.templates",
}


def test_every_package_folder_is_installed() -> None:
    """Every folder with an ``__init__.py`` is in a regular install (only editable installs see the
    source tree): setup.py finds them, so a new ledger package needs no list to be kept."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("neiqin_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)
    listed, dirs = setup.packages()
    found = set()
    for top, name in {"neiqin": "neiqin", **ADDIN}.items():
        for init in (ROOT / top).rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name, *relative)))
    assert sorted(found - set(listed)) == []
    assert dirs["neiqin._addin.validators.orders"] == "validators/orders"


def test_ci_runs_the_readme_test_command() -> None:
    """CI must run what the README tells a user to run (after installing the README's way)."""
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("python -m pytest"))
    install = next(line for line in readme.splitlines() if "pip install" in line and ".[test]" in line)
    assert command in ci.splitlines()
    assert 'python -m pip install ".[test]"' in install and 'python -m pip install ".[test]"' in ci.splitlines()
