"""Bad input gets one clear line naming file, table and line; the batch goes on."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import import_paths
from jixiao.store import Store

from .conftest import SEEDS

GOOD = (SEEDS / "004_ba3dd06106aafdcb.txt").read_text(encoding="utf-8")


def _batch(tmp_path: Path) -> Path:
    d = tmp_path / "batch"
    d.mkdir()
    (d / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (d / "b_prose.txt").write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    # Cut inside the first table's overview: no indicators at all.
    (d / "c_truncated.txt").write_text(GOOD[: GOOD.index("保障范围包括")], encoding="utf-8")
    (d / "d_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (d / "e_latin1.txt").write_bytes("caf\xe9 ".encode("latin-1") * 3 + b"\xff\xfe\xfa")
    (d / "f_empty.txt").write_bytes(b"")
    (d / "g_gb18030.txt").write_bytes(GOOD.encode("gb18030"))
    return d


def test_batch_goes_on_past_bad_files(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    report = import_paths([str(_batch(tmp_path))], store, workers=1)
    status = {f.name: f.status for f in report.files}
    assert status == {
        "a_good.txt": "imported",
        "b_prose.txt": "refused",
        "c_truncated.txt": "refused",
        "d_binary.txt": "refused",
        "e_latin1.txt": "refused",
        "f_empty.txt": "refused",
        "g_gb18030.txt": "imported",  # older Windows files: GB18030 is read
    }
    assert store.count() == 12
    msgs = {f.name: f.errors[0] for f in report.files if f.errors}
    # A file is named by the path as given (the folder walked, then its name).
    d = tmp_path / "batch"
    assert msgs["b_prose.txt"].startswith(f"文件 {d / 'b_prose.txt'}：未找到绩效目标表")
    assert msgs["d_binary.txt"] == f"文件 {d / 'd_binary.txt'}：不是文本文件（含二进制内容）"
    assert msgs["f_empty.txt"] == f"文件 {d / 'f_empty.txt'}：文件为空"
    assert f"文件 {d / 'e_latin1.txt'}" in msgs["e_latin1.txt"]


def test_truncated_table_is_named_with_table_and_line(tmp_path: Path) -> None:
    # Cut the file inside the indicator block of its third table.
    cut = GOOD.index("存贷款余额实现同比增长")
    p = tmp_path / "cut.txt"
    p.write_text(GOOD[:cut], encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    report = import_paths([str(p)], store, workers=1)
    assert [f.status for f in report.files] == ["imported"]
    assert report.tables == 2  # the two whole tables before the cut
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"文件 {p} 表 3 第 ")
    assert "中途结束" in report.errors[0]
    # The refused table is remembered: re-importing the unchanged file says it again.
    again = import_paths([str(p)], store, workers=1)
    assert again.files[0].status == "unchanged"
    assert again.errors == report.errors


def test_cli_prints_one_line_per_problem_and_exits_nonzero(tmp_path: Path) -> None:
    d = _batch(tmp_path)
    res = CliRunner().invoke(
        app,
        [
            "import",
            str(d),
            str(d / "missing.docx"),
            "--db",
            str(tmp_path / "j.db"),
            "--workers",
            "1",
        ],
    )
    assert res.exit_code == 1
    out = res.output
    assert "Traceback" not in out
    assert "读取文件 8 个，导入表 12 张" in out
    lines = [line for line in out.splitlines() if line.startswith("错误")]
    assert len(lines) == 6
    assert any("missing.docx" in line for line in lines)


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["list", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    assert res.exit_code != 0
    assert isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    assert res.output.startswith("错误 无法打开数据库 postgresql+psycopg://nobody@127.0.0.1:1/none")
