"""In a regular (non-editable) install, copies of the project's ``validators/``,
``macros/``, ``xlwings_udfs/`` and ``templates/`` land here (see pyproject.toml);
:mod:`neiqin.base.addin` puts this folder first on ``sys.path``.
"""
