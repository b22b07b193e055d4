"""``python -m neiqin`` = the ``neiqin`` command."""

from .cli import entry

entry()
