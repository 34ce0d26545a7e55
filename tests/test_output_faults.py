"""Output edges: every fault is one Chinese line and a non-zero exit, never a traceback,
and an output file is written whole or not at all."""

from __future__ import annotations

import errno
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from jixiao import service
from jixiao.cli import app
from jixiao.store import Store

from .conftest import SEEDS

GOOD = SEEDS / "004_ba3dd06106aafdcb.txt"
runner = CliRunner()


def _errors(res: Any) -> list[str]:
    assert "Traceback" not in res.output
    return [line for line in res.output.splitlines() if line.startswith("错误")]


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite store holding one seed file (output faults do not depend on the backend)."""
    url = f"sqlite:///{tmp_path / 'j.db'}"
    good = tmp_path / "good.txt"
    shutil.copy(GOOD, good)
    assert runner.invoke(app, ["import", str(good), "--db", url]).exit_code == 0
    return url


def _return(tmp_path: Path) -> Path:
    path = tmp_path / "return.json"
    data = [{"project": "巨灾保险项目", "budget": 1, "executed": 1, "actuals": []}]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _commands(tmp_path: Path, out: Path) -> list[list[str]]:
    o = str(out)
    return [
        ["export", "--format", "xlsx", "-o", o],
        ["export", "--format", "csv", "-o", o],
        ["check", "--format", "xlsx", "-o", o, "--fail-on", "never"],
        ["template", "selfeval", "-o", o],
        ["template", "monitor", "-o", o],
        ["evaluate", str(_return(tmp_path)), "--format", "xlsx", "-o", o],
        ["evaluate", str(_return(tmp_path)), "--format", "json", "-o", o],
    ]


def test_output_into_a_missing_folder_is_one_line(db: str, tmp_path: Path) -> None:
    out = tmp_path / "没有这个文件夹" / "out.xlsx"
    for args in _commands(tmp_path, out):
        res = runner.invoke(app, [*args, "--db", db])
        assert res.exit_code == 1, args
        assert _errors(res) == [f"错误 无法写入 {out}：文件夹 {out.parent} 不存在"], args
        assert not out.parent.exists()


def test_output_onto_a_folder_is_one_line(db: str, tmp_path: Path) -> None:
    folder = tmp_path / "结果"
    folder.mkdir()
    for args in _commands(tmp_path, folder):
        res = runner.invoke(app, [*args, "--db", db])
        assert res.exit_code == 1, args
        assert _errors(res) == [
            f"错误 无法写入 {folder}：这是一个文件夹，请给出文件名（-o 文件名）"
        ], args
        assert list(folder.iterdir()) == []


def test_a_full_disk_leaves_no_file_and_the_old_one_whole(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(store: Any, fmt: Any, out: Any, query: Any = None) -> int:
        out.write(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(service, "export_tables", full)
    out = tmp_path / "out" / "tables.xlsx"
    out.parent.mkdir()
    res = runner.invoke(app, ["export", "--format", "xlsx", "-o", str(out), "--db", db])
    assert res.exit_code == 1
    assert _errors(res) == [f"错误 无法写入 {out}：磁盘已满"]
    assert list(out.parent.iterdir()) == []  # no 0-byte file, no temporary file
    out.write_bytes(b"the export of yesterday")
    res = runner.invoke(app, ["export", "--format", "xlsx", "-o", str(out), "--db", db])
    assert res.exit_code == 1
    assert out.read_bytes() == b"the export of yesterday"
    assert list(out.parent.iterdir()) == [out]


def test_an_output_is_complete_when_it_appears(db: str, tmp_path: Path) -> None:
    out = tmp_path / "tables.xlsx"
    res = runner.invoke(app, ["export", "--format", "xlsx", "-o", str(out), "--db", db])
    assert res.exit_code == 0, res.output
    assert load_workbook(out).sheetnames == ["指标", "项目"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.txt", "j.db", "tables.xlsx"]


def test_xlsx_without_an_output_file_is_refused(db: str) -> None:
    for args in (["export", "--format", "xlsx"], ["check", "--format", "xlsx"]):
        res = runner.invoke(app, [*args, "--db", db])
        assert res.exit_code == 1
        assert res.stdout == ""
        assert _errors(res) == [
            "错误 XLSX 是二进制文件，不写到标准输出：请用 -o 给出文件名（如 -o 结果.xlsx）"
        ]


def test_a_malformed_database_url_is_one_line() -> None:
    res = runner.invoke(app, ["list", "--db", "postgresql://u:secret@h:abc/test"])
    assert res.exit_code == 1
    assert _errors(res) == [
        "错误 无法识别的数据库地址 postgresql+psycopg://u:***@h:abc/test（应为 sqlite:///路径.db、"
        "postgresql://用户@主机:端口/库名，或一个文件路径）"
    ]


def test_a_database_of_a_newer_jixiao_is_one_line(db_url: str, tmp_path: Path) -> None:
    Store(db_url).close()
    eng = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with eng.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    eng.dispose()
    good = tmp_path / "good.txt"
    shutil.copy(GOOD, good)
    for args in (["list"], ["import", str(good)], ["db", "upgrade"]):
        res = runner.invoke(app, [*args, "--db", db_url])
        assert res.exit_code == 1, args
        [line] = _errors(res)
        assert line.startswith("错误 数据库 ")
        assert line.endswith(
            " 由更新版本的 jixiao 创建（结构版本 0999），比当前的 jixiao 新；请升级 jixiao"
        ), args


def test_an_absurd_amount_in_a_return_is_refused_by_name(db: str, tmp_path: Path) -> None:
    template = tmp_path / "自评表.xlsx"
    assert (
        runner.invoke(app, ["template", "selfeval", "-o", str(template), "--db", db]).exit_code == 0
    )
    wb = load_workbook(template)
    ws = wb.worksheets[1]
    ws["E6"] = 1e27  # 全年执行数
    wb.save(template)
    as_json = tmp_path / "return.json"
    as_json.write_text(json.dumps([{"project": "x", "budget": 1, "executed": 1e27}]))
    res = runner.invoke(app, ["evaluate", str(template), str(as_json), "--db", db])
    assert res.exit_code == 1
    assert _errors(res) == [
        f"错误 文件 自评表.xlsx 表 “{ws.title}” 第 6 行：全年执行数“1e+27”超出可信的数值范围"
        "（绝对值应小于 1e15）",
        "错误 文件 return.json 表 “#1”：“1e+27”超出可信的数值范围（绝对值应小于 1e15）",
    ]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port whose server accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for c in held:
        c.close()


def test_a_server_that_never_answers_is_one_line_within_the_timeout(silent_server: int) -> None:
    url = f"postgresql://u@127.0.0.1:{silent_server}/x"
    for args in (["list"], ["import", str(GOOD)]):
        start = time.monotonic()
        res = runner.invoke(app, [*args, "--db", url], env={"JIXIAO_DB_CONNECT_TIMEOUT": "2"})
        assert time.monotonic() - start < 10
        assert res.exit_code == 1
        assert _errors(res) == [
            f"错误 无法打开数据库 postgresql+psycopg://u@127.0.0.1:{silent_server}/x："
            "连接超时（2 秒内没有应答）"
        ]
