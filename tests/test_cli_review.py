"""jixiao check / classify, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from review_support import SEEDS

runner = CliRunner()
SEED_FILE = str(SEEDS / "004_ba3dd06106aafdcb.txt")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("db") / "j.db")
    assert runner.invoke(app, ["import", str(SEEDS), "--db", path, "-q"]).exit_code == 0
    return path


def test_check_json_from_store(db: str) -> None:
    r = runner.invoke(app, ["check", "--db", db, "--format", "json"])
    assert r.exit_code == 1  # errors exist
    found = json.loads(r.stdout)
    assert {"code", "severity", "project", "location", "message"} == set(found[0])
    where = {(f["code"], f["location"]["field"]) for f in found}
    assert ("completeness.contact", "contact") in where
    dup = [f["location"] for f in found if f["code"] == "duplicates.project"]
    assert [(d["file"], d["table"]) for d in dup] == [("004_ba3dd06106aafdcb.txt", 0)]


def test_check_files_directly_and_fail_on(tmp_path: Path) -> None:
    r = runner.invoke(app, ["check", SEED_FILE, "--format", "json"])
    assert r.exit_code == 1  # 财政信息化建设经费 has no goal
    assert runner.invoke(app, ["check", SEED_FILE, "--fail-on", "never"]).exit_code == 0
    cfg = tmp_path / "j.toml"
    cfg.write_text("[rules.completeness]\nenabled = false\n", encoding="utf-8")
    r = runner.invoke(app, ["check", SEED_FILE, "--config", str(cfg)])
    assert r.exit_code == 0, r.stdout
    r = runner.invoke(app, ["check", SEED_FILE, "--config", str(cfg), "--fail-on", "warning"])
    assert r.exit_code == 1


def test_check_text_is_grouped_and_counted() -> None:
    r = runner.invoke(app, ["check", SEED_FILE, "--fail-on", "never"])
    lines = r.stdout.splitlines()
    assert lines[0].startswith("财政信息化建设经费")  # the table with an error comes first
    assert lines[-1].startswith("审核 6 张表") and "错误 1" in lines[-1]


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("这不是绩效目标表", encoding="utf-8")
    r = runner.invoke(app, ["check", str(bad), SEED_FILE, "--fail-on", "never"])
    assert r.exit_code == 0
    assert "x.txt" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_check_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    r = runner.invoke(app, ["check", SEED_FILE, "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 1
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("严重程度", "规则", "文件")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ("错误", "completeness.goal") in {(r[0], r[1]) for r in rows[1:]}


def test_classify_json() -> None:
    r = runner.invoke(app, ["classify", SEED_FILE, "--format", "json"])
    assert r.exit_code == 0
    tables = json.loads(r.stdout)
    first = tables[0]["indicators"][0]
    assert set(first) == {"name", "level1", "level2", "given", "why"}
    assert first["name"] == "提供风险保障金额" and first["why"]
