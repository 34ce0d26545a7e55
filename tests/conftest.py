"""Shared fixtures: the seed documents and their renderings in every format, and a store
on SQLite and on PostgreSQL.

PostgreSQL tests use the server named by ``JIXIAO_TEST_PG`` (default: the local
``postgresql://postgres@127.0.0.1:5432/test``), each test in a schema of its own.
Without a server they skip with the reason — except under CI (``CI`` set), where a
missing server is a failure, never a silent skip.
"""

from __future__ import annotations

import glob
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from jixiao.errors import InputError
from jixiao.forms import read_tables
from jixiao.model import TargetTable
from jixiao.readers import read_document
from jixiao.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
PG_URL = os.environ.get("JIXIAO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        eng = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except OperationalError as e:
        return str(e.orig).strip().splitlines()[0] if e.orig else str(e)


@pytest.fixture(scope="session")
def pg_server() -> str:
    reason = _pg_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required under CI: {reason}")
        pytest.skip(f"no PostgreSQL at {PG_URL}: {reason}")
    return PG_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    schema = "jx_" + uuid.uuid4().hex[:12]
    admin = create_engine(pg_server.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_server else "?"
    yield f"{pg_server}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


# -- renderings of the seeds in other formats (tests/render.py) ---------------------
HERE = os.path.dirname(os.path.abspath(__file__))
SEED_PATHS = sorted(glob.glob(os.path.join(str(ROOT), "samples", "seeds", "*.txt")))
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
    return {os.path.splitext(os.path.basename(p))[0]: tables_of(p) for p in SEED_PATHS}


@pytest.fixture(scope="session")
def text_json(seed_tables: dict[str, list[TargetTable]]) -> list[dict[str, Any]]:
    return [t.to_json(with_source=False) for ts in seed_tables.values() for t in ts]


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    d = tmp_path_factory.mktemp("rendered")
    yield str(d)


# LibreOffice is installed by component (Debian: libreoffice-writer-nogui,
# libreoffice-calc-nogui); each has its library in the program folder beside soffice.
_COMPONENT_LIBS = {"writer": "swlo", "calc": "sclo"}


def libreoffice_has(exe: str, component: str) -> bool:
    """Whether the LibreOffice at ``exe`` has ``component`` (writer, calc) installed.

    Looks for the component's library (``libswlo.so`` for Writer, ``libsclo.so`` for
    Calc; ``.dylib`` and ``.dll`` elsewhere) in the program folder, and in macOS's
    Frameworks folder; an installation laid out otherwise is taken to have it.
    """
    program = os.path.dirname(os.path.realpath(exe))
    folders = [program, os.path.join(os.path.dirname(program), "Frameworks")]
    present = {name for folder in folders if os.path.isdir(folder) for name in os.listdir(folder)}

    def found(stem: str) -> bool:
        names = (f"{p}{stem}{x}" for p in ("lib", "") for x in (".so", ".dylib", ".dll"))
        return any(n in present for n in names)

    if not any(found(stem) for stem in _COMPONENT_LIBS.values()):
        return True  # a layout this check does not know: let the test run
    return found(_COMPONENT_LIBS[component])


def soffice_or_skip(component: str = "writer") -> str:
    """LibreOffice's path; skip without it (or without the component a test needs:
    writer for .doc and PDF, calc for .xls), except under CI, where it must be there."""
    import render

    exe = render.soffice()
    missing = (
        "LibreOffice (soffice) is not installed"
        if exe is None
        else None
        if libreoffice_has(exe, component)
        else f"LibreOffice {component.capitalize()} is not installed"
    )
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {missing}: {SOFFICE_HINT}")
        pytest.skip(f"{missing}; to run: {SOFFICE_HINT}")
    assert exe is not None
    return exe


def gold_check(out: list[dict[str, Any]]) -> str:
    """The seeds' output compared with the gold carried in tests/data/gold."""
    from .gold import compare_with_gold

    matched, total, diffs = compare_with_gold(out)
    return "\n".join([*diffs[:40], f"fields: {matched} matched of {total}"])
