"""Reading forms: a sheet of labels (value in the cell to the right) and a table of lines.

A form (费用报销单 …) is not a table: each field is found by its label anywhere on the
sheet, the line table by its header row, and the lines end at a label under the table
(合计 …). A clerk may insert rows or move blocks; NeiQin finds the labels again. The
labels and the line columns are declared with the same column vocabulary as table
ledgers (:func:`neiqin.core.schema.column`): header = label, synonyms, kind, required
(label there and filled), expected (label there), raw (kept as typed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from neiqin.base.text import label_key, nfkc
from neiqin.core.issues import Code, Issue, make_issue
from neiqin.core.ledger import CellProblem, LedgerError, column_letter, convert_cell, display, merged_areas
from neiqin.core.schema import ColumnSpec, LedgerRow

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.config import Settings
    from neiqin.core.kit import LedgerSpec

_TRAILING = re.compile(r"[:：\s]+$")


def norm_label(text: Any) -> str:
    """A label as matched (NFKC, case-folded, without spaces, colons and stars; brackets kept)."""
    return label_key(text)


@dataclass(frozen=True)
class FormSchema:
    """The labels and the line table of a form, and the codes its reading reports."""

    fields: type[LedgerRow]  # one field per label (header = the label text)
    lines: type[LedgerRow]  # the line table's columns
    lines_title: str  # how messages name the table: 费用明细
    line_markers: tuple[str, ...]  # a header row holds at least one of these line fields
    ends: tuple[str, ...] = ()  # label fields that end the line table (合计 …)
    missing_label: str = ""  # code: a required label is not on the form
    missing_lines_header: str = ""  # code: no header row of the line table
    no_lines: str = ""  # code: the table has no line
    not_a_form: str = ""  # code: a sheet named like the form without its labels (a register, an export)
    min_line_headers: int = 4
    form_class: type[Form] | None = None  # a subclass of Form with the ledger's own properties

    def label_specs(self) -> dict[str, ColumnSpec]:
        return {c.field: c for c in self.fields.columns()}

    def line_specs(self) -> dict[str, ColumnSpec]:
        return {c.field: c for c in self.lines.columns()}

    def check_schema(self, forms: Sequence[Form], settings: Settings) -> list[Issue]:
        """The checks every form gets from its schema: what reading found, required values, lists, bounds."""
        issues: list[Issue] = []
        labels, columns = self.label_specs(), self.line_specs()
        for form in forms:
            issues += form.issues + _form_value_issues(form, labels, columns, settings)
        return issues


def _form_value_issues(
    form: Form, labels: dict[str, ColumnSpec], columns: dict[str, ColumnSpec], settings: Settings
) -> list[Issue]:
    issues: list[Issue] = []
    for name, spec in labels.items():
        ff = form.fields.get(name)
        if ff is not None and not ff.bad:
            issues += _value_issues(spec, ff.value, settings, lambda code, ff=ff, **v: form.at(ff.field, code, **v))
    for line in form.lines:
        for name in form.columns:
            if name not in line.bad:
                at = lambda code, name=name, line=line, **v: form.at_line(line, name, code, **v)  # noqa: E731
                issues += _value_issues(columns[name], line.value.get(name), settings, at)
    return issues


def _value_issues(spec: ColumnSpec, value: Any, settings: Settings, at: Any) -> list[Issue]:
    if value is None:
        return [at(Code.LED_REQUIRED)] if spec.required else []
    if spec.choices and value not in settings.choices(spec.choices):
        return [at(Code.LED_NOT_IN_LIST, value=display(value), choices="、".join(settings.choices(spec.choices)))]
    if spec.kind == "number" and isinstance(value, (int, float)):
        if spec.ge is not None and value < spec.ge:
            return [at(Code.LED_OUT_OF_RANGE, rule=f"大于或等于 {spec.ge:g}", value=display(value))]
        if spec.gt is not None and value <= spec.gt:
            return [at(Code.LED_OUT_OF_RANGE, rule=f"大于 {spec.gt:g}", value=display(value))]
    return []


@dataclass
class FormField:
    """A labelled field: its label cell and the value cell to its right."""

    field: str
    label: str  # as the clerk's sheet shows it
    row: int
    col: int  # the value cell's column
    raw: Any = None
    value: Any = None
    bad: bool = False  # the cell could not be converted (an issue says so)


@dataclass
class Line:
    """One line of the line table."""

    row: int
    raw: dict[str, Any]
    value: dict[str, Any]
    bad: set[str] = field(default_factory=set)


@dataclass
class Form:
    """One form as read from its sheet."""

    sheet: str
    schema: FormSchema
    values: list[list[Any]]  # the used range
    first_row: int
    first_col: int
    fields: dict[str, FormField] = field(default_factory=dict)
    header_row: int = 0
    columns: dict[str, tuple[str, int]] = field(default_factory=dict)  # field -> (header text, Excel column)
    lines: list[Line] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # reading problems

    @property
    def is_form(self) -> bool:
        """The sheet has the form's labels (at least one required label, outside any table header).

        A register, a category table or an OA system's export on a sheet named like the form has
        none: it is not a form, whatever its name (and never '未发现问题')."""
        return any(spec.field in self.fields for spec in self.schema.fields.columns() if spec.required)

    def get(self, name: str) -> Any:
        f = self.fields.get(name)
        return f.value if f else None

    @property
    def blank(self) -> bool:
        """An unfilled template: no line and no required label filled."""
        if self.lines:
            return False
        return all(self.get(c.field) is None for c in self.schema.fields.columns() if c.required)

    def at(self, name: str, code: str, **values: Any) -> Issue:
        """An issue at a field's value cell (at the top of the form when the label is missing)."""
        f = self.fields.get(name)
        if f is None:
            spec = self.schema.label_specs()[name]
            return make_issue(code, self.sheet, self.first_row, spec.header, **values)
        return make_issue(code, self.sheet, f.row, f.label, col=f.col, **values)

    def at_line(self, line: Line, name: str, code: str, **values: Any) -> Issue:
        header, col = self.columns.get(name, (self.schema.line_specs()[name].header, 0))
        return make_issue(code, self.sheet, line.row, header, col=col, **values)

    def at_table(self, code: str, **values: Any) -> Issue:
        """An issue about the line table as a whole (at its header row, else the top of the form)."""
        return make_issue(code, self.sheet, self.header_row or self.first_row, self.schema.lines_title, **values)

    def cell(self, row: int, col: int) -> Any:
        i, j = row - self.first_row, col - self.first_col
        if 0 <= i < len(self.values) and 0 <= j < len(self.values[i]):
            return self.values[i][j]
        return None


