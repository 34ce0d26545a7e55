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

from jixiao.classify import PARENT, classify_table, normalize_level1, normalize_level2
from jixiao.model import Indicator, TargetTable
from jixiao.values import split_value

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "classify_labelled.json"
REAL = DATA.parent / "real"
HELDOUT = DATA.parent / "classify_heldout.json"


Labelled = list[tuple[TargetTable, list[tuple[str, str]]]]


def _indicator(name: str, value: str | None, unit: str | None = None) -> Indicator:
    value = value or ""
    op, number, own_unit = split_value(value)
    if op is None and number is None:
        op = "定性"
    return Indicator(name=name, operator=op, value=value, number=number,  # type: ignore[arg-type]
                     unit=own_unit or unit or "")  # fmt: skip


def labelled_rows(path: Path = DATA) -> Labelled:
    """Each hand-labelled table with its indicators' levels hidden, and the true levels."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    out: Labelled = []
    for t in data["tables"]:
        inds = [_indicator(r["name"], r["value"]) for r in t["indicators"]]
        truth = [(r["level1"], r["level2"]) for r in t["indicators"]]
        table = TargetTable(
            project=t["project"], department=t.get("department"), goal=t.get("goal"),
            indicators=inds,
        )  # fmt: skip
        out.append((table, truth))
    return out


def real_rows(folder: Path = REAL) -> Labelled:
    """The real tables' indicators whose own levels lie in the §1 tree, levels hidden."""
    out: Labelled = []
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
            if inds:
                out.append((TargetTable(project=t["project"], goal=t.get("goal"), indicators=inds),
                            truth))  # fmt: skip
    return out


def heldout_rows(path: Path = HELDOUT) -> Labelled:
    """Indicators transcribed with their printed levels from pages never used to tune."""
    out: Labelled = []
    for d in json.loads(path.read_text(encoding="utf-8"))["documents"]:
        inds, truth = [], []
        for r in d["indicators"]:
            # The printed 二级 as grouped by the transcriber (产出数量 → 数量指标); its
            # parent is the truth for 一级, whatever the (often missing) 一级 cell says.
            l2 = normalize_level2(r.get("level2_std"))
            if l2 is None:
                continue  # outside the tree (经济成本指标 …)
            inds.append(_indicator(r["name"], r.get("value"), r.get("unit")))
            truth.append((PARENT[l2], l2))
        if inds:
            out.append((TargetTable(project=d.get("project") or "（未注明）", goal=d.get("goal"),
                                    indicators=inds), truth))  # fmt: skip
    return out


def measure(rows: Labelled) -> tuple[int, int, int, list[str]]:
    """(indicators, 一级 correct, 二级 correct, misses as lines), each table classified whole."""
    n = ok1 = ok2 = 0
    misses = []
    for table, truth in rows:
        for ind, c, (l1, l2) in zip(table.indicators, classify_table(table), truth, strict=True):
            n += 1
            ok1 += c.level1 == l1
            ok2 += c.level2 == l2
            if c.level2 != l2:
                misses.append(f"{ind.name}（{ind.value}）：推定 {c.level2}，应为 {l2} — {c.why}")
    return n, ok1, ok2, misses


def main() -> None:
    sets = [("hand-labelled indicators", labelled_rows), ("real tables' own levels", real_rows)]
    if HELDOUT.exists():
        sets.append(("held-out pages' own levels", heldout_rows))
    for label, load in sets:
        n, ok1, ok2, misses = measure(load())
        print(f"{label}: {n}")
        print(f"  一级指标 accuracy: {ok1}/{n} = {ok1 / n:.1%}")
        print(f"  二级指标 accuracy: {ok2}/{n} = {ok2 / n:.1%}")
        if "--show-misses" in sys.argv:
            for m in misses:
                print("    " + m)


if __name__ == "__main__":
    main()
