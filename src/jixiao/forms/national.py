"""Labelled forms of every province: the national three-level layout and its relatives.

    项目名称 | …                     | 项目负责人及电话 | …      (pairs anywhere in a row)
    主管部门 | …                     | 实施单位         | …
    项目资金（万元）| 年度资金总额 | 100                           (funds in rows …)
                   | 其中：财政拨款 | 80
    项目资金（万元）| 年初预算数 | 全年预算数 | 全年执行数 …     (… or in columns)
    总体目标 | 中期目标 | 年度目标                               (labels over values)
             | …        | …
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 [| 分值 | 实际完成值 | 得分 …]
             | 产出指标 | 数量指标 | 新建道路 | ≥3.5万平方米
    项目负责人：      财务负责人：                            (signatures: no indicator)

The table is read in one pass over its rows, each row classified once: above the
indicator header a row is labelled pairs, a row of labels (its texts in the row
below), a budget header (funds in columns), or a caption; below it a row is an
indicator, a total, a repeated header, or a signature or note. Labels are found
by meaning (labels.py), so rows and columns may come in any order. A merged cell
applies to every row it spans (一级指标 over five indicators, 项目资金 over three
funds rows). A self-evaluation form (自评表) is read as its targets plus the
actuals and scores beside them; a flat table of many projects (项目名称 as a
column) gives one table per project. What a row holds that no label places is
reported as a warning on the table, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..errors import TruncatedTable
from ..model import (
    BudgetExecution,
    Contact,
    Funds,
    Indicator,
    IndicatorResult,
    PublishedSelfEvaluation,
    Source,
    TargetTable,
)
from ..readers.grid import Grid
from ..values import (
    clean_text,
    convert_amount,
    money_unit_name,
    normalize_digits,
    normalize_operator,
    parse_amount,
    parse_core,
    parse_number,
    split_value,
)
from .district import read_contact
from .labels import (
    LABEL_MONEY_UNIT,
    MONEY_UNIT,
    MONEY_UNIT_IN_TEXT,
    YEAR_CAPTION,
    YEAR_IN_TEXT,
    column_of,
    field_of,
    is_group_label,
    is_overall_goal,
    is_signature_or_note,
    looks_like_label,
    normalize_label,
    parse_title,
    row_label_of,
)
from .segment import Segment, has_project_row

_LEVELS = ("level1", "level2")
# Rows that sum the block up rather than state an indicator.
_TOTAL_ROWS = frozenset(
    {"合计", "总计", "小计", "总分", "分值合计", "合计得分", "总得分", "得分合计"}
)
_SPACE = re.compile(r"\s+")
# The points a form prints beside a level: "产出指标(50分)", "成本指标(0-20)分", "效益指标 30分".
_LEVEL_POINTS = re.compile(r"(?:[（(][^（）()]*\d[^（）()]*[)）]\s*分?|\d+(?:\.\d+)?\s*分)$")
# "项目名称：农村公路养护" in one cell: a label and its value.
_INLINE_PAIR = re.compile(r"^\s*([^:：\d]{2,16}?)\s*[:：]\s*(\S.*)$", re.S)
# A self-evaluation's budget columns (预算执行 block), by the name printed over each.
_BUDGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "planned": ("年初预算数", "年初预算", "年初预算金额", "年初预算安排"),
    "adjusted": (
        "全年预算数", "调整后预算数", "全年预算", "预算调整数", "调整预算数", "全年预算金额",
    ),
    "executed": (
        "全年执行数", "执行数", "实际执行数", "全年实际执行数", "实际支出", "全年实际支出",
        "预算执行数",
    ),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "预算执行率", "资金执行率"),
    "score": ("得分",),
}  # fmt: skip
_BUDGET_INDEX = {normalize_label(v): k for k, vs in _BUDGET_COLUMNS.items() for v in vs}
_LONG_TEXT = frozenset({"goal", "overview", "basis"})
_NUMERIC_FIELDS = frozenset(
    {"funds.total", "funds.superior", "funds.district", "funds.other", "execution_weight"}
)
_CellReader = Callable[[str], str]


# The rows a form template leaves for indicators and a department left empty.
_PLACEHOLDER = re.compile(r"^(?:指标\s*\d*|…+|\.{2,}|。{2,}|[-—/／]+|无|略|其他|其它)$")
_BLOCK_KEYS = frozenset({"name", "value", "level1", "level2"})


def _block_columns(found: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split a header's columns into blocks where a column repeats (中期 | 年度)."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for i, k in found:
        keys = {key for _, key in blocks[-1]}
        if k in _BLOCK_KEYS and k in keys and "name" in keys:
            blocks.append([])
        blocks[-1].append((i, k))
    # Only blocks that each name and value their indicators are blocks; else one header.
    if len(blocks) > 1 and all({"name", "value"} <= {k for _, k in b} for b in blocks):
        return blocks
    return [found]


def indicator_header(row: list[str], above: list[str] | None = None) -> dict[str, int] | None:
    """Column positions of an indicator header row, or None if the row is none.

    ``["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]`` →
    ``{"level1": 1, "level2": 2, "name": 3, "value": 4}``. Where two blocks stand side
    by side (中期 | 年度, each with its indicators) the annual one is taken: the block
    whose heading in the row above says 年度, else the last.
    """
    found = [(i, k) for i, t in enumerate(row) if t and (k := column_of(t)) is not None]
    keys = {k for _, k in found}
    if "name" not in keys or "value" not in keys:
        return None
    blocks = _block_columns(found) if len(found) > len(keys) else [found]
    if len(blocks) > 1:
        chosen = blocks[-1]
        for b in blocks:
            # The block's own header cells ("指标值(年度)") or its heading above (年度目标).
            head = "".join(row[i] for i, _ in b) + "".join(
                above[i] for i, _ in b if above is not None and i < len(above)
            )
            if "年度" in head and "中期" not in head and "长期" not in head:
                chosen = b
                break
        # A block without its own levels shares the first block's (一级指标 stands once).
        keys = {k for _, k in chosen}
        found = [*[(i, k) for i, k in blocks[0] if k in _LEVELS and k not in keys], *chosen]
    cols: dict[str, int] = {}
    for i, k in found:
        if k == "operator" and "operator" in cols:
            # 指标性质 (正向/反向) beside 指标方向 (大于等于): either may hold the operator.
            cols.setdefault("operator2", i)
        cols.setdefault(k, i)
    if cols["name"] >= 2 and "level1" not in cols and "level2" not in cols:
        # The tree's first two levels under names of the province's own (评价指标 | 评价内容 |
        # 指标名称): two named columns just left of the name column are the levels.
        named = [
            i
            for i in range(cols["name"])
            if row[i].strip()
            and column_of(row[i]) is None
            and _SPACE.sub("", row[i]) not in _GROUP_NAMES | {"序号", "编号"}
        ]
        if named == [cols["name"] - 2, cols["name"] - 1]:
            cols["level1"], cols["level2"] = named
    l2 = cols.get("level2")
    if l2 is not None and "level1" not in cols and l2 > 0:
        # "一级", "级指标": the first level's header damaged by vertical text.
        left = _SPACE.sub("", row[l2 - 1])
        if left.endswith(("级", "级指标")) and left not in _GROUP_NAMES:
            cols["level1"] = l2 - 1
    return cols


def _is_general(cols: dict[str, int]) -> bool:
    """Headers this module reads: with levels, or any without the district form's 指标性质."""
    return any(k in cols for k in _LEVELS) or "operator" not in cols or "actual" in cols


def _header_row(grid: Grid) -> tuple[int, dict[str, int]] | None:
    prev: list[str] | None = None
    for r, row in enumerate(grid.rows):
        joined = "".join(row)
        # Every header names its indicators (…指标…) and their values (…值): a cheap test
        # that spares the label look-ups on the rows above it.
        if "值" not in joined or "指标" not in joined:
            prev = row
            continue
        cols = indicator_header(row, prev)
        if cols is not None:
            if r > 0:
                # A header over two rows: columns merged down from the row above
                # (实际完成值 | 分值 | 得分 beside 一级指标 … 度量单位 under 绩效指标).
                for (r0, c), (rs, _) in grid.spans.items():
                    if r0 == r - 1 and rs >= 2 and (key := column_of(grid.rows[r0][c])):
                        cols.setdefault(key, c)
            return r, cols
        prev = row
    return None


def recognise(seg: Segment) -> bool:
    """A grid whose indicator header this module reads, with a title or labels above it."""
    g = seg.grid
    if g is None:
        return False
    found = _header_row(g)
    if found is None or not _is_general(found[1]):
        return False
    r, _ = found
    return (
        seg.title is not None
        or has_project_row(g)
        or any(field_of(c) is not None for row in g.rows[:r] for c in row if c)
    )


@dataclass(slots=True)
class _Header:
    """What the rows above the indicator block say, label by label."""

    values: dict[str, str] = field(default_factory=dict)  # field → text, first wins
    extra: dict[str, str] = field(default_factory=dict)  # label as written → text
    overall_goal: list[str] = field(default_factory=list)  # 总体目标 texts
    amount_units: list[str] = field(default_factory=list)  # units written with amounts
    money_unit: str | None = None
    year: int | None = None
    contact: Contact = field(default_factory=Contact)
    budget: BudgetExecution | None = None
    execution: dict[str, float | None] = field(default_factory=dict)  # 执行数, 执行率 as pairs
    captions: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    # Fields whose label the form carries, filled in or not: a rule asks only for those.
    seen: set[str] = field(default_factory=set)

    def note(self, label: str) -> str | None:
        """Record that the form has this label's field (even left blank); its field key."""
        key = field_of(label)
        if key is not None:
            self.seen.add(key)
            if key == "implementer" and "主管" in label:
                self.seen.add("department")
        elif is_overall_goal(label):
            self.seen.add("goal")
        elif "资金" in label and is_group_label(label):
            self.seen.add("funds.total")  # 项目资金（万元） over its 年度资金总额 rows
        return key

    def put(self, label: str, texts: list[str]) -> None:
        """File one label's texts under its field, 总体目标 or ``extra``."""
        texts = [t for t in (x.strip() for x in texts) if t]
        key = self.note(label)
        if key in _NUMERIC_FIELDS:
            # Numbers are never glued together: "0 | 0 | 10" is no 1010.
            for t in texts:
                n, unit = parse_amount(t)
                if n is not None:
                    if unit is not None:
                        self.amount_units.append(unit)
                    self.values.setdefault(key, t)
                    return
            if texts and key not in self.values:
                self.values[key] = texts[0]
            return
        norm = normalize_label(label)
        if key is None and _BUDGET_INDEX.get(norm) in ("executed", "rate"):
            # 执行数 | 6.84 as a pair (not in columns): the self-evaluation's execution.
            n = parse_number(texts[0].rstrip("%％")) if texts else None
            self.execution.setdefault(_BUDGET_INDEX[norm], n)
            return
        text = _join(texts)
        if key is not None and key.startswith("contact."):
            kind = "联系人" if key == "contact.name" else "联系电话"
            read_contact([f"{kind}：{text}"], self.contact)
            return
        if key == "indicators" or is_group_label(label):
            return
        if key == "implementer" and "主管" in label and "department" not in self.values:
            self.values["department"] = text  # "实施(主管)单位": one unit in both roles
        if key is not None:
            if text and key not in self.values:
                self.values[key] = text
            elif text and key in _LONG_TEXT:
                # A second 年度目标 row (目标2 …) continues the first.
                self.values[key] += "\n" + text
            return
        if not text:
            return
        if is_overall_goal(label):
            self.overall_goal.append(text)
            return
        name = _display_label(label)
        if name in ("金额单位", "单位", "资金单位") and (unit := money_unit_name(text)):
            self.money_unit = self.money_unit or unit
            return
        if name in ("预算年度", "年度", "项目年度") and (m := re.search(r"(?:19|20)\d{2}", text)):
            self.year = self.year or int(m.group(0))
        self.extra[name] = f"{self.extra[name]}\n{text}" if name in self.extra else text


def _display_label(label: str) -> str:
    """A label as ``extra`` keys it: as written, without white space or a trailing colon."""
    return _SPACE.sub("", clean_text(label)).rstrip(":：")


def _join(texts: list[str]) -> str:
    return texts[0] if len(texts) == 1 else " ".join(texts) if texts else ""


def _budget_header(texts: list[str]) -> bool:
    return sum(normalize_label(t) in _BUDGET_INDEX for t in texts) >= 2


def _strong_label(text: str) -> bool:
    """A label the vocabulary knows (项目名称, 项目期限 …), not one that only looks like it."""
    return (
        field_of(text) is not None
        or row_label_of(text) is not None
        or normalize_label(text) in _BUDGET_INDEX
    )


def _header_cells(
    grid: Grid, r: int, covered: set[tuple[int, int]], head: _Header
) -> list[tuple[int, int, str]]:
    """A row's own cells as (first col, last col + 1, text); a label and its value in one
    cell ("项目名称：XX") is filed at once."""
    cells: list[tuple[int, int, str]] = []
    for c, t in enumerate(grid.rows[r]):
        if (r, c) in covered or not t.strip():
            continue
        text = clean_text(t)
        m = _INLINE_PAIR.match(text) if ("：" in text or ":" in text) else None
        if m is not None and looks_like_label(m.group(1)) and not looks_like_label(text):
            head.put(m.group(1), [m.group(2)])
            continue
        if (
            head.money_unit is None
            and (mu := LABEL_MONEY_UNIT.search(text))
            and looks_like_label(text)
        ):
            head.money_unit = mu.group("unit")
        cells.append((c, c + grid.spans.get((r, c), (1, 1))[1], text))
    return cells


def _read_header(grid: Grid, stop: int, covered: set[tuple[int, int]]) -> _Header:
    """The labelled rows above the indicator block, each row classified once."""
    head = _Header()
    filled = grid.filled()
    rows = [_header_cells(grid, r, covered, head) for r in range(stop)]
    # Labels of a row of labels, waiting for the row below: (first col, last col + 1, label).
    pending: list[tuple[int, int, str]] = []
    # The budget columns of a self-evaluation (funds in columns): (first, last + 1, key).
    budget_cols: list[tuple[int, int, str]] = []
    for r, cells in enumerate(rows):
        if not cells:
            continue
        texts = [t for _, _, t in cells]
        if _budget_header(texts):
            budget_cols = [
                (a, b, _BUDGET_INDEX[normalize_label(t)])
                for a, b, t in cells
                if normalize_label(t) in _BUDGET_INDEX
            ]
            pending = []
            continue
        strong = [_strong_label(t) for t in texts]
        looks = [s or looks_like_label(t) for s, t in zip(strong, texts, strict=True)]
        if budget_cols and (key := _budget_row_key(texts[0])) is not None:
            _read_budget_row(head, key, cells[1:], budget_cols)
            continue
        budget_cols = []
        if pending and not any(strong):
            # Texts under a row of labels; the labels hold for the rows that follow
            # until the next labelled row (年度预期目标 over 目标1, 目标2).
            for a, b, label in pending:
                head.put(label, [t for c, _, t in cells if a <= c < b])
            continue
        pending = []
        below = rows[r + 1] if r + 1 < len(rows) else []
        if len(cells) > 1 and all(looks) and below and not any(_strong_label(t) for *_, t in below):
            # A row of labels over a row of their texts (总体目标 | 年度目标 over two texts).
            pending = list(cells)
            continue
        # Pairs along the row: a cell that only looks like a label, right after a label,
        # is that label's value ("资金名称 | 车辆购置税收入补助地方资金").
        labels = [
            strong[i] or (looks[i] and (i == 0 or not looks[i - 1])) for i in range(len(cells))
        ]
        if all(labels) and len(cells) == 1:
            head.note(texts[0])  # a lone label: 项目资金（万元） over its rows, or left blank
            continue
        i = 0
        if not labels[0]:
            # Text with no label before it: a further line of a label merged down from
            # above (年度目标 over 目标1, 目标2), a caption, or a label no one knows.
            c0 = cells[0][0]
            owner = next(
                (filled[r][c] for c in range(c0 - 1, -1, -1)
                 if (r, c) in covered and looks_like_label(filled[r][c])),
                None,
            )  # fmt: skip
            j = next((k for k in range(1, len(cells)) if labels[k]), len(cells))
            lead = texts[:j]
            if owner is not None:
                head.put(owner, lead)
            elif len(lead) == 1 and len(cells) == 1:
                head.captions.append(lead[0])
            elif len(lead) > 1:
                head.put(lead[0], lead[1:])
            else:
                head.unplaced.append(lead[0])
            i = j
        while i < len(cells):
            j = next((k for k in range(i + 1, len(cells)) if labels[k]), len(cells))
            head.put(texts[i], texts[i + 1 : j])
            i = j
    return head


def _budget_row_key(label: str) -> str | None:
    key = field_of(label)
    if key in _NUMERIC_FIELDS:
        return key
    return "funds.total" if normalize_label(label) in ("总额", "合计", "总计") else None


def _read_budget_row(
    head: _Header, key: str, cells: list[tuple[int, int, str]], cols: list[tuple[int, int, str]]
) -> None:
    """One funds row under a budget header (年度资金总额 | 年初 | 全年 | 执行 | 分值 | 执行率 …)."""
    got: dict[str, float | None] = {}
    for c, _, t in cells:
        col = next((k for a, b, k in cols if a <= c < b), None)
        if col is None or col in got:
            continue
        if col == "rate":
            got[col] = parse_number(t.replace("%", "").replace("％", ""))
        else:
            n, unit = parse_amount(t)
            if unit is not None:
                head.amount_units.append(unit)
            got[col] = n
    amount = got.get("adjusted")
    if amount is None:
        amount = got.get("planned")
    if amount is not None and key not in head.values:
        head.values[key] = f"{amount:g}"
    if key == "funds.total" and head.budget is None:
        head.budget = BudgetExecution.trusted(**{k: got.get(k) for k in _BUDGET_COLUMNS})


def _level(text: str) -> str:
    # Category names carry no meaningful spaces ("产 出 指 标") nor the points printed
    # beside them ("产出指标(50分)").
    s = _SPACE.sub("", clean_text(text))
    return _LEVEL_POINTS.sub("", s) or s


def _total_key(text: str) -> bool:
    return _SPACE.sub("", text) in _TOTAL_ROWS


@dataclass(slots=True)
class _Block:
    """The indicator rows: targets, and for a self-evaluation the results beside them."""

    indicators: list[Indicator] = field(default_factory=list)
    results: list[IndicatorResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total_given: float | None = None
    grade_given: str | None = None


_ACTUAL_WORDS = ("实际", "完成值", "上年", "中期")


def _sub_header(
    grid: Grid, h: int, cols: dict[str, int], covered: set[tuple[int, int]]
) -> tuple[dict[str, int], int]:
    """A second header row under the first, and the first indicator row.

    Two shapes: the value column merged over several with a row of their names
    (指标值 over ``2021年实际实现值 | 预期2022年实现值``: the target is the one that is
    no actual), and a row naming parts of the columns above (预期指标值 over
    ``符号 | | 单位``: operator, number and unit in three columns).
    """
    if h + 1 >= len(grid.rows) or "value" not in cols:
        return cols, h + 1
    row = grid.rows[h + 1]
    sub = [(c, clean_text(t)) for c, t in enumerate(row) if (h + 1, c) not in covered and t.strip()]
    if not sub or (cols["name"] < len(row) and row[cols["name"]].strip()):
        return cols, h + 1
    v = cols["value"]
    span = grid.spans.get((h, v), (1, 1))[1]
    cols = dict(cols)
    if span >= 2 and all(v <= c < v + span for c, _ in sub):
        target = [c for c, t in sub if not any(w in t for w in _ACTUAL_WORDS)]
        if target:
            cols["value"] = target[-1]
        return cols, h + 2
    named = [(c, k) for c, t in sub if (k := column_of(t)) is not None]
    if not named:
        return cols, h + 1
    taken = {c for c, _ in named}
    for c, k in named:
        if k in ("operator", "unit") and k not in cols or c == v:
            cols[k] = c
    if v in taken and cols.get("value") == v:
        # The number stands in the unnamed column beside the operator's.
        free = next((c for c in range(v + 1, v + 3) if c not in taken), None)
        if free is not None:
            cols["value"] = free
    return cols, h + 2


# A level name as a text extraction leaves it on a row of its own: "产 出 指 标", "质量 指标".
_LEVEL_NAME = re.compile(r"^[^\d%％]{1,10}指标$")
_LEVEL1_NAMES = frozenset(
    {"产出指标", "效益指标", "满意度指标", "成本指标", "产出", "效益", "满意度"}
)
_GRADES = frozenset({"优", "良", "中", "差", "优秀", "良好", "合格", "不合格"})
_NOTE_LABELS = frozenset({"说明", "备注", "其他需要说明事项", "其他说明", "其他需说明事项"})
_GROUP_NAMES = frozenset({"绩效指标", "年度绩效指标", "绩效目标", "项目绩效指标"})


def _aligned(texts: list[str], cols: dict[str, int]) -> tuple[str, str, dict[str, str]]:
    """A row of a text grid, where merged cells left no place holders: levels and then
    the columns from the name on, in the header's order."""
    i = 0
    while i < len(texts) and _SPACE.sub("", texts[i]) in _GROUP_NAMES:
        i += 1
    levels: list[str] = []
    while i < len(texts) - 1 and len(levels) < 2 and _LEVEL_NAME.match(_SPACE.sub("", texts[i])):
        levels.append(_level(texts[i]))
        i += 1
    l1 = l2 = ""
    if len(levels) == 2:
        l1, l2 = levels
    elif levels:
        if levels[0] in _LEVEL1_NAMES:
            l1 = levels[0]
        else:
            l2 = levels[0]
    order = sorted((c, k) for k, c in cols.items() if c >= cols["name"])
    return l1, l2, {k: texts[i + n] for n, (_, k) in enumerate(order) if i + n < len(texts)}


def _read_indicators(
    grid: Grid,
    h: int,
    cols: dict[str, int],
    covered: set[tuple[int, int]],
    start: int | None = None,
    *,
    text_grid: bool | None = None,
) -> _Block:
    """The indicator rows below header row ``h`` (from ``start``)."""
    filled = grid.filled()
    norm_header = [normalize_label(t) for t in grid.rows[h]]
    block = _Block()
    last1: str | None = None
    last2: str | None = None
    first_col = min(cols.values())
    # A grid from text has no merges: a row's cells must be placed by their meaning.
    if text_grid is None:
        text_grid = not grid.spans and bool(grid.row_lines)
    header_width = _width(grid.rows[h])
    for r in range(start or h + 1, len(grid.rows)):
        row = grid.rows[r]
        own = [(c, clean_text(t)) for c, t in enumerate(row) if (r, c) not in covered and t.strip()]
        if not own:
            continue
        if [normalize_label(t) for t in row] == norm_header:
            continue  # the header repeated after a page break
        if (
            any(field_of(t) in ("contact.name", "contact.phone") for _, t in own)
            or is_signature_or_note(own[0][1])
            or (len(own) <= 2 and _SPACE.sub("", own[0][1]) in _NOTE_LABELS)
            or (
                len(own) == 1
                and grid.spans.get((r, own[0][0]), (1, 1))[1] > 1
                and own[0][0] <= first_col
                and not _total_key(own[0][1])
            )
        ):
            # 联系人 rows, signatures (项目负责人：), and a note merged across the table.
            block.notes.append(_pairs_text(own))
            continue

        placed: dict[str, str] | None = None
        if text_grid and "name" in cols and _width(row) < header_width:
            al1, al2, placed = _aligned([t for _, t in own], cols)

        def cell(key: str, r: int = r, placed: dict[str, str] | None = placed) -> str:
            if placed is not None:
                return placed.get(key, "")
            i = cols.get(key)
            return clean_text(grid.rows[r][i]) if i is not None and i < len(grid.rows[r]) else ""

        if any(_total_key(t) for _, t in own[:3]):
            # 合计 / 总分: the self-evaluation's own total sits in its 得分 column, and
            # the grade it gave itself (优/良/中/差) often beside it.
            if "given" in cols:
                block.total_given = _score(cell("given"))
            grade = next((t for _, t in own if t.strip() in _GRADES), None)
            if grade is not None:
                block.grade_given = grade.strip()
            continue
        if placed is not None:
            l1, l2 = al1, al2
            if l1 and not l2:
                last2 = None
        else:
            l1 = _level(filled[r][cols["level1"]]) if "level1" in cols else ""
            l2 = _level(filled[r][cols["level2"]]) if "level2" in cols else ""
        if not l1:
            l1 = last1 or ""
        if not l2 and l1 == (last1 or ""):
            l2 = last2 or ""
        name = cell("name")
        value = normalize_digits(cell("value"))
        last1, last2 = l1 or None, l2 or None
        if not value and (
            not name
            or _PLACEHOLDER.match(name)
            or not (cell("actual") or _score(cell("score")) is not None)
        ):
            # A 二级 row with no 三级 under it, a template's empty "指标2" / "……" row, or
            # a name with nothing to measure (the 预算执行率 row some forms end with).
            continue
        if not name:
            # A value beside a 二级指标 with no 三级 text: the 二级 is what it measures.
            name = l2 or l1
        if not name:
            block.notes.append(_pairs_text(own))
            continue
        block.indicators.append(_indicator(name, value, cell, l1, l2, cols))
        if "actual" in cols or "given" in cols:
            block.results.append(
                IndicatorResult.trusted(
                    name=name,
                    actual=cell("actual") or None,
                    score_given=_score(cell("given")),
                    reason=cell("reason") or None,
                )
            )
    return block


def _width(row: list[str]) -> int:
    """Cells up to the last one with text: a row of a text grid short of its header lost
    the place holders of merged cells."""
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i].strip()), 0)


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
    if op is None and "operator2" in cols:
        op = normalize_operator(cell("operator2"))
    if op is None:
        op = vop
    if op is None and (number is None and value or "定性" in cell("value_type")):
        op = "定性"
    unit_cell = cell("unit") if "unit" in cols else ""
    return Indicator.trusted(
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
    # "20", "20分" and a weight "20%" are all 20 points; "100。" is 100.
    n = parse_number(text)
    if n is None and text:
        _, n2, unit = split_value(text)
        if unit in ("", "分", "%", "％"):
            return n2
    return n


def _year_of(texts: list[str]) -> int | None:
    for t in texts:
        m = YEAR_CAPTION.match(t) or YEAR_IN_TEXT.search(t)
        if m:
            return int(m.group("year"))
    return None


def _form_of(title: str | None, cols: dict[str, int], head: _Header) -> str:
    t = title or ""
    if "自评" in t or "actual" in cols or "given" in cols or head.budget is not None:
        return "自评表"
    if "整体" in t:
        return "部门整体"
    return "目标表"


def build(seg: Segment, file: str, path: str | None = None) -> list[TargetTable]:
    """Read one segment into its tables (one, or one per project of a flat table)."""
    grid = seg.grid
    if grid is None or not grid.rows:
        raise TruncatedTable(
            "标题之后没有表格内容", file=file, table=seg.index, line=seg.first_line
        )
    found = _header_row(grid)
    if found is None:
        raise TruncatedTable(
            "缺少绩效指标部分（找过：三级指标/指标名称 … 指标值 表头；表格在指标之前中断）",
            file=file,
            table=seg.index,
            line=grid.last_line,
        )
    h, cols = found
    covered = grid.covered()
    if "project" in _table_columns(grid, h):
        return list(_flat(seg, grid, h, cols, covered, file, path))
    head = _read_header(grid, h, covered)
    cols, first = _sub_header(grid, h, cols, covered)
    block = _read_indicators(grid, h, cols, covered, first)
    if not block.indicators:
        raise TruncatedTable(
            "绩效指标部分没有任何指标行", file=file, table=seg.index, line=grid.last_line
        )
    title = parse_title(seg.title) if seg.title else None
    form = _form_of(seg.title, cols, head)
    warnings = [f"未能归入任何字段：{t[:40]}" for t in head.unplaced]

    values = head.values
    project = values.get("project", "")
    if not project and form == "部门整体" and values.get("department"):
        project = values["department"]
    kind = title.kind if title else None
    if not project:
        project = _project_from_captions([*seg.captions, *head.captions]) or ""
        if project:
            warnings.append(f"表中没有“项目名称”一类的行，项目名称取自表格说明：{project}")
    if not project and kind and kind.endswith(("项目", "资金", "经费", "专项")) and len(kind) > 4:
        # "宁晋县2019年高中助学金项目绩效评价指标表": the title names the project.
        project, kind = kind, None
        warnings.append(f"表中没有“项目名称”一类的行，项目名称取自标题：{project}")
    if not project and (
        unit := head.extra.get("单位信息") or values.get("department") or values.get("implementer")
    ):
        # The form has its 项目名称 row but the department left it empty.
        project = unit
        warnings.append(f"项目名称为空，以单位名称代替：{project}")
    if not project:
        raise TruncatedTable(
            "缺少项目名称（找过：项目名称、项目支出名称、专项资金名称、资金名称等行，及标题下的说明）",
            file=file,
            table=seg.index,
            line=seg.first_line,
        )
    contact = head.contact
    read_contact(block.notes + [p.text for p in seg.notes], contact)
    money_unit = seg.money_unit or head.money_unit or _caption_unit([*seg.captions, *head.captions])
    if money_unit is None and head.amount_units:
        money_unit = head.amount_units[0]

    def num(k: str) -> float | None:
        v = values.get(k)
        if v is None:
            return None
        n, unit = parse_amount(v)
        if n is None:
            return parse_number(v)
        return convert_amount(n, unit, money_unit)

    goal = values.get("goal") or ("\n".join(head.overall_goal) or None)
    extra = dict(head.extra)
    if values.get("goal") and head.overall_goal:
        # With a 年度目标 beside it, 总体目标 is one more labelled row.
        extra.setdefault("总体目标", "\n".join(head.overall_goal))
    year = title.year if title and title.year else None
    year = year or _year_of(seg.captions) or head.year or _year_of(head.captions)

    self_eval = None
    if form == "自评表":
        budget = head.budget
        if budget is None and head.execution:
            budget = BudgetExecution.trusted(
                adjusted=num("funds.total"),
                executed=head.execution.get("executed"),
                rate=head.execution.get("rate"),
            )
        self_eval = PublishedSelfEvaluation.trusted(
            budget=budget or BudgetExecution.trusted(),
            indicators=block.results,
            total_given=block.total_given,
            grade_given=block.grade_given or _grade(extra),
        )
    return [
        TargetTable.trusted(
            region=title.region if title else None,
            year=year,
            kind=kind,
            label=seg.label,
            department=values.get("department") or None,
            implementer=values.get("implementer") or None,
            project=project,
            execution_weight=num("execution_weight"),
            money_unit=money_unit,
            funds=Funds.of(num),
            overview=values.get("overview") or None,
            basis=values.get("basis") or None,
            goal=goal,
            indicators=block.indicators,
            extra=extra,
            contact=contact,
            source=_source(seg, file, path),
            layout="national",
            form=form,
            warnings=tuple(warnings),
            self_evaluation=self_eval,
            form_fields=_form_fields(head, contact),
        )
    ]


def _flat_fields(tcols: dict[str, int], head: _Header) -> tuple[str, ...]:
    """A flat table's fields: its columns and the labelled rows above them."""
    seen = set(tcols) | head.seen
    if "goal.overall" in seen:
        seen.add("goal")  # 实施期绩效目标 stands for the goal where no 年度目标 column is
    if any(k.startswith("funds.") for k in seen):
        seen.add("funds.total")
    return tuple(sorted(seen))


def _form_fields(head: _Header, contact: Contact) -> tuple[str, ...]:
    """The fields this form has a place for (evaluation.md §2: rules follow the form)."""
    seen = set(head.seen)
    if head.budget is not None or any(k.startswith("funds.") for k in seen):
        seen.add("funds.total")
    # Written under the table as a note ("联系人：… 电话：…"): the form has what was written.
    if contact.name:
        seen.add("contact.name")
    if contact.phone:
        seen.add("contact.phone")
    return tuple(sorted(seen))


def _source(seg: Segment, file: str, path: str | None) -> Source:
    return Source.trusted(
        file=file,
        index=seg.index,
        path=path,
        first_line=seg.first_line,
        last_line=seg.last_line,
        page=None,
    )


def _grade(extra: dict[str, str]) -> str | None:
    for k, v in extra.items():
        if "等级" in k and v.strip()[:1] in ("优", "良", "中", "差"):
            return v.strip()[:1]
    return None


_PAREN_PROJECT = re.compile(r"^[（(](?P<p>[^（）()]{2,60})[)）]$")


def _project_from_captions(captions: list[str]) -> str | None:
    """A subtitle such as ``（天津市宝坻区畜禽粪污资源化利用整区推进项目）`` names the project."""
    for c in captions:
        m = _PAREN_PROJECT.match(c.strip())
        if m and not YEAR_CAPTION.match(c) and not MONEY_UNIT.match(c):
            return m.group("p").strip()
    return None


def _caption_unit(captions: list[str]) -> str | None:
    for c in captions:
        m = MONEY_UNIT.match(c) or MONEY_UNIT_IN_TEXT.search(c)
        if m:
            return m.group("unit")
    return None


# ---------------------------------------------------------------------------
# Flat tables: many projects in one grid, one row per indicator.


def _table_columns(grid: Grid, h: int) -> dict[str, int]:
    """Table-level fields named in an indicator header row (单位名称 | 项目名称 | 预算数 …),
    or merged down onto it from the row above."""
    out: dict[str, int] = {}
    header = list(grid.rows[h])
    if h > 0:
        for (r0, c), (rs, _) in grid.spans.items():
            if r0 == h - 1 and rs >= 2 and not header[c]:
                header[c] = grid.rows[r0][c]
    for i, t in enumerate(header):
        if not t:
            continue
        key = field_of(t)
        if key is None and is_overall_goal(t):
            key = "goal.overall"
        if key is not None and key not in out:
            out[key] = i
    return out


def _flat(
    seg: Segment,
    grid: Grid,
    h: int,
    cols: dict[str, int],
    covered: set[tuple[int, int]],
    file: str,
    path: str | None,
) -> Iterator[TargetTable]:
    """One table per project of a flat table; merged or repeated cells name the project."""
    tcols = _table_columns(grid, h)
    filled = grid.filled()
    title = parse_title(seg.title) if seg.title else None
    head = _read_header(grid, h, covered)
    money_unit = seg.money_unit or head.money_unit or _caption_unit(seg.captions)
    for c in tcols.values():
        if money_unit is None and (m := LABEL_MONEY_UNIT.search(grid.rows[h][c])):
            money_unit = m.group("unit")
            break
    year = (title.year if title else None) or _year_of(seg.captions) or head.year
    groups: list[tuple[str, list[int]]] = []
    start = _sub_header(grid, h, cols, covered)[1]
    for r in range(start, len(grid.rows)):
        project = clean_text(filled[r][tcols["project"]])
        if not project and groups and any(t.strip() for t in grid.rows[r]):
            project = groups[-1][0]  # text extraction leaves a merged cell empty below
        if not project or _total_key(project) or is_signature_or_note(project):
            continue
        if groups and groups[-1][0] == project:
            groups[-1][1].append(r)
        else:
            groups.append((project, [r]))
    unit_name: str | None = None  # a unit's own row over its projects (单位 | 合计 …)
    for project, rows in groups:
        sub = Grid(
            rows=[grid.rows[h], *(filled[r] for r in rows)],
            row_lines=[grid.line_of(h) or 0, *(grid.line_of(r) or 0 for r in rows)],
        )
        block = _read_indicators(sub, 0, cols, set(), text_grid=False)
        if not block.indicators:
            unit_name = project
            continue
        first = filled[rows[0]]

        def text(key: str, first: list[str] = first) -> str | None:
            i = tcols.get(key)
            return clean_text(first[i]) or None if i is not None else None

        def num(key: str, first: list[str] = first) -> float | None:
            t = text(key)
            n, unit = parse_amount(t)
            return convert_amount(n, unit, money_unit) if n is not None else None

        yield TargetTable.trusted(
            region=title.region if title else None,
            year=year,
            kind=title.kind if title else None,
            label=seg.label,
            department=text("department") or head.values.get("department") or unit_name,
            implementer=text("implementer"),
            project=project,
            execution_weight=None,
            money_unit=money_unit,
            funds=Funds.of(num),
            overview=text("overview"),
            basis=text("basis"),
            goal=text("goal") or text("goal.overall"),
            indicators=block.indicators,
            extra={},
            contact=Contact.trusted(),
            source=Source.trusted(
                file=file,
                index=seg.index,
                path=path,
                first_line=grid.line_of(rows[0]),
                last_line=grid.line_of(rows[-1]),
                page=None,
            ),
            layout="flat",
            form="目标表",
            warnings=(),
            form_fields=_flat_fields(tcols, head),
        )
