"""Exports: JSON validates against the schema; CSV and XLSX read back as a reviewer would."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.exports import write_csv, write_json, write_xlsx
from jixiao.ingest import import_paths
from jixiao.model import TargetTable
from jixiao.store import Store

from .conftest import ROOT, SEEDS

SCHEMA_PATH = ROOT / "docs" / "target-table.schema.json"  # the project's copy of the spec's


@pytest.fixture
def seeded(tmp_path: Path) -> list[TargetTable]:
    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    import_paths([str(SEEDS)], store, workers=1)
    return list(store.tables())


def test_json_export_validates_against_the_schema(seeded: list[TargetTable]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    buf = io.StringIO()
    assert write_json(seeded, buf) == 36
    data = json.loads(buf.getvalue())
    validator = jsonschema.Draft202012Validator(schema)
    for t in data:
        validator.validate(t)
    assert isinstance(data[0]["funds"]["total"], int)  # 10, not 10.0
    assert data[1]["funds"]["total"] == 28.05


def test_json_roundtrip_through_the_model(seeded: list[TargetTable]) -> None:
    for t in seeded:
        again = TargetTable.from_json(t.to_json())
        assert again.to_json() == t.to_json()


def test_csv_is_one_flat_file_a_spreadsheet_opens(seeded: list[TargetTable]) -> None:
    buf = io.StringIO()
    rows = write_csv(seeded, buf)
    text = buf.getvalue()
    assert text.startswith("\ufeff")  # Excel needs the BOM to read UTF-8 Chinese
    table = list(csv.DictReader(io.StringIO(text[1:])))
    assert rows == len(table) == sum(len(t.indicators) for t in seeded)
    first = table[0]
    assert (
        first["项目名称"],
        first["指标名称"],
        first["指标性质"],
        first["指标值"],
        first["分值"],
    ) == ("餐饮行业油烟整治及达标抽测项目", "油烟整治", "≤", "20", "20")
    assert first["项目总资金额"] == "10"


def test_csv_neutralises_formulas() -> None:
    t = TargetTable(project='=HYPERLINK("http://x")', indicators=[])
    buf = io.StringIO()
    write_csv([t], buf)
    assert "'=HYPERLINK" in buf.getvalue()


def test_xlsx_is_a_workbook_a_reviewer_wants(seeded: list[TargetTable], tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    write_xlsx(seeded, str(out))
    wb = load_workbook(out)
    ws = wb["指标"]
    assert ws.freeze_panes == "A2"
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["文件", "表序号", "地区"]
    assert "指标名称" in headers and "项目名称" in headers and "是否核心" in headers
    assert ws.column_dimensions["I"].width == 30  # 项目名称
    assert ws.auto_filter.ref is not None
    assert ws.max_row == 1 + sum(len(t.indicators) for t in seeded)
    row2 = {h: c.value for h, c in zip(headers, ws[2], strict=True)}
    assert row2["项目名称"] == "餐饮行业油烟整治及达标抽测项目"
    assert row2["项目总资金额"] == 10 and row2["分值"] == 20
    projects = wb["项目"]
    assert projects.max_row == 37
    assert [c.value for c in projects[1]][-2:] == ["指标数", "分值合计"]


def test_export_command_writes_each_format(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(SEEDS), "--db", db, "--quiet"]).exit_code == 0
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / f"out.{fmt}"
        res = runner.invoke(app, ["export", "--db", db, "--format", fmt, "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 1000
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(data) == 36
    res = runner.invoke(app, ["export", "--db", db, "--format", "pdf"])
    assert res.exit_code == 2
