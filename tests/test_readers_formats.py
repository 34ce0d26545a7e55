"""Every format reads the seeds back: render the 36 seed tables, import, compare.

Each seed file is rendered to ``.docx``, ``.xlsx``, ``.html`` and (through
LibreOffice) ``.pdf`` in the official merged layout; importing it must give
the text importer's own output field for field, and match the gold carried in
tests/data/gold field for field.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest

import render
from jixiao.model import TargetTable
from jixiao.readers import read_document
from jixiao.readers.grid import Grid

from .conftest import SOFFICE_HINT, gold_check, soffice_or_skip, tables_of

LONG_TEXT = ("overview", "basis", "goal")


def canonical(t: dict[str, Any], *, squeeze: bool) -> str:
    """Exact JSON (10 and 10.0 differ, as in check.py); long texts without white space if asked."""
    t = dict(t)
    if squeeze:
        for k in LONG_TEXT:
            if isinstance(t[k], str):
                t[k] = re.sub(r"\s+", "", t[k])
    return json.dumps(t, ensure_ascii=False, sort_keys=True)


def assert_same(got: list[dict[str, Any]], want: list[dict[str, Any]], *, squeeze: bool) -> None:
    assert len(got) == len(want)
    for n, (g, w) in enumerate(zip(got, want, strict=True)):
        if canonical(g, squeeze=squeeze) != canonical(w, squeeze=squeeze):
            diff = {k: (w[k], g.get(k)) for k in w if json.dumps(w[k]) != json.dumps(g.get(k))}
            raise AssertionError(f"table {n} ({w['project']}) differs: {diff}")


def render_all(fmt: str, seed_tables: dict[str, list[TargetTable]], outdir: str) -> list[str]:
    paths = []
    for stem, tables in seed_tables.items():
        items = render.layouts(tables)
        path = os.path.join(outdir, f"{stem}.{fmt}")
        if fmt == "docx":
            render.write_docx(items, path)
        elif fmt == "xlsx":
            # One seed with every table on one sheet, the other with a sheet per table.
            render.write_xlsx(items, path, sheet_per_table=stem.startswith("004"))
        elif fmt == "html":
            render.write_html(items, path)
        paths.append(path)
    return paths


def import_all(paths: list[str]) -> list[dict[str, Any]]:
    return [t.to_json(with_source=False) for p in paths for t in tables_of(p)]


def check_against_gold(out: list[dict[str, Any]], tmp: str) -> None:
    report = gold_check(out)
    assert report.endswith("fields: 2619 matched of 2619"), report


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_format_reads_seeds_back(
    fmt: str,
    seed_tables: dict[str, list[TargetTable]],
    text_json: list[dict[str, Any]],
    tmp_path: Any,
) -> None:
    paths = render_all(fmt, seed_tables, str(tmp_path))
    out = import_all(paths)
    # These formats keep line breaks inside a cell: compare exactly.
    assert_same(out, text_json, squeeze=False)
    check_against_gold(out, str(tmp_path))


@pytest.fixture(scope="module")
def seed_pdfs(seed_tables: dict[str, list[TargetTable]], workdir: str) -> list[str]:
    soffice_or_skip()
    docs = render_all("docx", seed_tables, workdir)
    return render.docx_to_pdf(docs, workdir)


def test_pdf_reads_seeds_back(
    seed_pdfs: list[str], text_json: list[dict[str, Any]], tmp_path: Any
) -> None:
    out = import_all(seed_pdfs)
    # A PDF cannot tell a wrapped line from a paragraph break: long texts compare
    # without white space (as check.py does).
    assert_same(out, text_json, squeeze=True)
    check_against_gold(out, str(tmp_path))


def test_pdf_seeds_do_cross_pages_and_wrap(seed_pdfs: list[str]) -> None:
    """The round trip above means something: tables really break across pages and cells wrap."""
    import pdfplumber

    doc = read_document(seed_pdfs[0])
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    titles = sum(1 for b in doc.blocks if not isinstance(b, Grid) and b.text.endswith("绩效目标表"))
    assert len(grids) > titles  # some tables came in two parts
    with pdfplumber.open(seed_pdfs[0]) as pdf:
        raw = pdf.pages[0].extract_tables()[0]
    assert any(c and "\n" in c for row in raw for c in row)  # wrapped in the PDF …
    first = grids[0]
    assert "预算执行率权重（分）" in [row[0] for row in first.rows]  # … joined by the reader
    assert first.spans[(3, 0)] == (3, 1)  # 项目总资金额 merged down over three rows
    assert first.spans[(1, 1)] == (1, 6)  # 项目名称's value merged across


def test_pdf_long_table_continues_on_next_page(
    seed_tables: dict[str, list[TargetTable]], workdir: str
) -> None:
    """One table forced over a page break by a long overview: still one table, read whole."""
    soffice_or_skip()
    table = seed_tables[min(seed_tables)][1]
    path = os.path.join(workdir, "long_overview.docx")
    render.write_docx([render.layout(table, overview_repeat=14)], path)
    (pdf,) = render.docx_to_pdf([path], workdir)
    doc = read_document(pdf)
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert len({g.page for g in grids}) >= 2, "the table did not reach a second page"
    (got,) = tables_of(pdf)
    want = table.to_json(with_source=False)
    want["overview"] = "".join([want["overview"]] * 14)
    assert_same([got.to_json(with_source=False)], [want], squeeze=True)


def test_xls_reads_back(seed_tables: dict[str, list[TargetTable]], workdir: str) -> None:
    """The old binary .xls (written by LibreOffice from the .xlsx) reads with its merges."""
    soffice_or_skip("calc")
    import subprocess

    stem = min(seed_tables)
    xlsx = os.path.join(workdir, f"{stem}.xlsx")
    render.write_xlsx(render.layouts(seed_tables[stem]), xlsx, sheet_per_table=False)
    exe = render.soffice()
    assert exe is not None
    profile = os.path.join(workdir, ".lo-profile")
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
         "--outdir", os.path.join(workdir, "xls"), xlsx],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    xls = os.path.join(workdir, "xls", f"{stem}.xls")
    assert os.path.exists(xls), f"LibreOffice wrote no .xls (is Calc installed? {SOFFICE_HINT})"
    got = import_all([xls])
    want = [t.to_json(with_source=False) for t in seed_tables[stem]]
    assert_same(got, want, squeeze=False)


def test_the_libreoffice_check_looks_for_the_component(tmp_path: Any) -> None:
    """Writer without Calc: a test that needs Calc skips instead of failing."""
    from .conftest import libreoffice_has

    program = tmp_path / "program"
    program.mkdir()
    (program / "soffice").write_text("")
    (program / "libswlo.so").write_text("")
    exe = str(program / "soffice")
    assert libreoffice_has(exe, "writer")
    assert not libreoffice_has(exe, "calc")
    (program / "libsclo.so").write_text("")
    assert libreoffice_has(exe, "calc")
