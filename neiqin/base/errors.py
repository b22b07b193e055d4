"""User-fixable problems: shown to the clerk as one Chinese message, never a traceback."""

from __future__ import annotations


class NeiQinError(Exception):
    """A problem the user can fix (a missing sheet, a file that cannot be written …).

    The message is Chinese and says what to do. Anything else that goes wrong is a
    bug: it is logged with its traceback and the user sees a short generic message.
    """
