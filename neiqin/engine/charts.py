"""Native Excel charts in the headless engine: xlwings' ``sheet.charts`` on openpyxl charts.

What macros use of xlwings' chart API — ``charts.add(source=…, chart_type=…, anchor=…)``,
``set_source_data``, ``set_x_axis_values``, ``chart_type``, ``title``, ``name``,
``delete`` — builds an openpyxl chart that references the sheet's cells, so the
saved file has a real chart that Excel and LibreOffice draw from the data.

Source ranges are read the way Excel reads them: with more rows than columns the
series are the columns; a first row of text gives the series names and a first
column of text or dates gives the categories.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.utils import get_column_letter
from xlwings import base_classes

from neiqin.engine.calls import instrumented

if TYPE_CHECKING:
    from neiqin.engine.headless import Range, Sheet

POINTS_PER_CM = 72 / 2.54
DEFAULT_COLUMN_POINTS = 48.0  # 8.43 characters
DEFAULT_ROW_POINTS = 15.0


def _new(chart_type: str) -> Any:
    if chart_type in ("line", "line_markers"):
        chart = LineChart()
        chart._nq_markers = chart_type == "line_markers"
        if chart._nq_markers:
            chart.marker = True
        return _axes_shown(chart, horizontal=False)
    if chart_type in ("bar_clustered", "column_clustered", "bar_stacked", "column_stacked"):
        chart = BarChart()
        chart.type = "bar" if chart_type.startswith("bar") else "col"
        if chart_type.endswith("stacked"):
            chart.grouping = "stacked"
            chart.overlap = 100
        return _axes_shown(chart, horizontal=chart.type == "bar")
    if chart_type == "pie":
        return PieChart()
    from neiqin.engine.common import EngineError

    raise EngineError(
        f"无界面模式暂不支持图表类型 {chart_type}"
        "（支持 line、line_markers、bar/column_clustered、bar/column_stacked、pie）"
    )


def _axes_shown(chart: Any, horizontal: bool) -> Any:
    """Both axes drawn, where Excel draws them: openpyxl leaves out ``<c:delete val="0"/>``, and
    Excel then hides the axes (their labels too) of a chart it did not write."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.axPos = "l" if horizontal else "b"  # the categories: left of a bar chart, under a column chart
    chart.y_axis.axPos = "b" if horizontal else "l"
    return chart


def _type_of(chart: Any) -> str:
    if isinstance(chart, LineChart):
        return "line_markers" if getattr(chart, "_nq_markers", False) else "line"
    if isinstance(chart, BarChart):
        return ("bar" if chart.type == "bar" else "column") + (
            "_stacked" if chart.grouping == "stacked" else "_clustered"
        )
    return "pie"


