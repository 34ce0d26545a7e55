"""CSV export: one flat file, one row per indicator, UTF-8 with a BOM so Excel reads the Chinese."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ..model import TargetTable
from .cells import write_csv_rows
from .columns import HEADERS, flat_rows


def write_csv(tables: Iterable[TargetTable], out: TextIO, *, bom: bool = True) -> int:
    return write_csv_rows(out, HEADERS, flat_rows(tables), bom=bom)
