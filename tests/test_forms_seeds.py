"""The seeds read into the gold form straight through read_document → read_tables (no store)."""

from __future__ import annotations

from jixiao.errors import InputError
from jixiao.forms import read_tables
from jixiao.readers import read_document

from .conftest import SEEDS
from .gold import compare_with_gold


def test_seeds_match_gold_field_for_field() -> None:
    tables = []
    for path in sorted(SEEDS.glob("*.txt")):
        for t in read_tables(read_document(str(path))):
            assert not isinstance(t, InputError), str(t)
            tables.append(t.to_json())
    matched, total, diffs = compare_with_gold(tables)
    assert (matched, total) == (2619, 2619), "\n".join(diffs[:40])
