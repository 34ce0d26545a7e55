"""The district layout (the seeds): label rows, a funds block, and an indicator block.

    主管部门 | … | 实施单位 | …
    项目名称 | …
    预算执行率权重（分）| 10
    项目总资金额 | 10 | 上级补助 | …          (区级资金, 其他资金 on the rows below)
    项目概况 / 立项依据 / 当年绩效目标 | text
    绩效指标 | 指标名称 | 指标性质 | 指标值 | 指标单位 | 分值 (90分) | 是否核心
             | …one row per indicator…

Cells are found by their labels, not their positions: extraction shifts cells
left and right, and a label's value is the next non-empty cell after it that is
not itself a label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import TruncatedTable
from ..model import Contact, Funds, Indicator, Source, TargetTable
from ..readers.grid import Grid
from ..values import (
    clean_cell,
    clean_text,
    is_operator_variant,
    normalize_digits,
    normalize_operator,
    parse_core,
    parse_number,
    split_value,
)
from .labels import CONTACT_NAME, CONTACT_PHONE, column_of, field_of, parse_title
from .segment import Segment, has_project_row

_TEXT_FIELDS = ("department", "implementer", "project", "overview", "basis", "goal")
_NUMBER_FIELDS = (
    "execution_weight",
    "funds.total",
    "funds.superior",
    "funds.district",
    "funds.other",
)
CANONICAL_COLUMNS = ("name", "operator", "value", "unit", "score", "core")


def header_columns(row: list[str]) -> dict[str, int] | None:
    """Map an indicator header row to column positions, or None if the row is no header.

    A header repeats a column name where extraction damaged it (``指标性质 | 指标性质``
    where ``指标名称`` was meant); the missing column then takes the first duplicate.
    """
    return _columns([(i, k) for i, c in enumerate(row) if c and (k := column_of(c)) is not None])


def _columns(found: list[tuple[int, str]]) -> dict[str, int] | None:
    """:func:`header_columns` from the row's (position, column) pairs, left to right."""
    keys = [k for _, k in found]
    if len(set(keys)) < 3 or "value" not in keys:
        return None
    cols: dict[str, int] = {}
    dupes: list[int] = []
    for i, k in found:
        if k in cols:
            dupes.append(i)
        else:
            cols[k] = i
    missing = [k for k in CANONICAL_COLUMNS if k not in cols]
    if missing and dupes:
        # The canonical order decides which duplicate stands for which missing column.
        taken = sorted([*cols.values(), *dupes])
        order = [k for k in CANONICAL_COLUMNS if k in cols or k in missing]
        if len(order) == len(taken):
            cols = dict(zip(order, taken, strict=True))
    return cols


def recognise(seg: Segment) -> bool:
    """Whether a segment looks like a target table at all: the fallback layout reads no other.

    A titled segment needs a 项目名称 row or an indicator header (a table cut short is
    then reported as truncated); an untitled grid needs both, so that a timetable or a
    price list is refused as an unknown layout rather than half-imported.
    """
    g = seg.grid
    if g is None:
        return seg.title is not None
    project = has_project_row(g)
    if project and seg.title is not None:
        return True  # the common case, decided without scanning for the header
    header = any(header_columns(row) is not None for row in g.rows)
    if seg.title is not None:
        return header
    return project and header


def _value_after(row: list[str], i: int) -> str | None:
    """The next non-empty cell after position i that is not a label; None at the next label."""
    for j in range(i + 1, len(row)):
        c = row[j]
        if not c or not c.strip():
            continue
        if field_of(c) is not None:
            return None
        return c
    return None


_NEXT_LABEL = re.compile(r"\s+(?=[^\s\d:：]{2,10}[:：])")


_SIGNATURE_WORD = re.compile(r"负责人|联系人|填表人|经办人|签字|签章|盖章|日期")


def read_contact(texts: list[str], contact: Contact) -> None:
    for t in texts:
        if contact.name is None:
            m = CONTACT_NAME.search(t)
            # "项目负责人: | 财务负责人:": a blank signature line names no one.
            if m and m.group("v").strip(" :：") and not _SIGNATURE_WORD.search(m.group("v")):
                contact.name = m.group("v").strip(" :：")
        if ("电话" in t or "联系方式" in t) and contact.phone is None:
            m = CONTACT_PHONE.search(t)
            if m and m.group("v").strip(" :："):
                # "16607326331 填报日期: 单位负责人签字:": the number ends at the next label.
                contact.phone = _NEXT_LABEL.split(m.group("v").strip(" :："))[0]


