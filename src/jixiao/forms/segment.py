"""A document → the stretch of it that is each table: label, title, money unit, rows, notes.

Segmentation is the same for every layout and every format: a table starts at
its title (``…年…绩效目标表``), or at a grid with a 项目名称 row where a document
has no titles. Page furniture goes here: page numbers, a title repeated as a
running header, and text that extraction pushed out of a cell between two rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..readers.grid import Document, Grid, Paragraph
from .labels import (
    CONTACT_NAME,
    CONTACT_PHONE,
    MONEY_UNIT,
    PAGE_NUMBER,
    PROJECT_MARK,
    TABLE_LABEL,
    TITLE_HEAD,
    TITLE_WORD,
    YEAR_LINE,
    field_of,
    is_title,
    names_project,
    parse_title,
)


@dataclass(slots=True)
class Segment:
    """The blocks of one table, in document order."""

    index: int
    label: str | None = None
    title: str | None = None
    title_line: int | None = None
    money_unit: str | None = None
    grid: Grid | None = None
    notes: list[Paragraph] = field(default_factory=list)
    # Lines between the title and the table (a year "（2022年度）", a subtitle naming the
    # project): where a form states what its title leaves out.
    captions: list[str] = field(default_factory=list)
    last: bool = False  # the document's final table: where a truncated file shows
    _loose: list[Paragraph] = field(default_factory=list)

    @property
    def first_line(self) -> int | None:
        if self.title_line is not None:
            return self.title_line
        return self.grid.line if self.grid else None

    @property
    def last_line(self) -> int | None:
        lines = [p.line for p in self.notes]
        if self.grid and self.grid.last_line is not None:
            lines.append(self.grid.last_line)
        if self.title_line is not None:
            lines.append(self.title_line)
        return max(lines) if lines else None

    def add_grid(self, g: Grid) -> None:
        if self.grid is None:
            # A copy of the rows: the segment and the forms join split cells in place,
            # and the caller's document must stay as the reader made it.
            self.grid = Grid(
                rows=[r[:] for r in g.rows],
                spans=dict(g.spans),
                row_lines=list(g.row_lines),
                page=g.page,
                open_end=g.open_end,
            )
            self.notes.extend(self._loose)
            self._loose.clear()
            return
        # Text between two grids of one table is a cell that extraction split
        # across lines: join it onto the last cell above, without a separator.
        base = self.grid
        for p in self._loose:
            if _is_contact(p.text):
                self.notes.append(p)
            elif field_of(p.text) is not None:
                # A label with no value printed on a line of its own (其他资金): its row.
                base.rows.append([p.text.strip()])
                base.row_lines.append(p.line)
            elif base.rows:
                row = base.rows[-1]
                c = max((i for i, t in enumerate(row) if t.strip()), default=0)
                row[c] = row[c] + p.text
        self._loose.clear()
        offset = len(base.rows)
        width = max(len(row) for row in [*base.rows, *g.rows])
        for row in base.rows:
            row.extend([""] * (width - len(row)))
        for row in g.rows:
            base.rows.append(list(row) + [""] * (width - len(row)))
        for (r, c), span in g.spans.items():
            base.spans[(r + offset, c)] = span
        base.row_lines.extend(g.row_lines or [g.page or 0] * len(g.rows))
        base.open_end = g.open_end

    def close(self) -> None:
        self.notes.extend(self._loose)
        self._loose.clear()


def _is_contact(text: str) -> bool:
    return bool(CONTACT_NAME.search(text) and "联系人" in text) or bool(
        "电话" in text and CONTACT_PHONE.search(text)
    )


def has_project_row(g: Grid) -> bool:
    """Whether a grid has a 项目名称 row (in its first four cells): a target table's header."""
    return any(names_project(row[:4]) for row in g.rows)


