"""Which packages a regular install ships — found, never listed by hand.

Everything under ``neiqin/``, plus the add-in's own folders (``validators/``, ``macros/``,
``xlwings_udfs/``, ``templates/``) installed under ``neiqin/_addin/`` so that they never clash
with other distributions' ``validators`` or ``macros`` (see ``neiqin/base/addin.py``). A new
ledger package is picked up by the scan below; everything else is in pyproject.toml.
"""

from __future__ import annotations

from setuptools import find_namespace_packages, setup

ADDIN = ("validators", "macros", "xlwings_udfs", "templates")


def packages() -> tuple[list[str], dict[str, str]]:
    """(package names, package dirs) of the distribution."""
    # namespace discovery: data folders (neiqin/core/china/data, templates/ribbon) are packages too,
    # so setuptools ships their files without warning that they are "absent from packages"
    skip = ["*__pycache__*", "*.egg-info*"]
    names = find_namespace_packages(include=["neiqin", "neiqin.*"], exclude=skip)
    dirs: dict[str, str] = {}
    for top in ADDIN:
        for package in [top, *(f"{top}.{p}" for p in find_namespace_packages(where=top, exclude=skip))]:
            name = f"neiqin._addin.{package}"
            names.append(name)
            dirs[name] = package.replace(".", "/")
    return names, dirs


if __name__ == "__main__":
    found, package_dir = packages()
    setup(packages=found, package_dir=package_dir)
