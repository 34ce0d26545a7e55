"""Exports: one writer per kind and format, each taking data and an output stream or path.

Tables: JSON is the interchange form (``spec/target-table.md``); CSV and XLSX are for
people with a spreadsheet: one row per indicator with its table's fields beside it.
Findings: JSON, CSV and XLSX (``findings.py``). Every spreadsheet cell goes through
:func:`cells.safe_cell`: document text is never written as a formula.
"""

from __future__ import annotations

from .cells import safe_cell
from .columns import INDICATOR_COLUMNS, TABLE_COLUMNS, flat_rows
from .csv import write_csv
from .json import write_json
from .xlsx import write_xlsx

__all__ = [
    "INDICATOR_COLUMNS",
    "TABLE_COLUMNS",
    "flat_rows",
    "safe_cell",
    "write_csv",
    "write_json",
    "write_xlsx",
]
