"""Commands over the whole store stream it in batches: the results are what they were
when every table was loaded first, whatever the batch size (issue 12)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from jixiao import service
from jixiao.cli import app
from jixiao.exports import write_csv, write_json, write_selfeval_template
from jixiao.exports.columns import flat_rows
from jixiao.exports.findings import write_findings_json
from jixiao.exports.templates import selfeval_sheet
from jixiao.model import TargetTable
from jixiao.rules import check
from jixiao.scoring import ScoringSettings
from jixiao.scoring import layout as L
from jixiao.store import Store

from .conftest import SEEDS


@pytest.fixture
def copies(store: Store, tmp_path: Path) -> Store:
    """The seeds and two altered copies of each: every copied project is a duplicate
    filing, reported against its first filing (read back from the store)."""
    files = sorted(SEEDS.glob("*.txt"))
    for n in (1, 2):
        for p in files:
            text = p.read_text(encoding="utf-8")
            if n == 2:  # a changed copy: its duplicates name what differs
                text = text.replace("满意度", "满意率")
            (tmp_path / f"copy{n}_{p.name}").write_text(f"副本 {n}\n" + text, encoding="utf-8")
    paths = [str(p) for p in files] + [str(p) for p in sorted(tmp_path.glob("copy*.txt"))]
    assert service.import_paths(store, paths, workers=1).tables == 108
    return store


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 tables, so every command crosses many batch boundaries."""
    monkeypatch.setattr(service, "BATCH", 7)


def _all(store: Store) -> list[TargetTable]:
    """Every stored table loaded at once (document order), as the commands used to."""
    return list(store.tables())


def test_batches_are_the_stored_tables_in_document_order(copies: Store) -> None:
    batches = list(copies.table_batches(batch=10))
    assert [len(b) for b in batches] == [10] * 10 + [8]
    streamed = [t for b in batches for _, t in b]
    assert [t.to_json() for t in streamed] == [t.to_json() for t in _all(copies)]
    ids = [i for b in batches for i, _ in b]
    assert len(set(ids)) == 108
    some = service.TableQuery(department="财政局")
    filtered = [t for b in copies.table_batches(some, batch=3) for _, t in b]
    assert filtered and all("财政局" in (t.department or "") for t in filtered)
    assert len(filtered) == copies.count_selected(some)


def test_streamed_review_equals_the_review_of_every_table(
    copies: Store, small_batches: None
) -> None:
    before = check(_all(copies))
    streamed = [f for _, fs in service.reviewed(copies) for f in fs]
    assert [f.to_json() for f in streamed] == [f.to_json() for f in before]
    dups = [f for f in streamed if f.code == "duplicates.project"]
    assert len(dups) == 108 - 35  # every filing after the first of its 35 projects
    assert any("不同之处" in f.message for f in dups)
    assert any("完全相同" in f.message for f in dups)


def test_streamed_exports_equal_the_exports_of_every_table(
    copies: Store, small_batches: None, tmp_path: Path
) -> None:
    tables = _all(copies)
    for fmt, writer in (("json", write_json), ("csv", write_csv)):
        whole, streamed = io.StringIO(), io.StringIO()
        writer(tables, whole)
        service.export_tables(copies, fmt, streamed)  # type: ignore[arg-type]
        assert streamed.getvalue() == whole.getvalue(), fmt
    out = tmp_path / "t.xlsx"
    rows = service.export_tables(copies, "xlsx", str(out))
    wb = load_workbook(out, read_only=True)
    got = [list(r) for r in wb["指标"].iter_rows(min_row=2, values_only=True)]
    want = [[None if v == "" else v for v in r] for r in flat_rows(tables)]
    assert rows == len(want) and got == want
    assert sum(1 for _ in wb["项目"].iter_rows()) == 109


def test_findings_json_is_written_as_json_dumps_writes_it(copies: Store) -> None:
    findings = check(_all(copies))[:40]
    out = io.StringIO()
    assert write_findings_json(iter(findings), out) == 40
    whole = json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2) + "\n"
    assert out.getvalue() == whole
    empty = io.StringIO()
    write_findings_json([], empty)
    assert empty.getvalue() == "[]\n"


def test_check_command_output_is_the_same_in_small_batches(
    copies: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["check", "--db", copies.url, "--fail-on", "never"]
    outs = {}
    for batch in (500, 7):
        monkeypatch.setattr(service, "BATCH", batch)
        outs[batch] = [CliRunner().invoke(app, [*args, "-f", f]).stdout for f in ("text", "json")]
    assert outs[7] == outs[500]
    text = outs[7][0]
    assert text.rstrip().endswith("警告 " + text.rsplit("警告 ", 1)[1].rstrip())
    assert "审核 108 张表" in text
    # Worst first: every table with an error comes before those with warnings only.
    blocks = text.split("\n\n")[:-1]
    worst = ["  错误 " in b for b in blocks]
    assert worst == sorted(worst, reverse=True)
    assert json.loads(outs[7][1])


def _dump(ws: Any) -> list[Any]:
    """A sheet as values, styles, merges, validations, protection and dimensions."""
    cells = [
        (c.coordinate, c.value, c.font.b, c.fill.fgColor.rgb, c.border.left.style,
         c.alignment.wrap_text, c.protection.locked, c.number_format)
        for row in ws.iter_rows() for c in row if c.value is not None or c.has_style
    ]  # fmt: skip
    return [
        ws.freeze_panes,
        ws.protection.sheet,
        sorted(str(r) for r in ws.merged_cells.ranges),
        sorted(str((v.type, v.formula1, v.formula2, str(v.sqref)))
               for v in ws.data_validations.dataValidation),
        sorted((k, d.width, d.hidden) for k, d in ws.column_dimensions.items()),
        sorted((k, d.height, d.hidden) for k, d in ws.row_dimensions.items()
               if d.height or d.hidden),
        cells,
    ]  # fmt: skip


def test_streamed_template_equals_sheets_laid_out_in_a_workbook(
    copies: Store, tmp_path: Path
) -> None:
    tables = _all(copies)
    out = tmp_path / "t.xlsx"
    s = ScoringSettings()
    n = write_selfeval_template(iter(tables), str(out), s)
    got = load_workbook(out)
    assert n == len(got.worksheets) - 1
    # The same sheets laid out the way they were before streaming: in a whole workbook.
    wb = Workbook()
    taken = {"填报说明"}
    seen = set()
    for t in tables:
        if (t.department, t.project) in seen:
            continue
        seen.add((t.department, t.project))
        ws = wb.create_sheet(L.sheet_title(t.project, taken))
        selfeval_sheet(ws, t, s)
        saved = tmp_path / "one.xlsx"
        wb.save(saved)  # through a file, as the template's sheets were read back
        assert _dump(load_workbook(saved)[ws.title]) == _dump(got[ws.title]), ws.title
        wb.remove(ws)
    assert got.worksheets[0].title == "填报说明" and got.worksheets[0].protection.sheet


def test_show_names_how_many_more_filings(copies: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    res = CliRunner().invoke(app, ["show", "巨灾保险项目", "--db", copies.url, "--limit", "2"])
    assert res.exit_code == 0
    assert res.stdout.count("长寿区2024年重点专项绩效目标表") == 2
    assert "共 6 份，显示前 2 份" in res.stdout
    res = CliRunner().invoke(app, ["show", "巨灾保险项目", "--db", copies.url])
    assert res.stdout.count("长寿区2024年重点专项绩效目标表") == 6 and "共 6 份" not in res.stdout
