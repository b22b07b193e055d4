"""``python -m neiqin`` = the ``neiqin`` command."""

import sys

from .cli import main

sys.exit(main())
