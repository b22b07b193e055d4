"""What every part of the headless engine shares: its name, Excel's limits, its error, openpyxl on demand."""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from neiqin.base.errors import NeiQinError

ENGINE_NAME = "neiqin"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_ROW_HEIGHT = 409.5  # points: Excel refuses a taller row (RowHeight), and repairs a file that has one
MAX_COLUMN_WIDTH = 255.0  # characters: the same for ColumnWidth
MAX_CELL_TEXT = 32_767  # characters a cell holds
NOTE_AUTHOR = "NeiQin"


@functools.cache
def opx() -> SimpleNamespace:
    """openpyxl, imported on the first write or format: reading never needs it."""
    import openpyxl

    _exact_numbers()
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.styles.colors import COLOR_INDEX
    from openpyxl.worksheet.hyperlink import Hyperlink

    return SimpleNamespace(
        openpyxl=openpyxl,
        MergedCell=MergedCell,
        Comment=Comment,
        Alignment=Alignment,
        Font=Font,
        PatternFill=PatternFill,
        COLOR_INDEX=COLOR_INDEX,
        Hyperlink=Hyperlink,
    )


def _exact_numbers() -> None:
    """Write numbers as exactly as they were read: openpyxl writes cell values with ``%.16g``, which
    changes a double that needs 17 digits (1.3510798882111102e+16 comes back …1100e+16). Excel writes
    the shortest text that reads back as the same double; so does ``repr``."""
    import math

    import openpyxl.cell._writer as writer

    original = writer.safe_string
    if getattr(original, "__neiqin__", False):
        return

    def safe_string(value: object) -> str:
        text = original(value)
        if isinstance(value, float) and math.isfinite(value) and float(text) != value:
            # only a double %.16g cannot hold: the same bytes as openpyxl otherwise (a build does not
            # depend on whether the engine was loaded first), and float() — numpy's repr is "np.float64(…)"
            return repr(float(value))
        return text

    safe_string.__neiqin__ = True  # type: ignore[attr-defined]
    writer.safe_string = safe_string


class EngineError(NeiQinError):
    """A request the headless engine cannot carry out (message in Chinese)."""


@contextmanager
def warnings_to_log(logger: logging.Logger) -> Iterator[None]:
    """Library warnings (openpyxl's English ``UserWarning`` …) go to the log, not to the clerk's screen."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        logger.info("%s: %s", warning.category.__name__, warning.message)