def _table(specs: Sequence[ColumnSpec]) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in specs:
        for name in (spec.header, *spec.synonyms):
            out.setdefault(norm_label(name), spec.field)
    return out


def parse_form(
    values: list[list[Any]],
    schema: FormSchema,
    sheet: str,
    first_row: int = 1,
    first_col: int = 1,
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> Form:
    """Find the labels, the line table and its lines in a sheet's values.

    ``merged``: merged areas (row1, col1, row2, col2); a label merged over several cells has its
    value right of the merged area."""
    cls = schema.form_class or Form
    form = cls(sheet, schema, values, first_row, first_col)
    label_specs, line_specs = schema.label_specs(), schema.line_specs()
    labels, line_table = _table(list(label_specs.values())), _table(list(line_specs.values()))
    label_end = {(r1, c1): c2 for r1, c1, _r2, c2 in merged}
    # the line table: the row with the most line headers (enough of them, one of the markers among them)
    best, best_i = 0, -1
    for i, row in enumerate(values):
        found = {line_table.get(norm_label(v)) for v in row if isinstance(v, str) and v.strip()}
        found.discard(None)
        if len(found) >= schema.min_line_headers and (set(schema.line_markers) & found) and len(found) > best:
            best, best_i = len(found), i
    if best_i >= 0:
        form.header_row = first_row + best_i
        for j, v in enumerate(values[best_i]):
            if isinstance(v, str) and v.strip():
                name = line_table.get(norm_label(v))
                if name and name not in form.columns:
                    form.columns[name] = (v.strip(), first_col + j)
                elif name:  # the same column twice (两个「税额」): the first is read, both are named
                    text, col = form.columns[name]
                    form.issues.append(
                        make_issue(
                            Code.LED_DUPLICATE_COLUMN,
                            sheet,
                            form.header_row,
                            v.strip(),
                            col=first_col + j,
                            other=text,
                            letter=column_letter(first_col + j),
                            other_letter=column_letter(col),
                            meaning=f"「{line_specs[name].header}」",
                        )
                    )
    # labels everywhere but in the line table's header row and other table headers: a row where two
    # known names stand side by side (报销单号 | 报销人 | … | 报销状态 of a register) names columns, and
    # the cell right of 报销状态 there is the next header, not its value
    names = set(labels) | set(line_table)
    headers = {i for i, row in enumerate(values) if _table_header(row, names)}
    body_end = len(values)
    for i, row in enumerate(values):
        if i == best_i or i in headers:
            continue
        for j, v in enumerate(row):
            if not isinstance(v, str):
                continue
            name = labels.get(norm_label(v))
            if name is None or name in form.fields:
                continue
            if best_i >= 0 and i > best_i and name in schema.ends and i < body_end:
                body_end = i
            spec = label_specs[name]
            j_value = label_end.get((first_row + i, first_col + j), first_col + j) - first_col + 1
            raw = row[j_value] if j_value < len(row) else None
            label = _TRAILING.sub("", v.strip())
            ff = FormField(name, label, first_row + i, first_col + j_value, raw=raw)
            if spec.raw:
                ff.value = raw if not (isinstance(raw, str) and not raw.strip()) else None
            else:
                try:
                    ff.value = convert_cell(raw, spec.kind)
                except CellProblem as problem:
                    ff.bad = True
                    form.issues.append(make_issue(problem.code, sheet, ff.row, label, col=ff.col, **problem.values))
            form.fields[name] = ff
    for spec in label_specs.values():
        if (spec.required or spec.expected) and spec.field not in form.fields and schema.missing_label:
            form.issues.append(make_issue(schema.missing_label, sheet, first_row, spec.header))
    if best_i < 0:
        if schema.missing_lines_header:
            expected = "、".join(c.header for c in line_specs.values() if c.required or c.expected)
            form.issues.append(
                make_issue(schema.missing_lines_header, sheet, first_row, schema.lines_title, expected=expected)
            )
        return form
    for spec in line_specs.values():
        if (spec.required or spec.expected) and spec.field not in form.columns and schema.missing_label:
            form.issues.append(make_issue(schema.missing_label, sheet, form.header_row, spec.header))
    # a line ends at the first row holding a form label (合计…), or at a 合计 text under the table
    note_col = form.columns["note"][1] - first_col if "note" in form.columns else -1
    for i in range(best_i + 1, body_end):
        row = values[i]
        # a label in the row's first two filled cells (not in 说明: a note may start with 合计)
        leading = [v for j, v in enumerate(row) if v is not None and j != note_col][:2]
        if any(isinstance(v, str) and (norm_label(v) in labels or norm_label(v).startswith("合计")) for v in leading):
            break
        cells = {
            name: (row[col - first_col] if col - first_col < len(row) else None)
            for name, (_, col) in form.columns.items()
        }
        filled = [
            n for n, v in cells.items() if n != "seq" and v is not None and not (isinstance(v, str) and not v.strip())
        ]
        if not filled:
            continue
        line = Line(first_row + i, raw=cells, value={})
        for name, raw in cells.items():
            spec = line_specs[name]
            if spec.raw:
                line.value[name] = raw
                continue
            try:
                line.value[name] = convert_cell(raw, spec.kind)
            except CellProblem as problem:
                line.value[name] = None
                line.bad.add(name)
                header, col = form.columns[name]
                form.issues.append(make_issue(problem.code, sheet, line.row, header, col=col, **problem.values))
        form.lines.append(line)
    if not form.lines and schema.no_lines:
        form.issues.append(
            make_issue(
                schema.no_lines,
                sheet,
                form.header_row + 1,
                schema.lines_title,
                col=form.columns.get(schema.line_markers[0], ("", 0))[1],
            )
        )
    return form


def _table_header(row: Sequence[Any], names: set[str]) -> bool:
    """Two known names side by side: the header of a table, not labels with their values."""
    previous = False
    for v in row:
        known = isinstance(v, str) and bool(v.strip()) and norm_label(v) in names
        if known and previous:
            return True
        previous = known
    return False


def form_sheet_names(book: xw.Book, spec: LedgerSpec) -> list[str]:
    """Every sheet of the form: its name starts with the declared prefix (费用报销单, 费用报销单(2) …)."""
    prefix = nfkc(spec.sheet_prefix).strip()
    return [s.name for s in book.sheets if nfkc(s.name).strip().startswith(prefix)]


def read_form(book: xw.Book, spec: LedgerSpec, name: str) -> Form:
    """One form: its used range in one read."""
    assert spec.form is not None
    sheet = book.sheets[name]
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value or [[]]
    form = parse_form(values, spec.form, name, used.row, used.column)
    # a label merged over two cells (事由 in F5:G5, its value in H5): only blank value cells are asked
    blanks = [(ff.row, ff.col) for ff in form.fields.values() if ff.raw is None]
    if blanks:
        wanted = set(blanks)
        areas = [a for a in merged_areas(sheet, used, blanks) if a[3] > a[1] and (a[0], a[1] + 1) in wanted]
        if areas:
            form = parse_form(values, spec.form, name, used.row, used.column, merged=areas)
    return form


def read_forms(
    book: xw.Book, spec: LedgerSpec, sheets: Sequence[str] | None = None, skip_blank: bool = True
) -> list[Form]:
    """Every form of ``spec`` in ``book`` (or the ``sheets`` given); LedgerError when the workbook has none."""
    names = list(sheets) if sheets is not None else form_sheet_names(book, spec)
    if not names:
        raise LedgerError(f"工作簿中没有名称以『{spec.sheet_prefix}』开头的工作表；请按模板建立{spec.title}")
    read = [read_form(book, spec, name) for name in names]
    forms = [f for f in read if f.is_form]
    others = [f for f in read if not f.is_form]
    if others:
        assert spec.form is not None
        expected = "、".join(c.header for c in spec.form.fields.columns() if c.required)
        where = "、".join(f"『{f.sheet}』" for f in others)
        if not forms:  # nothing to check: unusable input, never '未发现问题'
            raise LedgerError(
                f"{where}不是{spec.title}：找不到{spec.title}的标签（{expected}，值写在标签右边一格）；"
                f"它像是登记表或导出的清单。请在按模板填写的{spec.title}上校验"
            )
        if spec.form.not_a_form:  # the forms are checked; the others are named on their sheets
            forms[0].issues += [
                make_issue(spec.form.not_a_form, f.sheet, f.first_row, "", expected=expected) for f in others
            ]
    return [f for f in forms if not f.blank] if skip_blank else forms