def build(seg: Segment, file: str, path: str | None = None) -> TargetTable:
    """Read one segment in the district layout into a table; raise if it is cut short.

    Three steps: read the rows (:class:`_Rows`), check the table is whole
    (:func:`_check_whole`), and assemble the interchange form (:func:`_assemble`).
    """
    grid = seg.grid
    if grid is None or not grid.rows:
        raise TruncatedTable(
            "标题之后没有表格内容", file=file, table=seg.index, line=seg.first_line
        )
    rows = _Rows(file, seg.index)
    read, lines, page = rows.read, grid.row_lines, grid.page
    n = len(lines)
    for r, row in enumerate(grid.rows):
        read(row, lines[r] if r < n else page)  # grid.line_of(r)
    project = _check_whole(rows, seg, grid, file)
    read_contact([p.text for p in seg.notes], rows.contact)
    return _assemble(rows, project, seg, file, path)


# Cell text → (indicator column, field) it names: the two look-ups above the indicator
# block, where every cell may be a label or a column header.
_KINDS: dict[str, tuple[str | None, str | None]] = {}


class _Rows:
    """The rows of one district table as they are read: labelled rows, then indicators.

    Cells are found by their labels, not their positions; a row that extraction split
    from the one above is joined back to it (and that row read again).
    """

    def __init__(self, file: str, table: int) -> None:
        self.file, self.table = file, table
        self.values: dict[str, str] = {}
        self.extra: dict[str, str] = {}
        self.indicators: list[Indicator] = []
        self.contact = Contact()
        self.cols: dict[str, int] | None = None
        self.header: list[str] | None = None
        self._header_key: list[str] | None = None
        self._at: _Columns | None = None  # self.cols as the positions an indicator reads
        self._prev: list[str] | None = None  # the last row kept, for a continuation
        # What the last labelled row put into `values` / `extra`, so that a continuation
        # row joined into it can be read again: (field keys, extra name).
        self._took: tuple[list[str], str | None] | None = None
        # Fields and indicator columns the form has, filled in or not (rules follow the form).
        self.seen: set[str] = set()

    def read(self, row: list[str], line: int | None) -> None:
        # One pass over the row's cells; every test below reads only these texts (a
        # blank cell is no label, no column name and no value).
        texts = [(c, t) for c, t in enumerate(row) if t and not t.isspace()]
        if not texts:
            return
        cols = self.cols
        if cols is None:
            found: list[tuple[int, str]] = []
            labels: list[tuple[int, str]] = []
            kinds = _KINDS
            for c, t in texts:
                kind = kinds.get(t)
                if kind is None:
                    kind = (column_of(t), field_of(t))
                    if len(kinds) < 4096:
                        kinds[t] = kind
                if kind[0] is not None:
                    found.append((c, kind[0]))
                if kind[1] is not None:
                    labels.append((c, kind[1]))
            if found and (h := _columns(found)) is not None:
                self.cols, self.header = h, row
                self._header_key = [t.strip() for t in row]
                self.seen.update(f"indicators.{k}" for k in h)
                self._at = _Columns(h)
                return
        else:
            # Inside the indicator block a labelled row (联系人, or the next table's rows)
            # starts with its label: looking at the first text only keeps the loop cheap.
            # "预算执行率" is the one label that is also an indicator's name.
            c0, t0 = texts[0]
            k0 = field_of(t0)
            labels = [(c0, k0)] if k0 is not None and k0 != "execution_weight" else []
        if not labels and self._prev is not None and self._continues(texts, labels):
            self._join(texts)
            return
        if cols is not None and not labels:
            hk = self._header_key
            if (
                hk is not None
                and len(row) == len(hk)
                and row[texts[0][0]].strip() == hk[texts[0][0]]
                and [t.strip() for t in row] == hk
            ):
                return  # a column-header row repeated after a page break
            if column_of(texts[0][1]) is not None and header_columns(row) is not None:
                return  # the same, with the merged 绩效指标 cell left empty on the new page
            assert self._at is not None
            self.indicators.append(_indicator_at(row, self._at, self.file, self.table, line))
            self._prev, self._took = row, None
            return
        self._took = self._take_labelled(row, texts, labels if cols is None else None)
        self._prev = row

    def _continues(self, texts: list[tuple[int, str]], labels: list[tuple[int, str]]) -> bool:
        """Extraction (or a page break) split one cell over two rows: a row with no label
        and at most two texts, each under a text of the row above, continues it; so
        does a row whose first text completes the label above ("当年绩效" + "目标")."""
        prev = self._prev
        if prev is None or labels:
            return False
        n = len(prev)
        for c, _ in texts:
            if c >= n or not prev[c].strip():
                return False
        few = len(texts) <= 2 if self.cols is not None else len(texts) == 1 and texts[0][0] > 0
        return few or _completes_label(prev, texts)

    def _join(self, texts: list[tuple[int, str]]) -> None:
        prev = self._prev
        assert prev is not None
        for c, t in texts:
            prev[c] = prev[c] + t.strip()
            if self.cols is not None and self.indicators and self._took is None:
                _reread_indicator(self.indicators[-1], prev, self.cols)
        if self._took is not None:
            # Read the joined labelled row again, in place of what its first part gave.
            for k in self._took[0]:
                self.values.pop(k, None)
            if self._took[1] is not None:
                self.extra.pop(self._took[1], None)
            self._took = self._take_labelled(prev)

    def _take_labelled(
        self,
        row: list[str],
        texts: list[tuple[int, str]] | None = None,
        labels: list[tuple[int, str]] | None = None,
    ) -> tuple[list[str], str | None]:
        """Read a labelled row; `texts` and `labels` are the row's, when already found."""
        if texts is None:
            texts = [(c, t) for c, t in enumerate(row) if t and not t.isspace()]
        if labels is None:
            labels = [(c, k) for c, t in texts if (k := field_of(t)) is not None]
        took: list[str] = []
        seen = self.seen
        for _, k in labels:
            seen.add(k)
        for c, k in labels:
            if k == "indicators":
                continue
            if k.startswith("contact."):
                v = _value_after(row, c)
                kind = "联系人" if k == "contact.name" else "联系电话"
                read_contact([f"{kind}：{v or ''}"], self.contact)
                continue
            if k in self.values:
                continue
            v = _value_after(row, c)
            if v is not None:
                self.values[k] = v
                took.append(k)
        extra_name = None
        if not labels and texts:
            # An unknown labelled row (项目期限, 项目类型 …) is kept as written.
            name = clean_text(texts[0][1])
            rest = [clean_text(t) for _, t in texts[1:]]
            if rest and name:
                self.extra[name] = "".join(rest) if len(rest) == 1 else " ".join(rest)
                extra_name = name
        return took, extra_name


