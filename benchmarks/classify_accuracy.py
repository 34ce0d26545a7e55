"""Accuracy of indicator classification, with the levels hidden.

Two sets: the hand-labelled indicators of tests/data/classify_labelled.json, and
every indicator of the real published tables (tests/data/real/) whose table states
its own 一级/二级指标 in the tree of evaluation.md §1 — labelled data the classifier
was never tuned on. Each indicator is classified from its name, value and its
table's goal, and the answer is compared with the table's own level.

    python benchmarks/classify_accuracy.py [--show-misses]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from jixiao.classify import classify_indicator, normalize_level1, normalize_level2
from jixiao.model import Indicator, TargetTable
from jixiao.values import split_value

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "classify_labelled.json"
REAL = DATA.parent / "real"


def labelled_rows(path: Path = DATA) -> list[tuple[TargetTable, Indicator, str, str]]:
    """(table, indicator without levels, true 一级, true 二级) for each labelled row."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for t in data["tables"]:
        inds = []
        truth = []
        for r in t["indicators"]:
            op, number, unit = split_value(r["value"])
            if op is None and number is None:
                op = "定性"
            inds.append(
                Indicator(
                    name=r["name"],
                    operator=op,
                    value=r["value"],  # type: ignore[arg-type]
                    number=number,
                    unit=unit,
                )
            )
            truth.append((r["level1"], r["level2"]))
        table = TargetTable(
            project=t["project"],
            department=t.get("department"),
            goal=t.get("goal"),
            indicators=inds,
        )
        rows.extend((table, i, l1, l2) for i, (l1, l2) in zip(inds, truth, strict=True))
    return rows


def real_rows(folder: Path = REAL) -> list[tuple[TargetTable, Indicator, str, str]]:
    """The real tables' indicators whose own levels lie in the §1 tree, levels hidden."""
    rows = []
    for exp in sorted(folder.rglob("*.json")):
        for t in json.loads(exp.read_text(encoding="utf-8"))["tables"]:
            inds, truth = [], []
            for r in t["indicators"]:
                l1, l2 = normalize_level1(r["level1"]), normalize_level2(r["level2"])
                if l1 is None or l2 is None:
                    continue  # a level outside the tree (实施效果指标 …): nothing to compare
                inds.append(Indicator(name=r["name"], operator=r["operator"], value=r["value"],
                                      number=r["number"], unit=r["unit"]))  # fmt: skip
                truth.append((l1, l2))
            table = TargetTable(project=t["project"], goal=t.get("goal"), indicators=inds)
            rows.extend((table, i, l1, l2) for i, (l1, l2) in zip(inds, truth, strict=True))
    return rows


def measure(path: Path = DATA, *, real: bool = False) -> tuple[int, int, int, list[str]]:
    """(rows, 一级 correct, 二级 correct, misses as lines)."""
    rows = real_rows() if real else labelled_rows(path)
    ok1 = ok2 = 0
    misses = []
    for table, ind, l1, l2 in rows:
        c = classify_indicator(ind, table)
        ok1 += c.level1 == l1
        ok2 += c.level2 == l2
        if c.level2 != l2:
            misses.append(f"{ind.name}（{ind.value}）：推定 {c.level2}，应为 {l2} — {c.why}")
    return len(rows), ok1, ok2, misses


def main() -> None:
    for label, real in (("hand-labelled indicators", False), ("real tables' own levels", True)):
        n, ok1, ok2, misses = measure(real=real)
        print(f"{label}: {n}")
        print(f"  一级指标 accuracy: {ok1}/{n} = {ok1 / n:.1%}")
        print(f"  二级指标 accuracy: {ok2}/{n} = {ok2 / n:.1%}")
        if "--show-misses" in sys.argv:
            for m in misses:
                print("    " + m)


if __name__ == "__main__":
    main()
