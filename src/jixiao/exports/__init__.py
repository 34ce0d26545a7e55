"""Exports: one writer per kind and format, each taking data and an output stream or path.

Tables: JSON is the interchange form (``spec/target-table.md``); CSV and XLSX are for
people with a spreadsheet: one row per indicator with its table's fields beside it.
Findings: JSON, CSV and XLSX (``findings.py``). Self-evaluation and monitoring: the
workbooks departments fill (``templates.py``) and the scored report
(``evaluations.py``). Every spreadsheet cell goes through :func:`cells.safe_cell`:
document text is never written as a formula.
"""

from __future__ import annotations

from .cells import safe_cell
from .columns import INDICATOR_COLUMNS, TABLE_COLUMNS, flat_rows
from .csv import write_csv
from .evaluations import summarize, write_evaluations_xlsx
from .json import write_json
from .templates import write_monitor_template, write_selfeval_template
from .xlsx import write_xlsx

__all__ = [
    "INDICATOR_COLUMNS",
    "TABLE_COLUMNS",
    "flat_rows",
    "safe_cell",
    "summarize",
    "write_csv",
    "write_evaluations_xlsx",
    "write_json",
    "write_monitor_template",
    "write_selfeval_template",
    "write_xlsx",
]
