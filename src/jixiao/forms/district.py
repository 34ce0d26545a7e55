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

from ..errors import TruncatedTable
from ..model import Contact, Funds, Indicator, Source, TargetTable
from .labels import CONTACT_NAME, CONTACT_PHONE, TITLE, column_of, field_of
from .segment import Segment
from .values import (
    clean_text,
    is_operator_variant,
    normalize_digits,
    normalize_operator,
    parse_core,
    parse_number,
    split_value,
)

_TEXT_FIELDS = ("department", "implementer", "project", "overview", "basis", "goal")
_NUMBER_FIELDS = ("execution_weight", "funds.total", "funds.superior", "funds.district",
                  "funds.other")
CANONICAL_COLUMNS = ("name", "operator", "value", "unit", "score", "core")


def header_columns(row: list[str]) -> dict[str, int] | None:
    """Map an indicator header row to column positions, or None if the row is no header.

    A header repeats a column name where extraction damaged it (``指标性质 | 指标性质``
    where ``指标名称`` was meant); the missing column then takes the first duplicate.
    """
    found: list[tuple[int, str]] = [(i, k) for i, c in enumerate(row)
                                    if c and (k := column_of(c)) is not None]
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


def read_contact(texts: list[str], contact: Contact) -> None:
    for t in texts:
        if "联系人" in t and contact.name is None:
            m = CONTACT_NAME.search(t)
            if m and m.group("v").strip(" :："):
                contact.name = m.group("v").strip(" :：")
        if ("电话" in t or "联系方式" in t) and contact.phone is None:
            m = CONTACT_PHONE.search(t)
            if m and m.group("v").strip(" :："):
                contact.phone = m.group("v").strip(" :：")


def build(seg: Segment, file: str, path: str | None = None) -> TargetTable:
    """Read one segment in the district layout into a table; raise if it is cut short."""
    grid = seg.grid
    where_line = seg.first_line
    if grid is None or not grid.rows:
        raise TruncatedTable("标题之后没有表格内容", file=file, table=seg.index, line=where_line)

    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    indicators: list[Indicator] = []
    contact = Contact()
    cols: dict[str, int] | None = None
    header: list[str] | None = None
    prev_kept: list[str] | None = None

    for r, row in enumerate(grid.rows):
        line = grid.line_of(r)
        if cols is None:
            h = header_columns(row)
            if h is not None:
                cols, header = h, row
                continue
        # Continuation row: extraction split one cell over two rows. A row with no
        # label and at most two texts, each under a text of the row above, is joined to it.
        texts = [(c, t) for c, t in enumerate(row) if t and t.strip()]
        if not texts:
            continue
        labels = [(c, k) for c, t in texts if (k := field_of(t)) is not None]
        if (
            prev_kept is not None
            and not labels
            and all(c < len(prev_kept) and prev_kept[c].strip() for c, _ in texts)
            and (len(texts) <= 2 if cols is not None else len(texts) == 1 and texts[0][0] > 0)
        ):
            for c, t in texts:
                prev_kept[c] = prev_kept[c] + t.strip()
                if cols is not None and indicators:
                    _reread_indicator(indicators[-1], prev_kept, cols)
            continue

        if cols is not None and not labels:
            if header is not None and [t.strip() for t in row] == [t.strip() for t in header]:
                continue  # a column-header row repeated after a page break
            indicators.append(_indicator(row, cols, file, seg.index, line))
            prev_kept = row
            continue

        for c, k in labels:
            if k == "indicators":
                continue
            if k.startswith("contact."):
                v = _value_after(row, c)
                read_contact([f"{'联系人' if k == 'contact.name' else '联系电话'}：{v or ''}"],
                             contact)
                continue
            if k in values:
                continue
            v = _value_after(row, c)
            if v is not None:
                values[k] = v
        if not labels:
            # An unknown labelled row (项目期限, 项目类型 …) is kept as written.
            name = clean_text(texts[0][1])
            rest = [clean_text(t) for _, t in texts[1:]]
            if rest and name:
                extra[name] = "".join(rest) if len(rest) == 1 else " ".join(rest)
        prev_kept = row

    project = clean_text(values.get("project", ""))
    if not project:
        raise TruncatedTable("缺少项目名称", file=file, table=seg.index, line=where_line)
    if cols is None:
        raise TruncatedTable("缺少绩效指标部分（表格在指标之前中断）", file=file,
                             table=seg.index, line=grid.last_line)
    if not indicators:
        raise TruncatedTable("绩效指标部分没有任何指标行", file=file, table=seg.index,
                             line=grid.last_line)

    read_contact([p.text for p in seg.notes], contact)

    region = year = kind = None
    if seg.title:
        m = TITLE.match(seg.title)
        if m:
            region = m.group("region") or None
            year = int(m.group("year"))
            kind = m.group("kind") or None

    def text(k: str) -> str | None:
        v = values.get(k)
        if v is None:
            return None
        return clean_text(v) or None

    def num(k: str) -> float | None:
        v = values.get(k)
        return parse_number(clean_text(v)) if v is not None else None

    return TargetTable.model_construct(
        region=region,
        year=year,
        kind=kind,
        label=seg.label,
        department=text("department"),
        implementer=text("implementer"),
        project=project,
        execution_weight=num("execution_weight"),
        money_unit=seg.money_unit,
        funds=Funds.model_construct(
            total=num("funds.total"),
            superior=num("funds.superior"),
            district=num("funds.district"),
            other=num("funds.other"),
        ),
        overview=text("overview"),
        basis=text("basis"),
        goal=text("goal"),
        indicators=indicators,
        extra=extra,
        contact=contact,
        source=Source.model_construct(
            file=file, index=seg.index, path=path, first_line=seg.first_line,
            last_line=seg.last_line, page=None,
        ),
    )


def _cell(row: list[str], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    if i is None or i >= len(row):
        return ""
    return clean_text(row[i])


def _indicator(row: list[str], cols: dict[str, int], file: str, table: int,
               line: int | None) -> Indicator:
    name = _cell(row, cols, "name")
    value = normalize_digits(_cell(row, cols, "value"))
    if not name:
        raise TruncatedTable("指标行缺少指标名称", file=file, table=table, line=line)
    if not value:
        raise TruncatedTable(f"指标“{name}”缺少指标值（行不完整）", file=file, table=table,
                             line=line)
    op_cell = _cell(row, cols, "operator")
    op = normalize_operator(op_cell)
    vop, number, vunit = split_value(value)
    if op is None:
        op = vop
    unit = _cell(row, cols, "unit") if "unit" in cols else vunit
    return Indicator.model_construct(
        name=name,
        operator=op,
        value=value,
        number=number,
        unit=unit,
        score=parse_number(_cell(row, cols, "score")),
        core=parse_core(_cell(row, cols, "core")),
        level1=_cell(row, cols, "level1") or None,
        level2=_cell(row, cols, "level2") or None,
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
