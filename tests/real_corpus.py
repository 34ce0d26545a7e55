"""The corpus of real published tables (tests/data/real/): import each, compare field by field.

Each document ``<stem>.html`` / ``.txt`` / ``.docx`` has ``<stem>.json`` beside it, written
by hand from reading the document: its source address, province, kind of form and the
expected tables. The comparison counts the core fields the issue names (project,
department, year, money unit, total funds, goal, and each indicator's name, operator,
number, unit, points and levels) and the rest of the interchange form separately.

Run ``python -m tests.real_corpus`` for the per-form table the README quotes, and
``python -m tests.real_corpus -v`` to see every field that differs.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REAL = Path(__file__).parent / "data" / "real"
# The project's own copy of the interchange form's schema, so tests run on a clean clone.
SCHEMA = json.loads(
    (Path(__file__).parent.parent / "docs" / "target-table.schema.json").read_text(encoding="utf-8")
)
DOC_SUFFIXES = (".html", ".htm", ".txt", ".docx", ".xlsx", ".pdf", ".doc")

TABLE_CORE = ("project", "department", "year", "money_unit", "funds.total", "goal")
TABLE_OTHER = (
    "region", "kind", "implementer", "funds.superior", "funds.district", "funds.other",
    "contact.name", "contact.phone",
)  # fmt: skip
INDICATOR_CORE = ("name", "operator", "number", "unit", "score", "level1", "level2")
_WS = re.compile(r"\s+")


def cases() -> list[tuple[Path, Path]]:
    """(document, expected json) pairs, in a stable order."""
    out = []
    for exp in sorted(REAL.rglob("*.json")):
        docs = [exp.with_suffix(s) for s in DOC_SUFFIXES if exp.with_suffix(s).exists()]
        if docs:
            out.append((docs[0], exp))
    return out


def _get(t: dict[str, Any], key: str) -> Any:
    cur: Any = t
    for part in key.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur


def _same(key: str, want: Any, got: Any) -> bool:
    if key in ("goal", "overview", "basis") and isinstance(want, str) and isinstance(got, str):
        return _WS.sub("", want) == _WS.sub("", got)
    if isinstance(want, int | float) and isinstance(got, int | float):
        return abs(float(want) - float(got)) < 1e-6
    return bool(want == got)


@dataclass
class Score:
    """Fields right out of fields compared, and what differed."""

    core_right: int = 0
    core_total: int = 0
    other_right: int = 0
    other_total: int = 0
    diffs: list[str] = field(default_factory=list)

    def add(self, core: bool, ok: bool, what: str) -> None:
        if core:
            self.core_total += 1
            self.core_right += ok
        else:
            self.other_total += 1
            self.other_right += ok
        if not ok:
            self.diffs.append(what)

    def merge(self, other: Score) -> None:
        self.core_right += other.core_right
        self.core_total += other.core_total
        self.other_right += other.other_right
        self.other_total += other.other_total
        self.diffs += other.diffs

    @property
    def core(self) -> float:
        return self.core_right / self.core_total if self.core_total else 1.0


def compare(expected: list[dict[str, Any]], got: list[dict[str, Any]], where: str) -> Score:
    """Compare tables in order; a table or indicator missing counts all its fields wrong."""
    s = Score()
    for n, want in enumerate(expected):
        have = got[n] if n < len(got) else {}
        if have and have.get("project") != want.get("project"):
            # A table read out of order: take the one with the same project, if any.
            have = next((g for g in got if g.get("project") == want.get("project")), have)
        for key in TABLE_CORE + TABLE_OTHER:
            w, g = _get(want, key), _get(have, key)
            s.add(key in TABLE_CORE, _same(key, w, g), f"{where} 表{n + 1} {key}: {w!r} ≠ {g!r}")
        winds = want.get("indicators", [])
        ginds = have.get("indicators", []) if have else []
        for i, wi in enumerate(winds):
            gi = ginds[i] if i < len(ginds) else {}
            for key in INDICATOR_CORE:
                w, g = wi.get(key), gi.get(key)
                s.add(True, _same(key, w, g), f"{where} 表{n + 1} 指标{i + 1} {key}: {w!r} ≠ {g!r}")
        for i in range(len(winds), len(ginds)):
            s.add(True, False, f"{where} 表{n + 1} 多出指标 {ginds[i].get('name')!r}")
    for n in range(len(expected), len(got)):
        s.add(True, False, f"{where} 多出表 {got[n].get('project')!r}")
    return s


def import_one(doc: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The document's tables as the importer reads them, and its errors."""
    from jixiao.errors import InputError
    from jixiao.forms import read_tables
    from jixiao.readers import read_document

    tables: list[dict[str, Any]] = []
    errors: list[str] = []
    try:
        for item in read_tables(read_document(str(doc))):
            if isinstance(item, InputError):
                errors.append(str(item))
            else:
                tables.append(item.to_json(with_source=False))
    except InputError as e:
        errors.append(str(e))
    return tables, errors


def run(verbose: bool = False) -> dict[str, Score]:
    by_form: dict[str, Score] = defaultdict(Score)
    provinces: set[str] = set()
    tables = 0
    for doc, exp in cases():
        data = json.loads(exp.read_text(encoding="utf-8"))
        provinces.add(data.get("province", "?"))
        tables += len(data["tables"])
        got, errors = import_one(doc)
        s = compare(data["tables"], got, doc.name)
        by_form[data.get("form", "?")].merge(s)
        by_form["全部"].merge(s)
        if verbose:
            for e in errors:
                print("  错误", e)
            for d in s.diffs:
                print("  ", d)
    print(f"{len(cases())} documents, {tables} tables, {len(provinces)} provinces")
    print("| form | core fields right | other fields right |")
    print("| --- | --- | --- |")
    for form, s in sorted(by_form.items(), key=lambda kv: kv[0] == "全部"):
        print(
            f"| {form} | {s.core_right}/{s.core_total} ({s.core:.1%}) | "
            f"{s.other_right}/{s.other_total} |"
        )
    return by_form


if __name__ == "__main__":
    run(verbose="-v" in sys.argv)
