"""Real tables through the whole import: the store keeps how each was read, the command
line reports warnings without failing, and old Word files go through LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.errors import InputError, UnreadableFile
from jixiao.forms import read_tables
from jixiao.ingest import import_paths, read_paths
from jixiao.model import TargetTable
from jixiao.readers import legacy, read_document
from jixiao.store import Store

from .conftest import soffice_or_skip
from .national_docs import FIXTURES, load, write_docx

REAL = Path(__file__).parent / "data" / "real"
SELF_EVALUATION = REAL / "sw" / "yunnan-yongde-2022-yingyang-gaishan-zipingbiao.html"
FLAT = REAL / "sw" / "sichuan-jingyan-2023-mata-duoxiangmu.html"


def _tables(path: Path) -> list[TargetTable]:
    out = []
    for t in read_tables(read_document(str(path))):
        assert not isinstance(t, InputError), str(t)
        out.append(t)
    return out


def test_the_store_keeps_layout_form_warnings_and_a_published_self_evaluation(
    store: Store,
) -> None:
    report = import_paths([str(SELF_EVALUATION), str(FLAT)], store, workers=1)
    assert report.ok, report.errors
    stored = {t.project: t for t in store.tables()}
    read = _tables(SELF_EVALUATION)[0]
    back = stored[read.project]
    assert (back.layout, back.form) == ("national", "自评表")
    # The fields the form has a row for, so the review asks only for those.
    assert back.form_fields == read.form_fields and "project" in (back.form_fields or ())
    assert back.self_evaluation is not None and read.self_evaluation is not None
    assert back.self_evaluation.to_json() == read.self_evaluation.to_json()
    # The form's 总分 row as printed: 100 points, 96 given, graded 优.
    assert (back.self_evaluation.total_given, back.self_evaluation.grade_given) == (96, "优")
    assert [r.score_given for r in back.self_evaluation.indicators][:3] == [10, 10, 7]
    flat = next(t for t in stored.values() if t.layout == "flat")
    assert flat.self_evaluation is None and flat.form == "目标表"


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(f'<html><meta charset="utf-8"><body>{body}</body></html>', encoding="utf-8")
    return path


TABLE = """<p>XX县2022年项目支出绩效目标表</p><table>
<tr><td colspan="5">项目支出绩效目标表</td></tr>
<tr><td>项目名称</td><td colspan="4">农村公路养护</td></tr>
<tr><td colspan="2">已纳入三年滚动规划</td><td>项目期限</td><td colspan="2">1年</td></tr>
<tr><td>绩效指标</td><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
<tr><td></td><td>产出指标</td><td>数量指标</td><td>养护里程</td><td>≥120公里</td></tr>
</table>"""


def test_import_reports_what_it_could_not_place_and_succeeds(tmp_path: Path) -> None:
    doc = _write(tmp_path, "a.html", TABLE)
    res = CliRunner().invoke(app, ["import", str(doc), "--db", str(tmp_path / "j.db")])
    assert res.exit_code == 0, res.output
    assert "导入表 1 张" in res.output
    assert f"提示 文件 {doc} 表 1 第 1 行：未能归入任何字段：已纳入三年滚动规划" in res.output
    quiet = CliRunner().invoke(
        app,
        ["import", str(_write(tmp_path, "b.html", TABLE)), "--db", str(tmp_path / "k.db"), "-q"],
    )
    assert quiet.exit_code == 0 and "提示" not in quiet.output


def test_a_doc_file_is_read_through_libreoffice(tmp_path: Path) -> None:
    exe = soffice_or_skip()
    spec = load(FIXTURES[0])
    docx = tmp_path / "form.docx"
    write_docx(spec, docx)
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(tmp_path / "doc"),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    doc = tmp_path / "doc" / "form.doc"
    wps = tmp_path / "doc" / "form.wps"  # WPS Writer saves the same binary format as .wps
    shutil.copyfile(doc, wps)
    want = [t.to_json(with_source=False) for t in _tables(docx)]
    for path in (doc, wps):
        got = _tables(path)
        assert [t.to_json(with_source=False) for t in got] == want
        assert got[0].source is not None and got[0].source.file == path.name


def test_a_doc_file_without_libreoffice_gets_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    path = tmp_path / "旧表.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 512)
    with pytest.raises(UnreadableFile) as err:
        read_document(str(path))
    assert str(err.value) == (
        "文件 旧表.doc：读取 .doc 文件需要 LibreOffice（soffice），本机未安装："
        "请安装 LibreOffice，或在 Word/WPS 中另存为 .docx 后再导入"
    )


def test_a_doc_file_that_is_no_document_is_refused_by_name(tmp_path: Path) -> None:
    soffice_or_skip()
    path = tmp_path / "坏.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 this is no Word file")
    got = list(read_paths([str(path)]))
    assert len(got) == 1 and isinstance(got[0], InputError)
    assert str(got[0]).startswith("文件 坏.doc：")
