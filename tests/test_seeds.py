"""The seeds read perfectly, through the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from pathlib import Path

from jixiao.exports import write_json
from jixiao.ingest import import_paths
from jixiao.store import Store

from .conftest import SEEDS
from .gold import compare_with_gold


def _export(store: Store) -> list[dict[str, object]]:
    buf = io.StringIO()
    write_json(store.tables(), buf)
    return json.loads(buf.getvalue())  # type: ignore[no-any-return]


def test_seeds_match_gold_through_the_store(store: Store) -> None:
    report = import_paths([str(SEEDS)], store, workers=1)
    assert report.ok, report.errors
    assert report.tables == 36
    matched, total, diffs = compare_with_gold(_export(store))
    assert (matched, total) == (2619, 2619), "\n".join(diffs[:40])


def test_irregular_cells_are_read_as_the_spec_says(store: Store) -> None:
    import_paths([str(SEEDS)], store, workers=1)
    by = {(t["source"]["file"][:3], t["source"]["index"]): t for t in _export(store)}  # type: ignore[index]
    rehab = by[("000", 25)]
    assert rehab["funds"] == {"total": 1053, "superior": 383, "district": 670, "other": None}
    assert by[("000", 15)]["indicators"][0]["operator"] == "≥"  # "≧"
    assert by[("000", 27)]["indicators"][0]["operator"] == "≥"  # "》"
    assert by[("000", 29)]["indicators"][3]["operator"] == "≥"  # "\geq"
    complaint = by[("000", 1)]["indicators"][4]
    assert (complaint["value"], complaint["number"], complaint["unit"]) == ("10%", 10, "%")
    assert by[("004", 4)]["label"] == "表十一"
    general = by[("004", 5)]
    assert general["kind"] == "一般性项目"
    assert (general["overview"], general["basis"], general["goal"]) == (None, None, None)
    assert by[("000", 3)]["contact"] == {"name": None, "phone": None}
    assert by[("000", 22)]["execution_weight"] is None  # the weight row is missing
    assert by[("000", 5)]["indicators"][0]["name"] == "补贴现有车辆"  # header "指标性质|指标性质"
    family = by[("000", 28)]
    assert family["overview"].startswith("计生政策性支出包含：\n一、")  # <p> → line breaks
    assert "<" not in family["basis"]
    assert "$55*12+60+0.17*254\\approx 765$" in by[("000", 29)]["overview"]
    assert by[("000", 11)]["contact"]["phone"] == "40252733"  # "联系电话：：40252733"
    # Every table keeps where it came from.
    assert by[("000", 0)]["source"] == {
        "file": "000_b1cbcbfb32276fbb.txt",
        "index": 0,
        "lines": [3, 25],
    }


def test_reimport_changes_nothing(store: Store) -> None:
    first = import_paths([str(SEEDS)], store, workers=1)
    before = _export(store)
    again = import_paths([str(SEEDS)], store, workers=1)
    assert [f.status for f in first.files] == ["imported", "imported"]
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    assert store.count() == 36
    assert _export(store) == before


def test_changed_file_replaces_its_tables_only(store: Store, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    text = (SEEDS / "004_ba3dd06106aafdcb.txt").read_text(encoding="utf-8")
    a.write_text(text, encoding="utf-8")
    b.write_text((SEEDS / "000_b1cbcbfb32276fbb.txt").read_text(encoding="utf-8"), encoding="utf-8")
    import_paths([str(tmp_path)], store, workers=1)
    assert store.count() == 36
    # Drop the last table (from 表十二 on) and rename a project: a changed file.
    cut = text[: text.index("表十二")].replace("打非专项项目", "打击非法集资专项")
    a.write_text(cut, encoding="utf-8")
    report = import_paths([str(tmp_path)], store, workers=1)
    assert [(f.name, f.status) for f in report.files] == [
        ("a.txt", "replaced"),
        ("b.txt", "unchanged"),
    ]
    projects = [t.project for t in store.tables() if t.source and t.source.file == "a.txt"]
    assert projects == [
        "巨灾保险项目",
        "打击非法集资专项",
        "金融监管和维护项目",
        "产业扶持及金融招商",
        "经济证券化项目",
    ]
    assert store.count() == 35


def test_second_filing_of_a_project_is_kept(store: Store) -> None:
    import_paths([str(SEEDS)], store, workers=1)
    filings = list(store.tables(project="巨灾保险项目", exact=True))
    assert [(t.source.file[:3], t.source.index) for t in filings if t.source] == [
        ("000", 17),
        ("004", 0),
    ]


def test_same_content_under_another_path_is_not_imported_twice(
    store: Store, tmp_path: Path
) -> None:
    import_paths([str(SEEDS)], store, workers=1)
    copy = tmp_path / "copy.txt"
    copy.write_bytes((SEEDS / "004_ba3dd06106aafdcb.txt").read_bytes())
    report = import_paths([str(copy)], store, workers=1)
    assert [f.status for f in report.files] == ["unchanged"]
    assert store.count() == 36


def test_parallel_import_gives_the_same_result(tmp_path: Path) -> None:
    # Enough files for the process pool to be used (it is skipped below four files).
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(6):
        for seed in SEEDS.glob("*.txt"):
            (folder / f"{n}_{seed.name}").write_text(
                f"副本 {n}\n" + seed.read_text(encoding="utf-8"), encoding="utf-8"
            )
    one = Store(f"sqlite:///{tmp_path / 'one.db'}")
    two = Store(f"sqlite:///{tmp_path / 'two.db'}")
    r1 = import_paths([str(folder)], one, workers=1)
    r2 = import_paths([str(folder)], two, workers=2)
    assert r1.tables == r2.tables == 6 * 36
    assert [f.name for f in r1.files] == [f.name for f in r2.files]
    assert _export(one) == _export(two)
