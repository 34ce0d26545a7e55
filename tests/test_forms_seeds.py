"""The seeds read into the gold form straight through read_document → read_tables (no store)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.errors import InputError
from jixiao.forms import read_tables
from jixiao.readers import read_document

from .conftest import SEEDS, SHARED_GOLD


def test_seeds_match_gold_field_for_field(tmp_path: Path) -> None:
    checker = SHARED_GOLD / "check.py"
    if not checker.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{checker} is missing under CI")
        pytest.skip(f"no gold checker beside the repository ({checker})")
    tables = []
    for path in sorted(SEEDS.glob("*.txt")):
        for t in read_tables(read_document(str(path))):
            assert not isinstance(t, InputError), str(t)
            tables.append(t.to_json())
    out = tmp_path / "x.json"
    out.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, str(checker), str(out)], capture_output=True, text=True)
    assert "fields: 2619 matched of 2619 (100%)" in run.stdout, run.stdout[-2000:]
    assert run.returncode == 0