def _sole_text(row: list[str]) -> str | None:
    """The one text of a row whose cells are empty or all say the same (a merged title row)."""
    first = None
    for t in row:
        if t and not t.isspace():
            s = t.strip()
            if first is None:
                first = s
            elif s != first:
                return None
    return first


def _is_heading(text: str) -> bool:
    """A line that belongs above a table: its label, title (or half of one), year or money unit."""
    return bool(
        is_title(text)
        or MONEY_UNIT.match(text)
        or TABLE_LABEL.match(text)
        or YEAR_LINE.match(text)
        or TITLE_HEAD.match(text)
    )


def _split(g: Grid) -> list[Grid]:
    """One grid per table where a spreadsheet holds several tables in one block of rows.

    A sheet read as one grid carries the second table's title as a row of its own,
    or (untitled) starts it with a second 项目名称 row.
    """
    cuts: list[int] = []
    seen_project = False
    for r, row in enumerate(g.rows):
        joined = "".join(row)  # the cheap tests of both kinds of row, on the whole row
        if r > 0 and TITLE_WORD in joined and (t := _sole_text(row)) and is_title(t):
            if seen_project:
                cuts.append(r)
            # A title under a line or two of preamble (报表编号 …) starts no new table.
            seen_project = False
            continue
        if PROJECT_MARK.search(joined) and names_project(row[:4]):
            if seen_project and (not cuts or cuts[-1] < r - 1 or r == 0):
                # Keep the title rows just above it with the new table.
                start = r
                while start > (cuts[-1] if cuts else 0) and (
                    (t2 := _sole_text(g.rows[start - 1])) is not None and _is_heading(t2)
                ):
                    start -= 1
                cuts.append(start)
            seen_project = True
    if not cuts:
        return [g]
    out: list[Grid] = []
    bounds = [0, *cuts, len(g.rows)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a >= b:
            continue
        spans = {(r - a, c): s for (r, c), s in g.spans.items() if a <= r < b}
        out.append(
            Grid(
                rows=g.rows[a:b],
                spans=spans,
                row_lines=g.row_lines[a:b],
                page=g.page,
                open_end=g.open_end and b == len(g.rows),
            )
        )
    return out


def _peel(g: Grid) -> tuple[list[Paragraph], Grid, list[Paragraph]]:
    """Title, unit and contact lines that a Word or Excel table holds as its own rows."""
    before: list[Paragraph] = []
    after: list[Paragraph] = []
    rows, lines = g.rows, g.row_lines
    top = 0
    sole_text = _sole_text

    # Preamble over the title row (报表编号:…, 附件1) goes out with it.
    title_at = 0
    if rows and (t0 := sole_text(rows[0])) is not None and not _is_heading(t0):
        title_at = next(
            (r for r in range(1, min(3, len(rows))) if (t := sole_text(rows[r])) and is_title(t)),
            0,
        )
    while top < len(rows):
        t = sole_text(rows[top])
        if t is None or (top >= title_at and not _is_heading(t)):
            break
        before.append(Paragraph(t, g.line_of(top) or 0))
        top += 1
    bottom = len(rows)
    while bottom > top:
        t = sole_text(rows[bottom - 1])
        if t is None or not _is_contact(t):
            break
        after.insert(0, Paragraph(t, g.line_of(bottom - 1) or 0))
        bottom -= 1
    if top == 0 and bottom == len(rows):
        return before, g, after
    spans = {(r - top, c): s for (r, c), s in g.spans.items() if top <= r < bottom}
    return (
        before,
        Grid(
            rows=rows[top:bottom],
            spans=spans,
            row_lines=lines[top:bottom],
            page=g.page,
            open_end=g.open_end and bottom == len(rows),
        ),
        after,
    )


def segments(doc: Document) -> list[Segment]:
    """Split a document into the segments of its tables, in order."""
    out: list[Segment] = []
    current: Segment | None = None
    pending_label: str | None = None
    pending_unit: str | None = None

    flat: list[Paragraph | Grid] = []
    for b in doc.blocks:
        if isinstance(b, Grid):
            for part in _split(b):
                before, g, after = _peel(part)
                flat.extend(before)
                if g.rows:
                    flat.append(g)
                flat.extend(after)
        else:
            flat.append(b)

    # "长寿区2024年度" waits here until the next line shows whether it is half a title.
    head: Paragraph | None = None
    for b in flat:
        if head is not None:
            held, head = head, None
            title = parse_title(b.text.strip()) if isinstance(b, Paragraph) else None
            if isinstance(b, Paragraph) and title is not None and title.year is None:
                b = Paragraph(held.text.strip() + b.text.strip(), held.line)
            elif current is not None:
                current._loose.append(held)
        if isinstance(b, Paragraph):
            text = b.text.strip()
            if PAGE_NUMBER.match(text):
                continue
            m = TABLE_LABEL.match(text)
            if m:
                pending_label = m.group(1).replace(" ", "")
                continue
            if parse_title(text) is not None:
                if current is not None and current.grid is None and current.title is not None:
                    # Two title lines over one table (a page heading and the form's own
                    # title row): one table, the title that says more wins.
                    current.title, other = _better_title(current.title, text)
                    current.captions.append(other)
                    continue
                if current is not None:
                    current.close()
                current = Segment(
                    index=len(out),
                    label=pending_label,
                    title=text,
                    title_line=b.line,
                    money_unit=pending_unit,
                )
                out.append(current)
                pending_label = None
                pending_unit = None
                continue
            if (
                current is not None
                and current.grid is None
                and current.title is not None
                and YEAR_LINE.match(text)
                and (t := parse_title(current.title)) is not None
                and t.year is None
            ):
                # "项目支出绩效目标申报表" over "（2024年度）" (or "2024年度)"): one title.
                year = YEAR_LINE.match(text).group("year")  # type: ignore[union-attr]
                current.title += f"（{year}年度）"
                continue
            if TITLE_HEAD.match(text):
                head = b
                continue
            um = MONEY_UNIT.match(text)
            if um:
                if current is not None and current.grid is None:
                    current.money_unit = um.group("unit")
                else:
                    pending_unit = um.group("unit")
                continue
            if current is not None:
                if current.grid is None and not _is_contact(text):
                    current.captions.append(text)
                else:
                    current._loose.append(b)
            continue
        # A grid.
        starts_table = has_project_row(b)
        if current is None or (
            starts_table and current.grid is not None and has_project_row(current.grid)
        ):
            if current is not None:
                current.close()
            current = Segment(index=len(out), label=pending_label, money_unit=pending_unit)
            out.append(current)
            pending_label = None
            pending_unit = None
        current.add_grid(b)
    if head is not None and current is not None:
        current._loose.append(head)
    if current is not None:
        current.close()
    merged = _merge_running_headers(out)
    if merged:
        merged[-1].last = True
    return merged


def _better_title(a: str, b: str) -> tuple[str, str]:
    """Of two titles of one table, the one to keep, and the other (kept as a caption)."""
    ta, tb = parse_title(a), parse_title(b)
    assert ta is not None and tb is not None

    # A year decides; else the later one, the form's own title nearest the table (the
    # earlier is a page heading or a news headline).
    return (a, b) if ta.year is not None and tb.year is None else (b, a)


def _merge_running_headers(segs: list[Segment]) -> list[Segment]:
    """A title repeated at the top of a page, over rows that continue the table, is furniture."""
    out: list[Segment] = []
    for s in segs:
        prev = out[-1] if out else None
        if (
            prev is not None
            and s.title is not None
            and s.title == prev.title
            and prev.grid is not None
            and s.grid is not None
            and not has_project_row(s.grid)
        ):
            prev.add_grid(s.grid)
            prev.notes.extend(s.notes)
            continue
        s.index = len(out)
        out.append(s)
    return out
