"""Where the store is: ``$NEIQIN_DB`` > the 数据库 setting > the default SQLite file, as a database URL.

Kept apart from :mod:`neiqin.core.store` (which imports SQLAlchemy, a quarter of a second) so that a
command can tell whether a store exists before it loads the store's code.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_path() -> Path:
    """The default SQLite file, in the user's data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("NeiQin", appauthor=False)) / "neiqin.db"


def database_url(setting: str | None = None) -> str:
    """``$NEIQIN_DB`` > the 数据库 setting > the default SQLite file; paths become URLs."""
    return location_url(os.environ.get("NEIQIN_DB") or setting or str(default_path()))


def location_url(value: str | os.PathLike[str]) -> str:
    """A database URL as is; a file path as the SQLite URL of that file (its folder is created)."""
    value = str(value)
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"
