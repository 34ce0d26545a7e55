"""Real published tables (tests/data/real/), imported and compared field by field.

The expected form of each table was written by hand from reading its document
(see tests/real_corpus.py), never by running the importer. These tests hold the
floor the README reports; ``python -m tests.real_corpus -v`` shows every
field that differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .real_corpus import SCHEMA, cases, compare, import_one

CASES = cases()


def _expected(exp: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(exp.read_text(encoding="utf-8"))
    return data


def test_the_corpus_spans_provinces_forms_and_formats() -> None:
    data = [_expected(exp) for _, exp in CASES]
    tables = sum(len(d["tables"]) for d in data)
    assert tables >= 36
    assert len({d["province"] for d in data}) >= 10
    assert {d["form"] for d in data} >= {
        "项目支出绩效目标表", "绩效目标申报表", "区域绩效目标表", "项目支出绩效自评表",
        "部门整体支出绩效目标表", "多项目汇总表",
    }  # fmt: skip
    assert {doc.suffix for doc, _ in CASES} >= {".html", ".txt"}
    for d in data:
        assert d["source_url"].startswith("http")


@pytest.mark.parametrize(("doc", "exp"), CASES, ids=[d.name for d, _ in CASES])
def test_expected_tables_are_in_the_interchange_form(doc: Path, exp: Path) -> None:
    for table in _expected(exp)["tables"]:
        plain = {k: v for k, v in table.items() if k != "self_evaluation"}
        jsonschema.validate(plain, SCHEMA)


@pytest.mark.parametrize(("doc", "exp"), CASES, ids=[d.name for d, _ in CASES])
def test_every_table_is_read(doc: Path, exp: Path) -> None:
    """No real table is refused, and each reads at least four fields in five right."""
    want = _expected(exp)["tables"]
    got, errors = import_one(doc)
    assert errors == []
    assert [t["project"] for t in got] == [t["project"] for t in want]
    score = compare(want, got, doc.name)
    assert score.core >= 0.8, "\n".join(score.diffs)


def test_core_field_accuracy_on_the_whole_corpus() -> None:
    """The README's figure, held: at least 97% of the core fields right."""
    right = total = 0
    for doc, exp in CASES:
        got, _ = import_one(doc)
        s = compare(_expected(exp)["tables"], got, doc.name)
        right += s.core_right
        total += s.core_total
    assert total > 1500
    assert right / total >= 0.97


def _self_evaluations() -> list[tuple[Path, dict[str, Any], int]]:
    out = []
    for doc, exp in CASES:
        for n, t in enumerate(_expected(exp)["tables"]):
            if "self_evaluation" in t:
                out.append((doc, t, n))
    return out


@pytest.mark.parametrize(
    ("doc", "want", "n"), _self_evaluations(), ids=lambda x: getattr(x, "name", "")
)
def test_a_published_self_evaluation_keeps_its_actuals_and_scores(
    doc: Path, want: dict[str, Any], n: int
) -> None:
    from jixiao.forms import read_tables
    from jixiao.model import TargetTable
    from jixiao.readers import read_document

    tables = [t for t in read_tables(read_document(str(doc))) if isinstance(t, TargetTable)]
    se = tables[n].self_evaluation
    assert se is not None
    got = se.to_json()
    exp = want["self_evaluation"]
    right = total = 0
    for key in ("planned", "adjusted", "executed", "weight", "rate", "score"):
        total += 1
        right += got["budget"][key] == exp["budget"].get(key)
    for wi, gi in zip(exp["indicators"], got["indicators"], strict=False):
        for key in ("actual", "score_given"):
            total += 1
            right += wi.get(key) == gi.get(key)
    assert len(got["indicators"]) == len(exp["indicators"])
    assert right / total >= 0.85, (got, exp)


WORD_SAMPLE = (
    "sw/yunnan-yongde-2022-yingyang-gaishan-zipingbiao",
    "central/hunan-yueyangxian-2022-gaobiaozhun-nongtian",
    "central/hubei-wuhan-qingshan-2020-jiaoyu-jichu-sheshi",
    "more2/chongqing-banan-2022-yipin-jiedao-zhengti",
)


def test_real_tables_read_the_same_from_word(tmp_path: Path) -> None:
    """Departments file these forms in Word: the same real tables, saved as .docx by
    LibreOffice from their pages, read as well as from the pages themselves."""
    import subprocess

    from .conftest import soffice_or_skip

    exe = soffice_or_skip()
    real = Path(__file__).parent / "data" / "real"
    pages = [real / f"{stem}.html" for stem in WORD_SAMPLE]
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path),
            *map(str, pages),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for page in pages:
        want = _expected(page.with_suffix(".json"))["tables"]
        from_page, _ = import_one(page)
        from_word, errors = import_one(tmp_path / (page.stem + ".docx"))
        assert errors == []
        word = compare(want, from_word, page.stem).core
        assert word >= compare(want, from_page, page.stem).core - 0.05, page.stem