def _check_whole(rows: _Rows, seg: Segment, grid: Grid, file: str) -> str:
    """The project's name, once the table is known whole; else :class:`TruncatedTable`."""

    def cut(message: str, line: int | None = grid.last_line) -> TruncatedTable:
        return TruncatedTable(message, file=file, table=seg.index, line=line)

    project = clean_text(rows.values.get("project", ""))
    if not project and seg.title and "整体" in seg.title:
        # 部门整体支出绩效目标表: the department is what the table is about.
        project = clean_text(rows.values.get("department", ""))
    if not project:
        raise cut("缺少项目名称", seg.first_line)
    if rows.cols is None:
        raise cut("缺少绩效指标部分（表格在指标之前中断）")
    if not rows.indicators:
        raise cut("绩效指标部分没有任何指标行")
    if seg.last and not seg.notes and grid.open_end:
        raise cut("文件在表格最后一行中途结束（该行可能缺少单元格）")
    if seg.last and not seg.notes and rows.header is not None and "score" in rows.cols:
        # The file ends inside the indicator block with nothing after it: when the
        # scores fall short of the header's "分值 (90分)", rows were cut off.
        declared = _declared_total(rows.header[rows.cols["score"]])
        got = sum(i.score or 0 for i in rows.indicators)
        if declared is not None and got < declared:
            raise cut(f"文件在指标部分中途结束（分值合计 {got:g}，表头为 {declared:g} 分）")
    return project


def _assemble(rows: _Rows, project: str, seg: Segment, file: str, path: str | None) -> TargetTable:
    title = parse_title(seg.title) if seg.title else None
    values = rows.values

    def text(k: str) -> str | None:
        v = values.get(k)
        return (clean_text(v) or None) if v is not None else None

    def num(k: str) -> float | None:
        v = values.get(k)
        return parse_number(clean_text(v)) if v is not None else None

    return TargetTable.trusted(
        region=title.region if title else None,
        year=title.year if title else None,
        kind=title.kind if title else None,
        label=seg.label,
        department=text("department"),
        implementer=text("implementer"),
        project=project,
        execution_weight=num("execution_weight"),
        money_unit=seg.money_unit,
        funds=Funds.of(num),
        overview=text("overview"),
        basis=text("basis"),
        goal=text("goal"),
        indicators=rows.indicators,
        extra=rows.extra,
        contact=rows.contact,
        layout="district",
        form="部门整体" if seg.title and "整体" in seg.title else "目标表",
        form_fields=_form_fields(rows),
        source=Source.trusted(
            file=file,
            index=seg.index,
            path=path,
            first_line=seg.first_line,
            last_line=seg.last_line,
            page=None,
        ),
    )


