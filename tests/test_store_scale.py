"""A large store gives the same answers as a small one (issue 12): IN lists cut to what a
driver takes, returns matched in batches, evaluations stored in batches, statistics
refreshed after a large import. Timings are the benchmarks' business, not these tests'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from jixiao import ingest, service
from jixiao.ingest import import_paths
from jixiao.scoring import run as scoring_run
from jixiao.store import Store, database
from jixiao.store import evaluations as stored_evaluations
from jixiao.store.database import in_batches

from .conftest import SEEDS


@pytest.fixture
def seeded(db_url: str) -> Store:
    s = Store(db_url)
    assert import_paths([str(SEEDS)], s, workers=1).tables == 36
    return s


def _key(t: object) -> tuple[object, ...]:
    src = t.source  # type: ignore[attr-defined]
    return (src.file, src.index, t.project)  # type: ignore[attr-defined]


def test_in_batches_cuts_at_the_size_and_counts_each_values_parameters() -> None:
    assert list(in_batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(in_batches(range(7), 6, width=2)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(in_batches([], 3)) == []


def test_more_ids_than_a_statement_can_bind_read_in_document_order(seeded: Store) -> None:
    # 70,000 ids: one IN list of them is past PostgreSQL's 65,535 parameters (and SQLite's).
    every = [_key(t) for t in seeded.tables()]
    got = [_key(t) for t in seeded.tables(ids=range(70_000, 0, -1))]
    assert got == every
    seeded.close()


def test_a_template_of_every_table_in_small_batches(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 7 ids stand in for 65,535: the template is the same as read in one.
    whole = tmp_path / "whole.xlsx"
    assert service.write_template(seeded, "selfeval", str(whole), department="长寿区") > 0
    monkeypatch.setattr(database, "IN_BATCH", 7)
    cut = tmp_path / "cut.xlsx"
    n = service.write_template(seeded, "selfeval", str(cut), department="长寿区")
    assert n == service.write_template(seeded, "selfeval", str(whole), department="长寿区")

    def titles(p: Path) -> list[object]:
        return [ws["C1"].value for ws in load_workbook(p).worksheets]

    assert titles(cut) == titles(whole)
    seeded.close()


def _returns(store: Store, path: Path) -> int:
    """One JSON return per stored table, actuals at their targets."""
    items = [
        {
            "project": t.project,
            "department": t.department,
            "budget": t.funds.total or 1,
            "executed": (t.funds.total or 1) * 0.9,
            "actuals": [
                {"indicator": i.name, "actual": i.number if i.number is not None else "达成"}
                for i in t.indicators
            ],
        }
        for t in store.tables()
    ]
    items.append({"project": "没有这个项目", "department": "区财政局", "actuals": []})
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return len(items)


def _outcome(run: object) -> tuple[list[tuple[object, ...]], list[str]]:
    scored = [
        (s.evaluation.project, s.evaluation.department, s.evaluation.total, _key(s.table))
        for s in run.scored  # type: ignore[attr-defined]
    ]
    return scored, [p.line() for p in run.problems]  # type: ignore[attr-defined]


def test_returns_matched_in_small_batches_score_as_in_one(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "returns.json"
    assert _returns(seeded, path) == 37
    whole = _outcome(service.evaluate(seeded, [str(path)], None, save=False))
    monkeypatch.setattr(scoring_run, "MATCH_BATCH", 4)
    monkeypatch.setattr(database, "IN_BATCH", 3)
    monkeypatch.setattr(stored_evaluations, "SAVE_BATCH", 5)
    run = service.evaluate(seeded, [str(path)], None)
    assert _outcome(run) == whole
    assert len(whole[0]) == 36
    assert whole[1] == [
        "文件 returns.json 表 “#37”："
        "库中没有项目“没有这个项目”（先用 jixiao import 导入其绩效目标表）"
    ]
    # The seeds hold one project filed twice by one department: one evaluation kept.
    stored = service.list_evaluations(seeded)
    assert len(stored) == len({(s[1], s[0]) for s in whole[0]}) == 35
    seeded.close()


def test_a_batch_of_evaluations_replaces_the_previous_and_keeps_the_later_of_two(
    seeded: Store, tmp_path: Path
) -> None:
    path = tmp_path / "returns.json"
    _returns(seeded, path)
    service.evaluate(seeded, [str(path)], None)
    before = {r.id for r in service.list_evaluations(seeded)}
    run = service.evaluate(seeded, [str(path)], None)
    after = service.list_evaluations(seeded)
    assert len(after) == len(before) and not before & {r.id for r in after}
    # The project filed twice is scored twice; the one stored is the later of the two.
    twice = [s.evaluation for s in run.scored if s.evaluation.project == "巨灾保险项目"]
    assert len(twice) == 2
    assert [r.total for r in after if r.project == "巨灾保险项目"] == [twice[-1].total]
    seeded.close()


def test_a_large_import_refreshes_the_statistics(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "ANALYZE_AFTER", 30)
    store = Store(pg_url)
    import_paths([str(SEEDS)], store, workers=1)
    with store.engine.connect() as conn:
        analysed = conn.execute(
            text(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
                " AND schemaname = current_schema()"
            )
        ).scalars()
        assert {"documents", "target_tables", "indicators"} <= set(analysed)
    store.close()


@pytest.mark.parametrize(
    ("cores", "files", "workers"),
    [
        (2, ["a.txt", "b.TSV"], 1),  # text parses as fast as it is stored: no pool on 2 cores
        (2, ["a.txt", "b.pdf"], 2),  # a PDF takes far longer to read than to store
        (1, ["a.docx"], 1),
        (4, ["a.txt"], 4),
        (16, ["a.txt"], 8),
    ],
)
def test_default_workers_follow_the_cores_and_the_formats(
    monkeypatch: pytest.MonkeyPatch, cores: int, files: list[str], workers: int
) -> None:
    monkeypatch.setattr(
        ingest.os, "sched_getaffinity", lambda _pid: set(range(cores)), raising=False
    )
    monkeypatch.setattr(ingest.os, "cpu_count", lambda: cores)
    assert ingest.default_workers(files) == workers
