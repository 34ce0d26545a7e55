"""A newcomer's first hour: a read of a missing database says so, every command names the
database it opened (on standard error), global options go before or after the command,
--version, Chinese help in a useful order, and tables that fit an 80-column terminal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from jixiao import __version__
from jixiao.cli import app
from jixiao.cli.app import COMMAND_ORDER, console

from .conftest import SEEDS

GOOD = SEEDS / "004_ba3dd06106aafdcb.txt"  # 6 tables
LONG_NAME = "2024年区级部门项目支出绩效目标表（财政局汇总版）.txt"
runner = CliRunner()


def _imported(tmp_path: Path) -> str:
    doc = tmp_path / LONG_NAME
    shutil.copy(GOOD, doc)
    db = str(tmp_path / "j.db")
    assert runner.invoke(app, ["import", str(doc), "--db", db]).exit_code == 0
    return db


def test_a_read_in_a_folder_without_a_database_says_so_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JIXIAO_DB", raising=False)
    for args in (["list"], ["show", "巨灾"], ["export"], ["check"], ["evaluations"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 1, args
        assert res.output == (
            f"错误 数据库 sqlite:///{tmp_path / 'jixiao.db'} 不存在"
            "（先用 jixiao import 导入，或检查 --db）\n"
        ), args
    assert list(tmp_path.iterdir()) == []


def test_every_command_names_its_database_on_standard_error(tmp_path: Path) -> None:
    db = _imported(tmp_path)
    for args in (["list"], ["show", "巨灾"], ["export", "--format", "json"], ["check"]):
        res = runner.invoke(app, [*args, "--db", db])
        assert res.stderr.splitlines()[0] == f"数据库：{db}", args
        assert "数据库：" not in res.stdout, args
    out = runner.invoke(app, ["export", "--format", "json", "--db", db]).stdout
    assert len(json.loads(out)) == 6  # standard output is the JSON alone


def test_global_options_go_before_the_command_too(tmp_path: Path) -> None:
    db = _imported(tmp_path)
    before = runner.invoke(app, ["--db", db, "list"])
    after = runner.invoke(app, ["list", "--db", db])
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout
    assert len(before.stdout.splitlines()) == 6  # to a pipe: a plain line a table
    # The command's own --db wins over the one before it.
    both = runner.invoke(app, ["--db", str(tmp_path / "other.db"), "list", "--db", db])
    assert both.stdout == before.stdout
    # --debug before the command is taken, and forgotten by the next run.
    assert runner.invoke(app, ["--debug", "list", "--db", db]).exit_code == 0
    res = runner.invoke(app, ["list", "--db", str(tmp_path / "none.db")])
    assert res.output.startswith("错误 数据库 ")


def test_version() -> None:
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.stdout == f"jixiao {__version__}\n"


def test_help_is_chinese_and_in_a_useful_order() -> None:
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    assert "读取、存储、审核绩效目标表" in res.stdout
    assert "--db" in res.stdout and "数据库：地址" in res.stdout
    commands = res.stdout.split("Commands:")[1].split()
    listed = [w for w in commands if w.isascii() and w.isalpha()]
    assert listed == list(COMMAND_ORDER)
    assert "导入：把文件里的绩效目标表读进数据库。" in res.stdout
    sub = runner.invoke(app, ["import", "--help"]).stdout
    assert "文件或文件夹" in sub and "只显示错误" in sub


def test_list_and_show_fit_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_force_terminal", True)  # the terminal's views
    db = _imported(tmp_path)
    env = {"COLUMNS": "80"}
    listed = runner.invoke(app, ["list", "--db", db], env=env).stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in listed)
    rows = [line for line in listed[2:-1] if line.strip()]
    assert len(rows) == 6  # one line a table: no name folded, no file name split
    assert all("2024年区级" in r and r.rstrip().endswith("…") for r in rows)
    shown = runner.invoke(app, ["show", "巨灾保险项目", "--db", db], env=env).stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in shown)
    assert any(f"来源：{LONG_NAME} 表 1" in line for line in shown)
    assert any("│ 提供风险保障金额" in line and "8000" in line for line in shown)
