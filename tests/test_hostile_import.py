"""Faults and hostile input in the import (issue 11): never a crash, never a silent loss.

Each test builds its hostile file itself, imports it in a batch with good files, and
checks the one Chinese line naming the file, the exit status and what was stored: a
file's failure costs that file alone.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import render
from jixiao.cli import app
from jixiao.ingest import WORKER_DIED, import_paths
from jixiao.readers import xlsx as xlsx_reader
from jixiao.store import Store

from .conftest import SEEDS, tables_of

SEED_A = SEEDS / "000_b1cbcbfb32276fbb.txt"  # 30 tables
SEED_B = SEEDS / "004_ba3dd06106aafdcb.txt"  # 6 tables


def _good_files(d: Path) -> int:
    """Four good documents of distinct content in ``d``; returns how many tables they hold."""
    a, b = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
    (d / "1_a.txt").write_text(a, encoding="utf-8")
    (d / "2_b.txt").write_text(b, encoding="utf-8")
    (d / "3_b_gb.txt").write_bytes(b.encode("gb18030"))
    layouts = render.layouts(tables_of(str(SEED_B)))
    render.write_xlsx(layouts, str(d / "4_b.xlsx"), sheet_per_table=True)
    return 30 + 6 + 6 + 6


def _import(args: list[str], db: Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["import", *args, "--db", str(db)])
    assert "Traceback" not in res.output
    return res.exit_code, res.output


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("错误")]


# -- 1. a far cell in a workbook ---------------------------------------------------------


def _far_xlsx(path: Path, cell: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "项目名称"
    ws[cell] = "x"
    wb.save(path)


@pytest.mark.parametrize("cell", ["XFD1048576", "XFD4000"])
def test_far_cell_xlsx_is_refused_before_allocation_and_the_batch_goes_on(
    tmp_path: Path, cell: str
) -> None:
    d = tmp_path / "批次"
    d.mkdir()
    tables = _good_files(d)
    far = d / "5_far.xlsx"
    _far_xlsx(far, cell)
    assert far.stat().st_size < 10_000
    code, out = _import([str(d), "--workers", "2"], tmp_path / "j.db")
    assert code == 1
    assert f"读取文件 5 个，导入表 {tables} 张，新导入 4 个，拒收 1 个" in out
    rows = 1048576 if cell == "XFD1048576" else 4000
    assert _errors(out) == [
        f"错误 文件 {far}：工作表“Sheet”有内容的区域过大：A1 至 {cell}（{rows} 行 × 16384 列，"
        f"上限 {xlsx_reader.MAX_CELLS} 格），疑似异常文件，请删除远处的单元格后再导入"
    ]
    with Store(f"sqlite:///{tmp_path / 'j.db'}") as store:
        assert store.count() == tables


def test_extent_is_found_from_the_cells_not_the_declared_dimension(tmp_path: Path) -> None:
    # Cells without an r attribute follow the one before; <dimension> claims a tiny sheet.
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:B2"/><sheetData>'
        '<row r="2"><c t="inlineStr"><is><t>a</t></is></c><c s="1"/><c><v>1</v></c></row>'
        '<row><c r="D900"><v>2</v></c></row>'
        "</sheetData></worksheet>"
    )
    ext = xlsx_reader.used_extent(io.BytesIO(sheet.encode()))
    assert ext == xlsx_reader.Extent(top=1, left=0, bottom=899, right=3, cells=3)
    assert xlsx_reader.used_extent(io.BytesIO(b"<worksheet><sheetData/></worksheet>")) is None


# -- 1. a worker process that dies -------------------------------------------------------


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the dying reader is patched in the parent and inherited by forked workers",
)
def test_a_dying_worker_costs_its_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao import readers

    real = readers.READERS[".txt"]

    def dying(path: str) -> readers.Document:
        if "die" in os.path.basename(path):
            os._exit(137)  # as the kernel's out-of-memory killer would end it
        return real(path)

    monkeypatch.setitem(readers.READERS, ".txt", dying)
    d = tmp_path / "batch"
    d.mkdir()
    tables = _good_files(d)
    (d / "0_die.txt").write_text("项目名称\t会死\n", encoding="utf-8")
    (d / "9_die.txt").write_text("项目名称\t也会死\n", encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    report = import_paths([str(d)], store, workers=2)
    status = {f.name: f.status for f in report.files}
    assert status == {
        "0_die.txt": "refused",
        "1_a.txt": "imported",
        "2_b.txt": "imported",
        "3_b_gb.txt": "imported",
        "4_b.xlsx": "imported",
        "9_die.txt": "refused",
    }
    assert report.errors == [
        f"文件 {d / '0_die.txt'}：{WORKER_DIED}",
        f"文件 {d / '9_die.txt'}：{WORKER_DIED}",
    ]
    assert store.count() == tables
    store.close()


# -- 3. walking folders ------------------------------------------------------------------


def _deny(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` unlistable: chmod 000, or (as root, whom chmod does not stop) a patch."""
    if os.geteuid() != 0:
        folder.chmod(0)
        return
    real = os.scandir

    def scandir(path: str) -> object:
        if os.path.abspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_walk_lists_what_it_skips_and_follows_a_linked_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "批次"
    (d / "locked").mkdir(parents=True)
    outside = tmp_path / "别处"
    outside.mkdir()
    tables = _good_files(outside)
    (d / "linked").symlink_to(outside, target_is_directory=True)
    (outside / "loop").symlink_to(d, target_is_directory=True)  # back to the top
    (d / "locked" / "x.txt").write_text(SEED_B.read_text(encoding="utf-8"), encoding="utf-8")
    (d / "old.wps").write_bytes(b"not really a WPS file")
    (d / "sheet.et").write_bytes(b"\x00")
    (d / "~$lock.docx").write_bytes(b"owner")
    _deny(monkeypatch, d / "locked")
    try:
        code, out = _import([str(d), "--workers", "2"], tmp_path / "j.db")
    finally:
        (d / "locked").chmod(0o755)
    assert code == 1, out
    # The .wps is read (and refused for its content), the four linked files are imported.
    assert f"读取文件 5 个，导入表 {tables} 张，新导入 4 个，拒收 1 个，跳过 3 处" in out
    errors = _errors(out)
    assert f"错误 文件 {d / 'locked'}：无法读取文件夹（没有访问权限），其中的文件未导入" in errors
    assert any(e.startswith(f"错误 文件 {d / 'old.wps'}：") for e in errors)
    assert len(errors) == 2
    hints = [line for line in out.splitlines() if line.startswith("提示")]
    assert hints == [
        f"提示 文件 {d / 'sheet.et'}：未读取：WPS 表格文件，请另存为 .xlsx",
        f"提示 文件 {d / 'linked' / 'loop'}：未重复读取：指向已读取的文件夹 {d}（符号链接）",
    ]
    with Store(f"sqlite:///{tmp_path / 'j.db'}") as store:
        assert store.count() == tables
        paths = {doc.path for doc in store.documents()}
    good = ("1_a.txt", "2_b.txt", "3_b_gb.txt", "4_b.xlsx")
    assert paths == {str(d / "linked" / f) for f in good}


