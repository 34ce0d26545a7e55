"""The terminal views: list and show, and the import summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app, targets
from jixiao.cli.app import console

from .conftest import SEEDS


def _seeded(tmp_path: Path) -> str:
    db = str(tmp_path / "j.db")
    res = CliRunner().invoke(app, ["import", str(SEEDS), "--db", db])
    assert res.exit_code == 0, res.output
    assert "读取文件 2 个，导入表 36 张，新导入 2 个，库中共 36 张表" in res.output
    return db


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output taken for a terminal (Rich tables, pages) though it is captured."""
    monkeypatch.setattr(console, "_force_terminal", True)


def test_list_shows_department_project_funds_and_indicator_count(
    tmp_path: Path, terminal: None
) -> None:
    db = _seeded(tmp_path)
    res = CliRunner().invoke(app, ["list", "--db", db], terminal_width=200)
    assert res.exit_code == 0
    assert "共 36 张表" in res.output
    line = next(line for line in res.output.splitlines() if "残疾人康复" in line)
    assert "区残联" in line and "1053 万元" in line and " 7 " in line
    res = CliRunner().invoke(
        app, ["list", "--db", db, "--department", "财政局"], terminal_width=200
    )
    assert "共 7 张表" in res.output


def test_list_on_a_terminal_shows_a_page_and_says_how_many_more(
    tmp_path: Path, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _seeded(tmp_path)
    monkeypatch.setattr(targets, "PAGE", 10)
    res = CliRunner().invoke(app, ["list", "--db", db], terminal_width=200)
    assert (
        "共 36 张表（显示第 1–10 张）；还有 26 张：--offset 10 看下一页，--all 看全部" in res.output
    )
    res = CliRunner().invoke(app, ["list", "--db", db, "--offset", "30"], terminal_width=200)
    assert "共 36 张表（显示第 31–36 张）" in res.output and "还有" not in res.output
    res = CliRunner().invoke(app, ["list", "--db", db, "--all"], terminal_width=200)
    assert res.output.rstrip().endswith("共 36 张表")


def test_list_to_a_pipe_streams_every_table_as_plain_lines(tmp_path: Path) -> None:
    db = _seeded(tmp_path)
    res = CliRunner().invoke(app, ["list", "--db", db])
    lines = res.stdout.splitlines()
    assert len(lines) == 36 and all(len(line.split("\t")) == 7 for line in lines)
    assert "\t区残联\t" in next(line for line in lines if "残疾人康复" in line)
    assert "\t1053\t万元\t7\t" in next(line for line in lines if "残疾人康复" in line)
    assert [line.split("\t")[0] for line in lines] == [str(n) for n in range(1, 37)]
    # Paging still applies when asked for; the lines are those of the terminal's table.
    page = CliRunner().invoke(app, ["list", "--db", db, "--limit", "5", "--offset", "5"])
    assert page.stdout.splitlines() == lines[5:10]


def test_show_lays_out_the_paper_form(tmp_path: Path) -> None:
    db = _seeded(tmp_path)
    res = CliRunner().invoke(app, ["show", "巨灾保险项目", "--db", db], terminal_width=160)
    assert res.exit_code == 0
    out = res.output
    assert out.count("长寿区2024年重点专项绩效目标表") == 2  # filed twice: both shown
    for text in (
        "主管部门",
        "重庆市长寿区财政局",
        "项目总资金额",
        "提供风险保障",
        "8000",
        "联系人：李冬霞",
        "（6 项，90 分）",
    ):
        assert text in out
    res = CliRunner().invoke(app, ["show", "不存在的项目", "--db", db])
    assert res.exit_code == 1


def test_show_escapes_document_text(tmp_path: Path) -> None:
    # "[red]" in a document is text, not Rich markup.
    p = tmp_path / "x.txt"
    text = (SEEDS / "004_ba3dd06106aafdcb.txt").read_text(encoding="utf-8")
    p.write_text(text.replace("打非专项项目", "打非[bold]专项[/bold]项目"), encoding="utf-8")
    db = str(tmp_path / "j.db")
    CliRunner().invoke(app, ["import", str(p), "--db", db])
    res = CliRunner().invoke(app, ["show", "打非", "--db", db], terminal_width=160)
    assert "打非[bold]专项[/bold]项目" in res.output


def test_no_progress_bar_when_output_is_not_a_terminal(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "jixiao", "import", str(SEEDS), "--db", str(tmp_path / "j.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr == f"数据库：{tmp_path / 'j.db'}\n"  # the one line naming it, no bar
    assert "\x1b" not in res.stdout
    quiet = subprocess.run(
        [
            sys.executable,
            "-m",
            "jixiao",
            "import",
            str(SEEDS),
            "--db",
            str(tmp_path / "j.db"),
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
