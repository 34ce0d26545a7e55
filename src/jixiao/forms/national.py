"""全国三级指标版式 (项目支出绩效目标表): labelled header rows over a three-level indicator block.

    项目名称 | …
    主管部门 | … | 实施单位 | …
    项目资金（万元）| 年度资金总额   | 100      (项目资金 often merged over the three rows)
                   | 其中：财政拨款 | 80
                   | 其他资金       | 20
    年度目标 | …                               (or 总体目标 over 中期目标 / 年度目标)
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 [| 指标性质 | 度量单位 | 分值 …]
             | 产出指标 | 数量指标 | 新建道路 | ≥3.5万平方米

Unlike the district layout, this one is read with its merges: a 一级指标 cell merged
over five rows is the 一级指标 of each of the five indicators, and a label merged
over several rows (项目资金, 总体目标, 年度目标) owns the text of every row it spans.
Header labels are found by name (labels.py), so extra rows and columns and their
order do not matter. The mapping onto the interchange form is written out in
``docs/layouts.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import TruncatedTable
from ..model import Contact, Funds, Indicator, Source, TargetTable
from ..readers.grid import Grid
from .district import read_contact
from .labels import (
    LABEL_MONEY_UNIT,
    column_of,
    field_of,
    is_overall_goal,
    normalize_label,
    parse_title,
    row_label_of,
)
from .segment import Segment, has_project_row
from .values import (
    clean_text,
    normalize_digits,
    normalize_operator,
    parse_core,
    parse_number,
    split_value,
)

# The columns that make an indicator header national: a name, a value and at least one level.
_LEVELS = ("level1", "level2")
# Rows that sum the block up rather than state an indicator.
_TOTAL_ROWS = frozenset({"合计", "总计", "小计", "总分", "分值合计"})
_SPACE = re.compile(r"\s+")
# An indicator row's text under a column key ("name", "unit" …), "" where there is none.
_CellReader = Callable[[str], str]


def indicator_header(row: list[str]) -> dict[str, int] | None:
    """Column positions of a three-level indicator header row, or None if the row is none.

    ``["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]`` →
    ``{"level1": 1, "level2": 2, "name": 3, "value": 4}``. The first of a repeated
    column name wins (a header merged over two columns repeats in neither reader).
    """
    cols: dict[str, int] = {}
    for i, text in enumerate(row):
        if text and (key := column_of(text)) is not None and key not in cols:
            cols[key] = i
    if "name" in cols and "value" in cols and any(k in cols for k in _LEVELS):
        return cols
    return None


def _header_row(grid: Grid) -> int | None:
    for r, row in enumerate(grid.rows):
        if indicator_header(row) is not None:
            return r
    return None


def recognise(seg: Segment) -> bool:
    """A grid with a 项目名称 row and an 一级/二级/三级指标 header is in the national layout."""
    g = seg.grid
    if g is None:
        return False
    # A cheap first look: a three-level header names 一级指标 or 二级指标 somewhere.
    if not any("级" in c and "指标" in c for row in g.rows for c in row if c):
        return False
    return _header_row(g) is not None and has_project_row(g)


@dataclass(slots=True)
class _Header:
    """What the rows above the indicator block say, label by label."""

    values: dict[str, str] = field(default_factory=dict)  # field → text, first wins
    extra: dict[str, str] = field(default_factory=dict)  # label as written → text
    overall_goal: list[str] = field(default_factory=list)  # 总体目标 texts
    funds_group: str | None = None  # a number written beside 项目资金 itself
    money_unit: str | None = None
    contact: Contact = field(default_factory=Contact)

    def put(self, label: str, text: str) -> None:
        """File one label's text under its field, 总体目标 or ``extra``."""
        text = text.strip()
        key = field_of(label)
        if key is not None and key.startswith("contact."):
            kind = "联系人" if key == "contact.name" else "联系电话"
            read_contact([f"{kind}：{text}"], self.contact)
            return
        if key == "indicators":
            return
        if key is not None:
            if text and key not in self.values:
                self.values[key] = text
            elif text and key in self.values:
                # A second 年度目标 row (目标2 …) continues the first.
                self.values[key] += "\n" + text
            return
        if not text:
            return
        if is_overall_goal(label):
            self.overall_goal.append(text)
            return
        if normalize_label(label) == "项目资金":
            self.funds_group = text
            return
        name = _display_label(label)
        self.extra[name] = f"{self.extra[name]}\n{text}" if name in self.extra else text


def _display_label(label: str) -> str:
    """A label as ``extra`` keys it: as written, without white space or a trailing colon."""
    return _SPACE.sub("", clean_text(label)).rstrip(":：")


def _is_label(text: str) -> bool:
    return field_of(text) is not None or row_label_of(text) is not None


def _read_header(grid: Grid, stop: int) -> _Header:
    """The labelled rows above the indicator block.

    Three shapes occur, often in one table:
    ``label | text | label | text`` (pairs along a row); a label merged down over
    rows whose other cells continue it (``年度目标`` over 目标1, 目标2); and a row of
    labels whose texts stand in the row below (``年度资金总额 | 财政拨款 | 其他资金``
    over ``100 | 80 | 20``).
    """
    head = _Header()
    covered = grid.covered()
    filled = grid.filled()
    # Labels of a row of labels, waiting for the row below: (first col, last col + 1, label).
    pending: list[tuple[int, int, str]] = []
    for r in range(stop):
        cells = [
            (c, c + grid.spans.get((r, c), (1, 1))[1], clean_text(t))
            for c, t in enumerate(grid.rows[r])
            if (r, c) not in covered and t.strip()
        ]
        for _, _, t in cells:
            if head.money_unit is None and _is_label(t) and (m := LABEL_MONEY_UNIT.search(t)):
                head.money_unit = m.group("unit")
        if not cells:
            continue
        labels = [_is_label(t) for _, _, t in cells]
        if pending and not any(labels):
            for a, b, label in pending:
                head.put(label, "".join(t for c, _, t in cells if a <= c < b))
            pending = []
            continue
        pending = []
        if all(labels):
            if len(cells) > 1:
                pending = [(a, b, t) for a, b, t in cells]
            continue
        i = 0
        if not labels[0]:
            # Text with no label before it: either a further line of a label merged down
            # from above (年度目标 over 目标1, 目标2), or a label this code does not know.
            c0 = cells[0][0]
            owner = next(
                (filled[r][c] for c in range(c0 - 1, -1, -1)
                 if (r, c) in covered and _is_label(filled[r][c])),
                None,
            )  # fmt: skip
            j = next((k for k in range(1, len(cells)) if labels[k]), len(cells))
            texts = [t for _, _, t in cells[:j]]
            if owner is not None:
                head.put(owner, _join(texts))
            elif len(texts) > 1:
                head.put(texts[0], _join(texts[1:]))
            i = j
        while i < len(cells):
            j = next((k for k in range(i + 1, len(cells)) if labels[k]), len(cells))
            head.put(cells[i][2], _join([t for _, _, t in cells[i + 1 : j]]))
            i = j
    return head


def _join(texts: list[str]) -> str:
    return texts[0] if len(texts) == 1 else " ".join(texts)


def build(seg: Segment, file: str, path: str | None = None) -> TargetTable:
    """Read one segment in the national layout into a table; raise if it is cut short."""
    grid = seg.grid
    if grid is None or not grid.rows:
        raise TruncatedTable(
            "标题之后没有表格内容", file=file, table=seg.index, line=seg.first_line
        )
    h = _header_row(grid)
    if h is None:
        raise TruncatedTable(
            "缺少绩效指标部分（表格在指标之前中断）",
            file=file,
            table=seg.index,
            line=grid.last_line,
        )
    head = _read_header(grid, h)
    project = head.values.get("project", "")
    if not project:
        raise TruncatedTable("缺少项目名称", file=file, table=seg.index, line=seg.first_line)
    indicators, notes = _read_indicators(grid, h, file, seg.index)
    if not indicators:
        raise TruncatedTable(
            "绩效指标部分没有任何指标行", file=file, table=seg.index, line=grid.last_line
        )

    contact = head.contact
    read_contact(notes + [p.text for p in seg.notes], contact)
    title = parse_title(seg.title) if seg.title else None
    values = head.values

    def num(k: str) -> float | None:
        v = values.get(k)
        return parse_number(v) if v is not None else None

    total = num("funds.total")
    if total is None and head.funds_group is not None:
        total = parse_number(head.funds_group)
    goal = values.get("goal") or ("\n".join(head.overall_goal) or None)
    extra = dict(head.extra)
    if values.get("goal") and head.overall_goal:
        # With a 年度目标 beside it, 总体目标 is one more labelled row.
        extra.setdefault("总体目标", "\n".join(head.overall_goal))

    return TargetTable.model_construct(
        region=title.region if title else None,
        year=title.year if title else None,
        kind=title.kind if title else None,
        label=seg.label,
        department=values.get("department") or None,
        implementer=values.get("implementer") or None,
        project=project,
        execution_weight=num("execution_weight"),
        money_unit=seg.money_unit or head.money_unit,
        funds=Funds.model_construct(
            total=total,
            superior=num("funds.superior"),
            district=num("funds.district"),
            other=num("funds.other"),
        ),
        overview=values.get("overview") or None,
        basis=values.get("basis") or None,
        goal=goal,
        indicators=indicators,
        extra=extra,
        contact=contact,
        source=Source.model_construct(
            file=file,
            index=seg.index,
            path=path,
            first_line=seg.first_line,
            last_line=seg.last_line,
            page=None,
        ),
    )


def _level(text: str) -> str:
    # Category names carry no meaningful spaces: "产出 指标" and "产出\n指标" are 产出指标.
    return _SPACE.sub("", clean_text(text))


def _read_indicators(
    grid: Grid, h: int, file: str, table: int
) -> tuple[list[Indicator], list[str]]:
    """The indicator rows below header row ``h``, and the texts of note rows among them."""
    header = grid.rows[h]
    cols = indicator_header(header)
    assert cols is not None  # _header_row found it
    filled = grid.filled()
    covered = grid.covered()
    norm_header = [normalize_label(t) for t in header]
    out: list[Indicator] = []
    notes: list[str] = []
    last1: str | None = None
    last2: str | None = None
    for r in range(h + 1, len(grid.rows)):
        row = grid.rows[r]
        own = [(c, clean_text(t)) for c, t in enumerate(row) if (r, c) not in covered and t.strip()]
        if not own:
            continue
        if [normalize_label(t) for t in row] == norm_header:
            continue  # the header repeated after a page break
        if any(field_of(t) in ("contact.name", "contact.phone") for _, t in own) or (
            len(own) == 1
            and grid.spans.get((r, own[0][0]), (1, 1))[1] > 1
            and own[0][0] <= min(cols.values())
        ):
            # 联系人 rows, and a note merged across the table (备注：…, 填报说明 …).
            notes.append(_pairs_text(own))
            continue

        def cell(key: str, r: int = r) -> str:
            i = cols.get(key)
            return clean_text(grid.rows[r][i]) if i is not None and i < len(grid.rows[r]) else ""

        # 一级/二级 merged over rows apply to each; a blank unmerged cell under a
        # filled one repeats it too, as a merge would have (text extraction loses merges).
        l1 = _level(filled[r][cols["level1"]]) if "level1" in cols else ""
        l2 = _level(filled[r][cols["level2"]]) if "level2" in cols else ""
        if not l1:
            l1 = last1 or ""
        if not l2 and l1 == (last1 or ""):
            l2 = last2 or ""
        name = cell("name")
        value = normalize_digits(cell("value"))
        if name in _TOTAL_ROWS or l1 in _TOTAL_ROWS or l2 in _TOTAL_ROWS:
            continue
        last1, last2 = l1 or None, l2 or None
        if not name and not value:
            continue  # a 二级 row with no 三级 under it states no indicator
        if not name:
            # A value beside a 二级指标 with no 三级 text: the 二级 is what it measures.
            name = l2 or l1
        if not name:
            raise TruncatedTable(
                "指标行缺少三级指标名称", file=file, table=table, line=grid.line_of(r)
            )
        out.append(_indicator(name, value, cell, l1, l2, cols))
    return out, notes


def _pairs_text(cells: list[tuple[int, str]]) -> str:
    """``联系人 | 王芳 | 联系电话 | 1380…`` → ``"联系人：王芳 联系电话：1380…"``."""
    parts: list[str] = []
    for _, t in cells:
        if field_of(t) is not None and parts:
            parts.append(" ")
        parts.append(f"{normalize_label(t)}：" if field_of(t) is not None else t)
    return "".join(parts)


def _indicator(
    name: str,
    value: str,
    cell: _CellReader,
    l1: str,
    l2: str,
    cols: dict[str, int],
) -> Indicator:
    vop, number, vunit = split_value(value)
    op = normalize_operator(cell("operator")) if "operator" in cols else None
    if op is None:
        op = vop
    if op is None and (number is None and value or "定性" in cell("value_type")):
        op = "定性"
    unit_cell = cell("unit") if "unit" in cols else ""
    return Indicator.model_construct(
        name=name,
        operator=op,
        value=value,
        number=number,
        unit=unit_cell or vunit,
        score=_score(cell("score")),
        core=parse_core(cell("core")),
        level1=l1 or None,
        level2=l2 or None,
    )


def _score(text: str) -> float | None:
    # "20" and "20分" are both 20.
    n = parse_number(text)
    if n is None and text:
        _, n2, unit = split_value(text)
        if unit in ("", "分"):
            return n2
    return n
