"""The audit trail (审计记录) as files: JSON (every field, so the chain can be checked
again elsewhere), CSV and an XLSX sheet. Entries are streamed oldest first; before and
after are written as their JSON text; every spreadsheet cell goes through
:func:`safe_cell`, so nothing in the trail (a file name, a user name) becomes a formula.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any, TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..store.audit import AuditEntry, canonical, timestamp
from .cells import safe_cell, write_csv_rows

COLUMNS: list[tuple[str, int]] = [
    ("编号", 8), ("时间（UTC）", 28), ("用户", 14), ("动作", 16), ("对象", 30),
    ("之前", 40), ("之后", 40), ("说明", 40), ("前一条校验值", 66), ("校验值", 66),
]  # fmt: skip


def _row(e: AuditEntry) -> list[Any]:
    def text(v: Any) -> str | None:
        return None if v is None else canonical(v)

    return [
        e.id, timestamp(e.at), e.actor, e.action, e.subject, text(e.before), text(e.after),
        e.detail, e.prev_hash, e.hash,
    ]  # fmt: skip


def write_audit_json(entries: Iterable[AuditEntry], out: TextIO) -> int:
    """A JSON array of entries with every field (:meth:`AuditEntry.to_json`), one at a time."""
    n = 0
    out.write("[")
    for e in entries:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(e.to_json(), ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def write_audit_csv(entries: Iterable[AuditEntry], out: TextIO, *, bom: bool = True) -> int:
    """One row per entry, UTF-8 with a BOM so Excel reads the Chinese."""
    return write_csv_rows(out, [h for h, _ in COLUMNS], (_row(e) for e in entries), bom=bom)


def write_audit_xlsx(entries: Iterable[AuditEntry], out: str | IO[bytes]) -> int:
    """Sheet 审计记录: one row per entry under a frozen header with filters (streamed)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计记录")
    ws.freeze_panes = "A2"
    for i, (_, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    head = []
    for h, _ in COLUMNS:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        head.append(c)
    ws.append(head)
    n = 0
    for e in entries:
        ws.append([safe_cell(v) for v in _row(e)])
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{n + 1}"
    wb.save(out)
    return n