def _completes_label(prev: list[str], texts: list[tuple[int, str]]) -> bool:
    """A label split over two rows: ``"项目总资"`` above ``"金额"`` is ``"项目总资金额"``."""
    c, t = texts[0]
    if c >= len(prev) or not prev[c].strip() or field_of(prev[c]) is not None:
        return False
    return field_of(prev[c].strip() + t.strip()) is not None


_DECLARED = re.compile(r"(\d+(?:\.\d+)?)\s*分")


def _form_fields(rows: _Rows) -> tuple[str, ...]:
    """The fields this form has a place for, filled in or not.

    A 分值 column headed "(90分)" marks the district template itself (its 预算执行率权重
    row keeps the other 10): the template has every row of :data:`_TEMPLATE`, even where a
    filer deleted one (the contact lines sit under the table, unlabelled when blank).
    """
    seen = set(rows.seen)
    cols, header = rows.cols, rows.header
    if (
        header is not None
        and cols
        and "score" in cols
        and _declared_total(header[cols["score"]]) == 90
    ):
        seen.update(_TEMPLATE)
    return tuple(sorted(seen))


_TEMPLATE = (
    "department", "implementer", "project", "funds.total", "goal", "execution_weight",
    "contact.name", "contact.phone",
)  # fmt: skip


@lru_cache(maxsize=1024)
def _declared_total(header_cell: str) -> float | None:
    """``"分值 (90分)"`` → 90.0; None where the header states no total."""
    m = _DECLARED.search(header_cell)
    return float(m.group(1)) if m else None


def _cell(row: list[str], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    if i is None or i >= len(row):
        return ""
    s = row[i]
    return clean_cell(s) if len(s) < 64 else clean_text(s)


class _Columns:
    """An indicator header's column positions, looked up once a table (None: no such column)."""

    __slots__ = ("core", "level1", "level2", "name", "operator", "score", "unit", "value")

    def __init__(self, cols: dict[str, int]) -> None:
        get = cols.get
        self.name, self.operator, self.value = get("name"), get("operator"), get("value")
        self.unit, self.score, self.core = get("unit"), get("score"), get("core")
        self.level1, self.level2 = get("level1"), get("level2")


def _at(row: list[str], i: int | None) -> str:
    """:func:`_cell` by position."""
    if i is None or i >= len(row):
        return ""
    s = row[i]
    if not s:
        return s
    return clean_cell(s) if len(s) < 64 else clean_text(s)


def _indicator_at(
    row: list[str], at: _Columns, file: str, table: int, line: int | None
) -> Indicator:
    name = _at(row, at.name)
    value = normalize_digits(_at(row, at.value))
    if not name:
        raise TruncatedTable("指标行缺少指标名称", file=file, table=table, line=line)
    op_cell = _at(row, at.operator)
    op = normalize_operator(op_cell)
    if not value and op != "定性":
        # A qualitative indicator may leave its value empty; any other is a cut row.
        raise TruncatedTable(
            f"指标“{name}”缺少指标值（行不完整）", file=file, table=table, line=line
        )
    vop, number, vunit = split_value(value)
    if op is None:
        op = vop
    if op is None and not op_cell.strip() and number is None and value:
        op = "定性"  # an empty 指标性质 beside a value with no number in it
    return Indicator.trusted(
        name=name,
        operator=op,
        value=value,
        number=number,
        unit=_at(row, at.unit) if at.unit is not None else vunit,
        score=parse_number(_at(row, at.score)),
        core=parse_core(_at(row, at.core)),
        level1=_at(row, at.level1) or None,
        level2=_at(row, at.level2) or None,
        operator_written=op_cell.strip() if is_operator_variant(op_cell) else None,
    )


def _reread_indicator(ind: Indicator, row: list[str], cols: dict[str, int]) -> None:
    """After a continuation row was joined into the row above, read the joined cells again."""
    ind.name = _cell(row, cols, "name") or ind.name
    value = normalize_digits(_cell(row, cols, "value"))
    if value:
        ind.value = value
        _, ind.number, vunit = split_value(value)
        if "unit" not in cols:
            ind.unit = vunit
    if "unit" in cols:
        ind.unit = _cell(row, cols, "unit")
