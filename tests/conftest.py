"""Shared fixtures: the seed tables (read with the text reader) and their renderings."""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from jixiao.errors import InputError
from jixiao.forms import read_tables
from jixiao.model import TargetTable
from jixiao.readers import read_document

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEEDS = sorted(glob.glob(os.path.join(ROOT, "samples", "seeds", "*.txt")))
# The hand-verified gold sits in shared/ beside the repository (not in a fresh clone).
GOLD_DIR = os.path.join(os.path.dirname(ROOT), "shared", "gold")
SOFFICE_HINT = "apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk"

sys.path.insert(0, HERE)  # tests/render.py is a helper module, not a package


def tables_of(path: str) -> list[TargetTable]:
    out: list[TargetTable] = []
    for t in read_tables(read_document(path)):
        if isinstance(t, InputError):
            raise t
        out.append(t)
    return out


@pytest.fixture(scope="session")
def seed_tables() -> dict[str, list[TargetTable]]:
    """Stem → the tables of that seed file, as the text reader reads them."""
    return {os.path.splitext(os.path.basename(p))[0]: tables_of(p) for p in SEEDS}


@pytest.fixture(scope="session")
def text_json(seed_tables: dict[str, list[TargetTable]]) -> list[dict[str, Any]]:
    return [t.to_json(with_source=False) for ts in seed_tables.values() for t in ts]


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    d = tmp_path_factory.mktemp("rendered")
    yield str(d)


def soffice_or_skip() -> str:
    """LibreOffice's path; skip without it, except under CI, where it must be there."""
    import render

    exe = render.soffice()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but LibreOffice (soffice) is missing: {SOFFICE_HINT}")
        pytest.skip(f"LibreOffice (soffice) is not installed; to run: {SOFFICE_HINT}")
    return exe


def gold_check(out: list[dict[str, Any]], tmp: str) -> str | None:
    """Run shared/gold/check.py on the output, where shared/ is beside the repository."""
    check = os.path.join(GOLD_DIR, "check.py")
    if not os.path.exists(check):
        return None
    import subprocess

    path = os.path.join(tmp, "out.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
    python = shutil.which("python3") or sys.executable
    res = subprocess.run([python, check, path], capture_output=True, text=True, timeout=120)
    return res.stdout
