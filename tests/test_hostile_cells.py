"""Document text is data in every output: no formula, no crash, whatever a cell holds.

Each writer gets a table whose cells start with ``=``, ``+``, ``-``, ``@``, hold a live
``=HYPERLINK(...)`` and control characters (NUL, bell, escape, form feed); each file
is read back: no cell is a formula, every text is still there.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jixiao.exports import (
    safe_cell,
    write_csv,
    write_json,
    write_monitor_template,
    write_selfeval_template,
    write_xlsx,
)
from jixiao.exports.findings import write_findings_csv, write_findings_json, write_findings_xlsx
from jixiao.model import Contact, Funds, Indicator, Source, TargetTable
from jixiao.rules import check

LINK = '=HYPERLINK("http://evil.example/","点击")'
HOSTILE = ["=1+1", "+SUM(A1:A3)", "-2+3", "@cmd", LINK, "\tTAB=1", "a\x00b\x07c\x1bd\x0c"]


def hostile_table() -> TargetTable:
    return TargetTable(
        year=2024,
        department=HOSTILE[0],
        implementer=HOSTILE[1],
        project=LINK,
        money_unit="万元",
        funds=Funds(total=10),
        goal=HOSTILE[6],
        overview=HOSTILE[3],
        indicators=[
            Indicator(name=h, operator="≥", value=h, number=None, unit=h, score=10) for h in HOSTILE
        ],
        extra={"项目期限": HOSTILE[2], "@note": HOSTILE[5]},
        contact=Contact(name=HOSTILE[3], phone=HOSTILE[2]),
        source=Source(file="=evil.docx", index=0),
    )


def _no_formulas(path: Path) -> list[Any]:
    values = []
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                values.append(c.value)
    return values


def test_the_cell_rule() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@x") == "'@x"
    assert safe_cell("-") == "-"  # a placeholder, not a formula
    assert safe_cell("a\x00b\x07c") == "abc"
    assert safe_cell("两行\n文字\t") == "两行\n文字\t"
    assert safe_cell(-5) == -5 and safe_cell(None) is None


def test_tables_as_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    write_xlsx([hostile_table()], str(out))
    values = _no_formulas(out)
    assert "'" + LINK in values and "abcd" in values


def test_tables_as_csv() -> None:
    buf = io.StringIO()
    write_csv([hostile_table()], buf)
    cells = [c for row in csv.reader(io.StringIO(buf.getvalue().lstrip("\ufeff"))) for c in row]
    assert not any(c.startswith(("=", "+", "@", "\t")) for c in cells)
    assert not any(c.startswith("-") and len(c) > 1 for c in cells)
    assert "'" + LINK in cells and "abcd" in cells


def test_tables_as_json_keep_the_text_exactly() -> None:
    buf = io.StringIO()
    write_json([hostile_table()], buf)
    data = json.loads(buf.getvalue())
    assert data[0]["project"] == LINK  # JSON is data, not a spreadsheet: nothing to escape


def test_findings_in_every_format(tmp_path: Path) -> None:
    findings = check([hostile_table()])
    assert findings
    out = tmp_path / "f.xlsx"
    write_findings_xlsx(findings, str(out))
    assert "'" + LINK in _no_formulas(out)
    buf = io.StringIO()
    write_findings_csv(findings, buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue().lstrip("\ufeff"))))
    assert all(not c.startswith(("=", "+", "@")) for row in rows for c in row)
    buf = io.StringIO()
    write_findings_json(findings, buf)
    assert json.loads(buf.getvalue())[0]["project"] == LINK


@pytest.mark.parametrize("writer", [write_selfeval_template, write_monitor_template])
def test_templates(writer: Any, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert writer([hostile_table()], str(out)) == 1
    values = _no_formulas(out)
    assert "'" + LINK in values
