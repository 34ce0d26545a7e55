"""Faults at the storing stage cost one file, never the batch, and read the same on SQLite
and PostgreSQL: NUL in a cell, a field longer than its column, any database error, a
lock held by another writer, a full disk, two first imports at once, a moved file."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import parse_file
from jixiao.store import Store
from jixiao.store.documents import Documents

from .conftest import SEEDS

GOOD = SEEDS / "004_ba3dd06106aafdcb.txt"
GOOD_TABLES = 6


def _import(db_url: str, *paths: Path, env: dict[str, str] | None = None) -> Any:
    args = ["import", *map(str, paths), "--db", db_url, "--workers", "1"]
    return CliRunner().invoke(app, args, env=env)


def _xlsx(path: Path, **fields: str) -> Path:
    """A seed table written as a workbook, with some fields set to hostile text."""
    import render

    table = parse_file(str(GOOD)).tables[0]
    for k, v in fields.items():
        setattr(table, k, v)
    render.write_xlsx(render.layouts([table]), str(path), sheet_per_table=True)
    return path


def _batch(tmp_path: Path) -> list[Path]:
    """Three files of the same tables in different bytes (so each is its own document)."""
    text_ = GOOD.read_text(encoding="utf-8")
    out = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"]
    out[0].write_text(text_, encoding="utf-8")
    out[1].write_bytes(text_.encode("gb18030"))
    out[2].write_text(text_, encoding="utf-16")
    return out


def _stored(db_url: str) -> list[str]:
    with Store(db_url, migrate=False) as s:
        return [d.name for d in s.documents()]


# -- 1. NUL ---------------------------------------------------------------------------


def test_nul_in_a_cell_is_dropped_on_every_database(db_url: str, tmp_path: Path) -> None:
    # `_x0000_` in a workbook's shared strings is read back as NUL.
    bad = _xlsx(tmp_path / "nul.xlsx", project="甲_x0000_乙", department="财政_x0000_局")
    good = tmp_path / "good.txt"
    shutil.copy(GOOD, good)
    res = _import(db_url, bad, good)
    assert res.exit_code == 0, res.output
    assert "新导入 2 个" in res.output
    with Store(db_url, migrate=False) as s:
        assert s.count() == GOOD_TABLES + 1
        nul = [t for t in s.tables() if t.source and t.source.file == "nul.xlsx"]
        assert [(t.project, t.department) for t in nul] == [("甲乙", "财政局")]
    # The outputs that choked on it before.
    for args in (
        ["template", "selfeval", "-o", str(tmp_path / "t.xlsx")],
        ["check", "--format", "xlsx", "-o", str(tmp_path / "c.xlsx"), "--fail-on", "never"],
        ["export", "--format", "xlsx", "-o", str(tmp_path / "e.xlsx")],
    ):
        out = CliRunner().invoke(app, [*args, "--db", db_url])
        assert out.exit_code == 0, out.output
        assert "Traceback" not in out.output


# -- 2. length, and any database error --------------------------------------------------


def test_an_overlong_name_refuses_that_table_alone(db_url: str, tmp_path: Path) -> None:
    long = _xlsx(tmp_path / "long.xlsx", project="很" * 600)
    good = tmp_path / "good.txt"
    shutil.copy(GOOD, good)
    res = _import(db_url, long, good)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("错误")]
    assert len(errors) == 1
    assert errors[0].startswith("错误 文件 long.xlsx 表 1")
    assert "：项目名称长 600 字，超过库中上限 512 字（多半是读错了栏目），此表未导入" in errors[0]
    assert "拒收 1 个" in res.output
    assert _stored(db_url) == ["good.txt"]
    with Store(db_url, migrate=False) as s:
        assert s.count() == GOOD_TABLES


def _fail_for(monkeypatch: pytest.MonkeyPatch, file: str, error: Exception) -> None:
    """The database fails while storing the tables of ``file`` (after its document row)."""
    real = Documents._insert_tables

    def insert(self: Documents, conn: Any, doc_id: int, tables: Any) -> None:
        real(self, conn, doc_id, tables)
        if tables and tables[0].source.file == file:
            raise error

    monkeypatch.setattr(Documents, "_insert_tables", insert)


def test_a_database_error_costs_that_file_alone(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _batch(tmp_path)
    _fail_for(monkeypatch, "b.txt", IntegrityError("INSERT …", {}, Exception("boom")))
    res = _import(db_url, *files)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert "读取文件 3 个，导入表 12 张，新导入 2 个，未能存储 1 个" in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("错误")]
    assert len(errors) == 1
    assert errors[0].startswith("错误 文件 b.txt：数据库 ")
    assert errors[0].endswith(" 出错：boom")
    # Rolled back: not even the document row of b.txt is left.
    assert _stored(db_url) == ["a.txt", "c.txt"]


def test_a_full_disk_costs_that_file_alone(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _batch(tmp_path)
    full = sqlite3.OperationalError("database or disk is full")
    _fail_for(monkeypatch, "a.txt", OperationalError("INSERT …", {}, full))
    res = _import(db_url, *files)
    assert res.exit_code == 1
    errors = [line for line in res.output.splitlines() if line.startswith("错误")]
    assert len(errors) == 1
    assert errors[0].startswith("错误 文件 a.txt：数据库 ")
    assert "所在磁盘已满，未能写入（database or disk is full）" in errors[0]
    assert _stored(db_url) == ["b.txt", "c.txt"]


# -- 3. another writer holds the lock ---------------------------------------------------


def test_a_writer_waiting_too_long_says_on_what(db_url: str, tmp_path: Path) -> None:
    files = _batch(tmp_path)[:2]
    Store(db_url).close()
    if db_url.startswith("sqlite"):
        holder: Any = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another import, mid-file
    else:
        eng = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
        holder = eng.connect()
        holder.execute(text("LOCK TABLE documents IN EXCLUSIVE MODE"))
    try:
        res = _import(db_url, *files, env={"JIXIAO_DB_LOCK_TIMEOUT": "1"})
    finally:
        holder.rollback()
        holder.close()
        if not db_url.startswith("sqlite"):
            eng.dispose()
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert "未能存储 2 个" in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("错误")]
    assert [e.split("：")[0] for e in errors] == ["错误 文件 a.txt", "错误 文件 b.txt"]
    for e in errors:
        assert "：等待数据库写锁超时（1 秒）：另一个程序正在写入 " in e
        assert e.endswith("，请稍后重试")
    # Once the other writer is done, the same command imports them.
    assert _import(db_url, *files).exit_code == 0
    assert _stored(db_url) == ["a.txt", "b.txt"]


# -- 4. two first imports at once ------------------------------------------------------


def test_processes_migrating_a_new_database_at_once_all_succeed(db_url: str) -> None:
    code = "import sys; from jixiao.store import Store; Store(sys.argv[1]).close(); print('ok')"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    url = db_url.replace("postgresql://", "postgresql+psycopg://", 1)
    eng = create_engine(url)
    with eng.connect() as c:
        assert c.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    eng.dispose()
    with Store(db_url, migrate=False) as s:
        s.require_current()


# -- 6. the same content under a new path ------------------------------------------------


def test_a_moved_file_updates_its_path_and_a_copy_is_named(db_url: str, tmp_path: Path) -> None:
    old = tmp_path / "old" / "目标表.txt"
    old.parent.mkdir()
    shutil.copy(GOOD, old)
    assert _import(db_url, old).exit_code == 0
    new = tmp_path / "new" / "目标表（终稿）.txt"
    new.parent.mkdir()
    old.rename(new)
    res = _import(db_url, new)
    assert res.exit_code == 0, res.output
    assert "读取文件 1 个，导入表 0 张，路径已更新 1 个" in res.output
    assert (
        f"提示 文件 目标表（终稿）.txt：已存在（内容相同），路径已更新：{old} → {new}"
        in res.output.replace("\n", "")
    )
    with Store(db_url, migrate=False) as s:
        docs = s.documents()
        assert [(d.path, d.name) for d in docs] == [(str(new), "目标表（终稿）.txt")]
        assert s.count() == GOOD_TABLES
        assert {t.source.file for t in s.tables() if t.source} == {"目标表（终稿）.txt"}
    # A copy beside it is stored once, and said so.
    copy = tmp_path / "new" / "副本.txt"
    shutil.copy(new, copy)
    res = _import(db_url, copy)
    assert res.exit_code == 0
    assert "未变化 1 个" in res.output
    assert f"提示 文件 副本.txt：已存在（内容相同）：与已导入的 {new} 相同，未重复导入" in (
        res.output.replace("\n", "")
    )
    assert _stored(db_url) == ["目标表（终稿）.txt"]
