"""Where the add-in's own packages live, and importing them safely.

``validators``, ``macros`` and ``xlwings_udfs`` are top-level names in the
project folder (RunPython imports ``macros`` from there). Other installed
distributions may use the same names (PyPI has a ``validators`` package), so NeiQin
never relies on whatever ``import validators`` happens to find: the folder holding
NeiQin's copies goes first on ``sys.path`` and a foreign module already imported
under one of these names is replaced.

In a checkout or an editable install the folder is the project root; a regular
install ships copies under ``neiqin/_addin/``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

PACKAGES = ("validators", "macros", "xlwings_udfs")
_MARKER = "__neiqin__"


def addin_root() -> Path:
    """The folder that holds NeiQin's ``validators/``, ``macros/``, ``xlwings_udfs/``."""
    package_dir = Path(__file__).resolve().parent.parent  # neiqin/
    project = package_dir.parent
    if all((project / name / "__init__.py").exists() for name in PACKAGES):
        return project
    return package_dir / "_addin"


def templates_dir() -> Path:
    """Text sources of sheets, ribbon and VBA (``templates/``)."""
    return addin_root() / "templates"


def _is_ours(module: ModuleType) -> bool:
    # Any copy of NeiQin's own package counts (RunPython may have imported the
    # project folder's copy while an installed copy also exists).
    return bool(getattr(module, _MARKER, False))


def ensure_import_path() -> Path:
    """Put NeiQin's add-in folder first on sys.path and drop look-alike modules."""
    root = addin_root()
    text = str(root)
    if not sys.path or sys.path[0] != text:
        if text in sys.path:
            sys.path.remove(text)
        sys.path.insert(0, text)
    for name in PACKAGES:
        module = sys.modules.get(name)
        if module is not None and not _is_ours(module):
            for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
                del sys.modules[key]
    return root
