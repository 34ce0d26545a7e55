"""CSV export: one flat file, one row per indicator, UTF-8 with a BOM so Excel reads the Chinese."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from ..model import TargetTable
from .cells import safe_cell
from .columns import HEADERS, flat_rows


def _cell(v: object) -> object:
    return "" if v is None else safe_cell(v)


def write_csv(tables: Iterable[TargetTable], out: TextIO, *, bom: bool = True) -> int:
    if bom:
        out.write("\ufeff")
    w = csv.writer(out)
    w.writerow(HEADERS)
    n = 0
    for row in flat_rows(tables):
        w.writerow([_cell(v) for v in row])
        n += 1
    return n
