"""Cell notes (Excel's classic comments): sized to their text, written by NeiQin unless a clerk wrote them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neiqin.engine.calls import instrumented
from neiqin.engine.common import NOTE_AUTHOR, opx
from neiqin.engine.protection import check_protected
from neiqin.engine.values import escape_control

if TYPE_CHECKING:
    from neiqin.engine.headless import Range


def make_comment(text: str, author: str = NOTE_AUTHOR) -> Any:
    text = escape_control(text)
    lines = text.split("\n")
    width = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in lines), default=10)
    comment = opx().Comment(text, author or NOTE_AUTHOR)
    comment.width = int(min(max(width, 20), 60) * 7.5)
    comment.height = int(min(max(len(lines) + sum(len(line) // 30 for line in lines), 3), 30) * 20)
    return comment


@instrumented
class Note:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def _cell(self) -> Any:
        return self._rng._first()

    @property
    def api(self) -> Any:
        return self._cell().comment

    @property
    def text(self) -> str:
        comment = self._cell().comment
        return comment.text if comment is not None else ""

    @text.setter
    def text(self, value: str) -> None:
        rng = self._rng
        check_protected(rng._sheet, rng.row, rng.column, rng.row, rng.column, what="note")
        cell = self._cell()
        author = cell.comment.author if cell.comment is not None else NOTE_AUTHOR
        cell.comment = make_comment(value, author)
        self._rng._sheet._st.dirty = True

    @property
    def author(self) -> str:
        comment = self._cell().comment
        return comment.author if comment is not None else ""

    @property
    def location(self) -> Range:
        return self._rng

    def delete(self) -> None:
        rng = self._rng
        check_protected(rng._sheet, rng.row, rng.column, rng.row, rng.column, what="note")
        self._cell().comment = None
        self._rng._sheet._st.dirty = True
