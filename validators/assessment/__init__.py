"""考核与激励 (regulation 五) — KPIs computed from NeiQin's own ledgers and logs.

The KPI registry is :mod:`neiqin.core.kpi`; the KPIs whose data NeiQin has are declared in
:mod:`.kpis`; what they are computed from is built by :mod:`.sources`; the sheets by
:mod:`.planners`. The ribbon actions are in ``macros/assessment.py`` (group 人员与考核).
"""

from __future__ import annotations

from neiqin.core.config import register_section
from validators.staff import GROUP

from . import kpis
from .settings import AssessmentSettings

register_section("assessment", AssessmentSettings)

__all__ = ["GROUP", "AssessmentSettings", "kpis"]
