"""``python -m neiqin`` = the ``neiqin`` command."""

from neiqin.app.cli import entry

entry()