@instrumented
class Charts(base_classes.Charts):
    """The charts of one sheet (openpyxl keeps them in ``worksheet._charts``)."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    def _ws(self) -> Any:
        return self._sheet._book._ws(self._sheet._st)

    @property
    def api(self) -> list[Any]:
        return self._ws()._charts

    @property
    def parent(self) -> Sheet:
        return self._sheet

    @property
    def count(self) -> int:
        return len(self._ws()._charts)

    def __len__(self) -> int:
        return len(self._ws()._charts)

    def __iter__(self) -> Any:
        return iter([Chart(self._sheet, c) for c in self._ws()._charts])

    def __call__(self, name_or_index: int | str) -> Chart:
        charts = self._ws()._charts
        if isinstance(name_or_index, int):
            return Chart(self._sheet, charts[name_or_index - 1])
        for c in charts:
            if getattr(c, "_nq_name", None) == name_or_index:
                return Chart(self._sheet, c)
        raise KeyError(name_or_index)

    def add(
        self,
        left: float = 0,
        top: float = 0,
        width: float = 355,
        height: float = 211,
        chart_type: str | None = None,
        source: Range | None = None,
        plot_by: str | None = None,
        name: str | None = None,
        anchor: Any = None,
        style: int | None = None,
    ) -> Chart:
        ws = self._ws()
        chart = _new(chart_type or "column_clustered")
        chart._nq_name = name or f"Chart {len(ws._charts) + 1}"
        chart.width = width / POINTS_PER_CM
        chart.height = height / POINTS_PER_CM
        if anchor is not None:
            chart.anchor = f"{get_column_letter(anchor.column)}{anchor.row}"
        else:
            col = 1 + int(left // DEFAULT_COLUMN_POINTS)
            row = 1 + int(top // DEFAULT_ROW_POINTS)
            chart.anchor = f"{get_column_letter(col)}{row}"
        ws.add_chart(chart)
        self._sheet._st.dirty = True
        result = Chart(self._sheet, chart)
        if source is not None:
            result.set_source_data(source, plot_by)
        return result


@instrumented
class Chart(base_classes.Chart):
    """One chart; its openpyxl object is replaced when the chart type changes."""

    def __init__(self, sheet: Sheet, chart: Any) -> None:
        self._sheet = sheet
        self._chart = chart

    def _ws(self) -> Any:
        return self._sheet._book._ws(self._sheet._st)

    @property
    def api(self) -> Any:
        return self._chart

    @property
    def parent(self) -> Sheet:
        return self._sheet

    @property
    def name(self) -> str:
        return self._chart._nq_name

    @name.setter
    def name(self, value: str) -> None:
        self._chart._nq_name = value

    @property
    def chart_type(self) -> str:
        return _type_of(self._chart)

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        old = self._chart
        new = _new(value)
        for attr in ("_nq_name", "anchor", "width", "height", "title", "_nq_source", "_nq_x"):
            if hasattr(old, attr):
                setattr(new, attr, getattr(old, attr))
        charts = self._ws()._charts
        charts[charts.index(old)] = new
        self._chart = new
        if getattr(old, "_nq_source", None) is not None:
            self._plot()
        self._sheet._st.dirty = True

    @property
    def title(self) -> str | None:
        return getattr(self._chart, "_nq_title", None)

    @title.setter
    def title(self, value: str | None) -> None:
        self._chart._nq_title = value
        self._chart.title = value

    def set_source_data(self, rng: Range, plot_by: str | None = None) -> None:
        self._chart._nq_source = (rng.sheet, rng.areas[0], plot_by)
        self._plot()

    def set_x_axis_values(self, rng: Range) -> None:
        self._chart._nq_x = (rng.sheet, rng.areas[0])
        self._plot()

    def delete(self) -> None:
        charts = self._ws()._charts
        charts.remove(self._chart)
        self._sheet._st.dirty = True

    def _plot(self) -> None:
        chart = self._chart
        sheet, (r1, c1, r2, c2), plot_by = chart._nq_source
        ws = sheet._book._ws(sheet._st)
        cells = ws._cells  # read without creating cells: only the first row and column tell labels from data
        first_row = [getattr(cells.get((r1, c)), "value", None) for c in range(c1, c2 + 1)]
        first_col = [getattr(cells.get((r, c1)), "value", None) for r in range(r1, r2 + 1)]
        by_columns = plot_by == "columns" or (plot_by is None and (r2 - r1) >= (c2 - c1))

        def is_label(v: Any) -> bool:
            return isinstance(v, (str, dt.date)) and not (isinstance(v, str) and v.startswith("="))

        chart.series = []
        if by_columns:
            titles = r2 > r1 and all(v is None or isinstance(v, str) for v in first_row[1 if c2 > c1 else 0 :])
            cats = c2 > c1 and all(v is None or is_label(v) for v in first_col[1 if titles else 0 :])
            data = Reference(ws, min_col=c1 + (1 if cats else 0), min_row=r1, max_col=c2, max_row=r2)
            chart.add_data(data, titles_from_data=titles)
            if cats:
                chart.set_categories(Reference(ws, min_col=c1, min_row=r1 + (1 if titles else 0), max_row=r2))
        else:
            titles = c2 > c1 and all(v is None or isinstance(v, str) for v in first_col[1 if r2 > r1 else 0 :])
            cats = r2 > r1 and all(v is None or is_label(v) for v in first_row[1 if titles else 0 :])
            data = Reference(ws, min_col=c1, min_row=r1 + (1 if cats else 0), max_col=c2, max_row=r2)
            chart.add_data(data, from_rows=True, titles_from_data=titles)
            if cats:
                chart.set_categories(
                    Reference(ws, min_col=c1 + (1 if titles else 0), min_row=r1, max_col=c2, max_row=r1)
                )
        x = getattr(chart, "_nq_x", None)
        if x is not None:
            xs, (xr1, xc1, xr2, xc2) = x
            ref = Reference(xs._book._ws(xs._st), min_col=xc1, min_row=xr1, max_col=xc2, max_row=xr2)
            chart.set_categories(ref)
        if isinstance(chart, LineChart):
            for series in chart.series:
                series.smooth = False
                if getattr(chart, "_nq_markers", False):
                    series.marker.symbol = "circle"
                    series.marker.size = 6
        if isinstance(chart, PieChart):
            chart.dataLabels = DataLabelList()
            chart.dataLabels.showPercent = True
        if len(chart.series) == 1 and getattr(chart, "_nq_title", None) is None:
            chart.legend = None  # one series: Excel shows its name as the title, no legend
        self._sheet._st.dirty = True