def test_os_errors_are_chinese_and_name_the_path_as_given(tmp_path: Path) -> None:
    d = tmp_path / "batch"
    d.mkdir()
    (d / "good.txt").write_text(SEED_B.read_text(encoding="utf-8"), encoding="utf-8")
    long_name = str(d / ("长" * 300 + ".txt"))
    code, out = _import(
        [str(d), str(d / "missing.docx"), long_name, str(d / "dangling.txt")],
        tmp_path / "j.db",
    )
    assert code == 1
    assert "读取文件 4 个，导入表 6 张，新导入 1 个，拒收 3 个" in out
    assert _errors(out) == [
        f"错误 文件 {d / 'missing.docx'}：无法打开：文件或文件夹不存在",
        f"错误 文件 {long_name}：无法打开：路径或文件名过长",
        f"错误 文件 {d / 'dangling.txt'}：无法打开：文件或文件夹不存在",
    ]


# -- 5. Ctrl-C ----------------------------------------------------------------------------


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_within_seconds_keeps_what_was_stored_and_says_so(
    tmp_path: Path, presses: int
) -> None:
    d = tmp_path / "many"
    d.mkdir()
    seed = SEED_A.read_text(encoding="utf-8")
    for i in range(40):
        (d / f"{i:03d}.txt").write_text(f"副本 {i}\n{seed}", encoding="utf-8")
    db = tmp_path / "j.db"
    # A session of its own: the signal goes to the whole group, as a terminal sends it.
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "import", str(d), "--workers", "2", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _stored(db) == 0:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        for _ in range(presses):
            os.killpg(proc.pid, signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    text = err.decode("utf-8")
    assert proc.returncode == 130, text
    assert took < 3
    assert "Traceback" not in text
    # The first line names the database the command opened; the summary follows it.
    text = "".join(x for x in text.splitlines(keepends=True) if not x.startswith("数据库："))
    m = re.fullmatch(
        r"已中断：已存入 (\d+) 个文件（(\d+) 张表），未处理 (\d+) 个；库中共 \2 张表\n", text
    )
    assert m is not None, text
    files, tables, pending = (int(g) for g in m.groups())
    # A file in flight when Ctrl-C came is neither stored nor counted as left.
    assert files >= 1 and 39 <= files + pending <= 40 and tables == 30 * files
    assert _stored(db) == tables  # what the line says is what the store holds


def _stored(db: Path) -> int:
    """Tables in the SQLite store, read without touching the importer's transaction."""
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return int(conn.execute("select count(*) from target_tables").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


# -- 6. progress from the first second ----------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_names_the_file_being_read_before_its_outcome(
    tmp_path: Path, workers: int
) -> None:
    d = tmp_path / "batch"
    d.mkdir()
    _good_files(d)
    events: list[tuple[str, str]] = []
    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    import_paths(
        [str(d)],
        store,
        workers=workers,
        reading=lambda path: events.append(("reading", os.path.basename(path))),
        progress=lambda o: events.append(("stored", o.name)),
    )
    store.close()
    names = ["1_a.txt", "2_b.txt", "3_b_gb.txt", "4_b.xlsx"]
    # Each file is announced as the import starts waiting for it, then its outcome.
    assert events == [(kind, n) for n in names for kind in ("reading", "stored")]
