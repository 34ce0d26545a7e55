"""The seeds' gold, carried in the repository (tests/data/gold/seeds.json), and the
field-by-field comparison the spec fixes (target-table.md): every field exact, with
JSON types (10 and 10.0 differ), overview/basis/goal after removing white space.

The gold tests therefore run — and fail when the import is wrong — on a clean clone,
with or without ``../shared`` beside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

GOLD = Path(__file__).parent / "data" / "gold" / "seeds.json"
LONG_TEXT = ("overview", "basis", "goal")
_WS = re.compile(r"\s+")


def load_gold() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _fields(table: dict[str, Any]) -> dict[str, Any]:
    """A table as field path → value, indicators position by position."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "source":
            continue
        if key in ("funds", "contact"):
            for k, v in value.items():
                out[f"{key}.{k}"] = v
        elif key == "indicators":
            out["indicators.count"] = len(value)
            for n, ind in enumerate(value):
                for k, v in ind.items():
                    out[f"indicators[{n}].{k}"] = v
        elif key in LONG_TEXT and isinstance(value, str):
            out[key] = _WS.sub("", value)
        else:
            out[key] = value
    return out


def compare_with_gold(got: list[dict[str, Any]]) -> tuple[int, int, list[str]]:
    """(fields matched, fields in the gold, one line per mismatch); tables in order."""
    gold = load_gold()
    matched = total = 0
    diffs: list[str] = []
    for n, want in enumerate(gold):
        have = _fields(got[n]) if n < len(got) else {}
        for path, w in _fields(want).items():
            total += 1
            g = have.get(path, "<missing>")
            if _same(w, g):
                matched += 1
            else:
                diffs.append(f"表 {n + 1} {path}: 应为 {w!r}，得到 {g!r}")
    if len(got) != len(gold):
        diffs.append(f"表数 {len(got)}，金标准 {len(gold)}")
    return matched, total, diffs
