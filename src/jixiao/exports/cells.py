"""One rule for every cell jixiao writes into a spreadsheet (CSV or XLSX).

Text from documents is data, never a formula: a cell that starts with ``=``, ``+``,
``-``, ``@`` (or a tab or carriage return, which some spreadsheets skip before
looking) is written with a leading ``'``, as spreadsheet programs themselves mark
text. Control characters cannot be stored in OOXML and mean nothing in a table, so
they are dropped (tab and line breaks stay). Numbers, booleans and None pass as they
are. Every writer in the package calls :func:`safe_cell`; none escapes on its own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = {c: None for c in (*range(32), 127) if c not in (9, 10, 13)}


def safe_cell(v: Any) -> Any:
    """A value safe to write into a CSV or XLSX cell (see the module docstring)."""
    if isinstance(v, str):
        v = v.translate(_CONTROL)
        if len(v) > 1 and v.startswith(FORMULA_START):
            return "'" + v  # a lone "-" is a placeholder, not a formula
    return v


def write_csv_rows(
    out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True
) -> int:
    """CSV rows, every cell through :func:`safe_cell` (None as empty), UTF-8 with a BOM
    so Excel reads the Chinese; returns the rows written (the header not counted)."""
    if bom:
        out.write("\ufeff")
    w = csv.writer(out)
    w.writerow(header)
    n = 0
    for row in rows:
        w.writerow(["" if v is None else safe_cell(v) for v in row])
        n += 1
    return n
