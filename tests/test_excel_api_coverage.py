"""Every engine call a NeiQin action makes exists in xlwings' Windows and macOS engines.

Nobody here has Excel, so this is checked from xlwings' own sources: the calls counted
while an action runs headless (``Class.member``) must be implemented by the classes of
``xlwings/_xlwindows.py`` (COM) and ``xlwings/_xlmac.py`` (AppleScript) — not only by
NeiQin's headless engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import xlwings

import macros
import neiqin
from neiqin.engine import open_book

from .conftest import TODAY, make_order_row, write_orders

ENGINE_ONLY = {"App.engine"}  # xlwings' own plumbing (main.App.engine), not an Excel call


def _raises_not_implemented(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = [n for n in func.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def members(module_file: str) -> dict[str, set[str]]:
    """Class -> implemented members: methods, properties, attributes set on self, and what the
    base class (xlwings.base_classes) implements rather than raising NotImplementedError."""
    root = Path(xlwings.__file__).parent

    def scan(name: str, skip_stubs: bool) -> dict[str, set[str]]:
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        found: dict[str, set[str]] = {}
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            names = found.setdefault(node.name, set())
            for item in ast.walk(node):
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item in node.body:
                    if not (skip_stubs and _raises_not_implemented(item)):
                        names.add(item.name)
                elif (
                    isinstance(item, ast.Attribute)
                    and isinstance(item.ctx, ast.Store)
                    and isinstance(item.value, ast.Name)
                    and item.value.id == "self"
                ):
                    names.add(item.attr)
        return found

    engine = scan(module_file, skip_stubs=False)
    for cls, names in scan("base_classes.py", skip_stubs=True).items():
        engine.setdefault(cls, set()).update(names)
    return engine


@pytest.mark.parametrize("module_file", ["_xlwindows.py", "_xlmac.py"])
def test_validate_orders_uses_only_what_excel_engines_implement(tmp_path: Path, module_file: str) -> None:
    path = write_orders(
        tmp_path / "o.xlsx",
        [make_order_row(), make_order_row(order_id="SO2", customer=None), make_order_row(order_id="SO3", amount=1)],
    )
    book = open_book(path)
    with neiqin.count_calls() as calls:
        summary = macros.run("validate_orders", book, today=TODAY)
        macros.run("validate_orders", book, today=TODAY)  # the second run restores marks
    assert summary.outcome == "issues"
    available = members(module_file)
    missing = []
    for key in calls:
        cls, member = key.rstrip("=").split(".")
        if key in ENGINE_ONLY:
            continue
        if member not in available.get(cls, set()):
            missing.append(key)
    assert not missing, f"not implemented by xlwings' {module_file}: {sorted(missing)}"
