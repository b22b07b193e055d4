"""The build writes the same bytes whether or not lxml is installed (openpyxl serialises with it when present)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from neiqin.app.build import build_all

ROOT = Path(__file__).resolve().parent.parent

WITHOUT_LXML = """
import sys
sys.modules["lxml"] = None  # as if lxml were not installed: openpyxl falls back to the standard library
from pathlib import Path
import openpyxl.xml
assert openpyxl.xml.LXML is False
from neiqin.app.build import build_all
build_all(Path(sys.argv[1]))
"""


@pytest.mark.skipif(importlib.util.find_spec("lxml") is None, reason="needs lxml to compare with")
def test_build_bytes_do_not_depend_on_lxml(tmp_path: Path) -> None:
    import openpyxl.xml

    assert openpyxl.xml.LXML is True or os.environ.get("OPENPYXL_LXML") == "False"
    with_lxml = build_all(tmp_path / "with")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_LXML, str(tmp_path / "without")], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for path in with_lxml:
        other = tmp_path / "without" / path.name
        assert path.read_bytes() == other.read_bytes(), path.name
        assert path.read_bytes() == (ROOT / "workbook" / path.name).read_bytes(), f"{path.name}: run neiqin build"


def test_package_parts_use_the_default_namespace() -> None:
    with zipfile.ZipFile(ROOT / "workbook" / "NeiQin.xlsm") as zf:
        for name in ("[Content_Types].xml", "_rels/.rels"):
            data = zf.read(name)
            assert b"ns0:" not in data and data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
