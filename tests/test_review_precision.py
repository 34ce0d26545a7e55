"""Review precision, measured: every finding on the real tables and the seeds, judged by hand.

``tests/data/review_judged.json`` lists each finding ``jixiao check`` gives on the real
published tables and on the seed documents (each read on its own) with a reviewer's
verdict and reason. A new finding must be judged there before it lands; a finding judged
right that is no longer given is a lost catch. Precision is reported in the README:

    python -m tests.test_review_precision
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from jixiao.ingest import read_paths
from jixiao.model import TargetTable
from jixiao.rules import check

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "tests" / "data" / "review_judged.json"
Key = tuple[str, int | None, str, str | None, str]


def _documents() -> list[tuple[str, Path]]:
    real = sorted(p for p in (ROOT / "tests" / "data" / "real").rglob("*")
                  if p.suffix in (".html", ".txt"))  # fmt: skip
    seeds = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
    return [("real", p) for p in real] + [("seeds", p) for p in seeds]


@cache
def findings_now() -> tuple[tuple[str, Key, int], ...]:
    """(set, key, tables in its document) for every finding given today."""
    out = []
    for label, path in _documents():
        tables = [t for t in read_paths([str(path)]) if isinstance(t, TargetTable)]
        rel = str(path.relative_to(ROOT))
        for f in check(tables):
            out.append((label, (rel, f.location.table, f.code, f.location.field, f.message),
                        len(tables)))  # fmt: skip
    return tuple(out)


def judged() -> dict[Key, dict[str, Any]]:
    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    return {(j["file"], j["table"], j["code"], j["field"], j["message"]): j
            for j in data["findings"]}  # fmt: skip


def precision() -> dict[str, tuple[int, int, int]]:
    """Per set: (right, judged, tables)."""
    verdicts = judged()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for label, key, _ in findings_now():
        if key in verdicts:
            total[label] += 1
            right[label] += verdicts[key]["verdict"] == "right"
    tables = {"real": 0, "seeds": 0}
    for label, path in _documents():
        tables[label] += sum(1 for t in read_paths([str(path)]) if isinstance(t, TargetTable))
    return {k: (right[k], total[k], tables[k]) for k in tables}


def test_every_finding_is_judged() -> None:
    verdicts = judged()
    new = [key for _, key, _ in findings_now() if key not in verdicts]
    assert new == [], "judge these by hand in tests/data/review_judged.json"


def test_no_finding_judged_right_is_lost() -> None:
    given = {key for _, key, _ in findings_now()}
    lost = [k for k, j in judged().items() if j["verdict"] == "right" and k not in given]
    assert lost == []


def test_precision_is_at_least_90_percent_on_each_layout() -> None:
    for label, (right, total, _) in precision().items():
        assert total > 40, label  # enough findings for the figure to mean something
        assert right / total >= 0.90, (label, right, total)


def test_a_judgement_has_its_reason() -> None:
    for j in judged().values():
        assert j["verdict"] in ("right", "wrong") and len(j["reason"]) > 10


if __name__ == "__main__":
    for label, (right, total, tables) in precision().items():
        print(
            f"{label}: {right}/{total} findings right = {right / total:.1%}, "
            f"{total / tables:.1f} findings per table ({tables} tables)"
        )
