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
    TABLE_LABEL,
    TITLE,
    field_of,
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
            self.grid = Grid(rows=[list(r) for r in g.rows], spans=dict(g.spans),
                             row_lines=list(g.row_lines), page=g.page)
            self.notes.extend(self._loose)
            self._loose.clear()
            return
        # Text between two grids of one table is a cell that extraction split
        # across lines: join it onto the last cell above, without a separator.
        base = self.grid
        for p in self._loose:
            if _is_contact(p.text):
                self.notes.append(p)
            elif base.rows:
                row = base.rows[-1]
                c = max((i for i, t in enumerate(row) if t.strip()), default=0)
                row[c] = row[c] + p.text
        self._loose.clear()
        offset = len(base.rows)
        width = max(len(base.rows[0]) if base.rows else 0, len(g.rows[0]) if g.rows else 0)
        for r in base.rows:
            r.extend([""] * (width - len(r)))
        for r in g.rows:
            base.rows.append(list(r) + [""] * (width - len(r)))
        for (gr, gc), span in g.spans.items():
            base.spans[(gr + offset, gc)] = span
        base.row_lines.extend(g.row_lines or [g.page or 0] * len(g.rows))

    def close(self) -> None:
        self.notes.extend(self._loose)
        self._loose.clear()


def _is_contact(text: str) -> bool:
    return bool(CONTACT_NAME.search(text) and "联系人" in text) or bool(
        "电话" in text and CONTACT_PHONE.search(text)
    )


def _has_project_row(g: Grid) -> bool:
    return any(field_of(c) == "project" for row in g.rows for c in row[:4] if c)


def _peel(g: Grid) -> tuple[list[Paragraph], Grid, list[Paragraph]]:
    """Title, unit and contact lines that a Word or Excel table holds as its own rows."""
    before: list[Paragraph] = []
    after: list[Paragraph] = []
    rows, lines = g.rows, g.row_lines
    top = 0

    def sole_text(row: list[str]) -> str | None:
        texts = [t.strip() for t in row if t.strip()]
        if not texts or any(t != texts[0] for t in texts):
            return None
        return texts[0]

    while top < len(rows):
        t = sole_text(rows[top])
        if t is None or not (TITLE.match(t) or MONEY_UNIT.match(t) or TABLE_LABEL.match(t)):
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
    return before, Grid(rows=rows[top:bottom], spans=spans, row_lines=lines[top:bottom],
                        page=g.page), after


def segments(doc: Document) -> list[Segment]:
    """Split a document into the segments of its tables, in order."""
    out: list[Segment] = []
    current: Segment | None = None
    pending_label: str | None = None
    pending_unit: str | None = None

    flat: list[Paragraph | Grid] = []
    for b in doc.blocks:
        if isinstance(b, Grid):
            before, g, after = _peel(b)
            flat.extend(before)
            if g.rows:
                flat.append(g)
            flat.extend(after)
        else:
            flat.append(b)

    for b in flat:
        if isinstance(b, Paragraph):
            text = b.text.strip()
            if PAGE_NUMBER.match(text):
                continue
            m = TABLE_LABEL.match(text)
            if m:
                pending_label = m.group(1).replace(" ", "")
                continue
            if TITLE.match(text):
                if current is not None:
                    current.close()
                current = Segment(index=len(out), label=pending_label, title=text,
                                  title_line=b.line, money_unit=pending_unit)
                out.append(current)
                pending_label = None
                pending_unit = None
                continue
            um = MONEY_UNIT.match(text)
            if um:
                if current is not None and current.grid is None:
                    current.money_unit = um.group("unit")
                else:
                    pending_unit = um.group("unit")
                continue
            if current is not None:
                current._loose.append(b)
            continue
        # A grid.
        starts_table = _has_project_row(b)
        if current is None or (starts_table and current.grid is not None
                               and _has_project_row(current.grid)):
            if current is not None:
                current.close()
            current = Segment(index=len(out), label=pending_label, money_unit=pending_unit)
            out.append(current)
            pending_label = None
            pending_unit = None
        current.add_grid(b)
    if current is not None:
        current.close()
    return _merge_running_headers(out)


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
            and not _has_project_row(s.grid)
        ):
            prev.add_grid(s.grid)
            prev.notes.extend(s.notes)
            continue
        s.index = len(out)
        out.append(s)
    return out
