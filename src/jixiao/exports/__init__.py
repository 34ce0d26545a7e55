"""Exports: one writer per format, each taking tables and an output stream or path.

JSON is the interchange form (``spec/target-table.md``); CSV and XLSX are for
people with a spreadsheet: one row per indicator with its table's fields beside it.
"""

from __future__ import annotations

from .columns import INDICATOR_COLUMNS, TABLE_COLUMNS, flat_rows
from .csv import write_csv
from .json import write_json
from .xlsx import write_xlsx

FORMATS = ("json", "csv", "xlsx")

__all__ = [
    "FORMATS",
    "INDICATOR_COLUMNS",
    "TABLE_COLUMNS",
    "flat_rows",
    "write_csv",
    "write_json",
    "write_xlsx",
]
