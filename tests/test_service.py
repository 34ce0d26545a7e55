"""The service layer: the use cases every face calls, and the shape of the package."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao import service
from jixiao.cli import app
from jixiao.errors import StoreError
from jixiao.query import TableQuery
from jixiao.store import Store

from .conftest import SEEDS

SRC = Path(__file__).resolve().parent.parent / "src" / "jixiao"


@pytest.fixture
def seeded(tmp_path: Path) -> Store:
    store = service.open_store(str(tmp_path / "j.db"), write=True)
    assert service.import_paths(store, [str(SEEDS)], workers=1).tables == 36
    return store


def test_tables_are_selected_sorted_and_paged(seeded: Store) -> None:
    page = service.select_tables(seeded, TableQuery(limit=10))
    assert (len(page.items), page.total) == (10, 36)
    rest = service.select_tables(seeded, TableQuery(limit=10, offset=30))
    assert (len(rest.items), rest.total) == (6, 36)
    beyond = service.select_tables(seeded, TableQuery(limit=10, offset=100))
    assert (beyond.items, beyond.total) == ([], 36)
    by_funds = service.select_tables(seeded, TableQuery(sort="funds", descending=True)).items
    totals = [s.total for s in by_funds if s.total is not None]
    assert totals == sorted(totals, reverse=True)
    # Chinese substring search without a word segmenter, over indicators too.
    hits = service.select_tables(seeded, TableQuery(search="保障")).items
    assert hits and all(
        "保障" in s.project
        or "保障" in (s.department or "")
        or any("保障" in i.name for t in seeded.tables(ids=[s.id]) for i in t.indicators)
        for s in hits
    )
    assert service.select_tables(seeded, TableQuery(search="%")).total == 0  # no wildcards


def test_show_takes_the_exact_name_before_a_substring(seeded: Store) -> None:
    found = service.find_project(seeded, "巨灾保险项目")
    assert (len(found.tables), found.total) == (2, 2)
    assert service.find_project(seeded, "没有这个项目") == service.ProjectFilings([], 0)
    # A project filed many times: the first few read, all counted.
    some = service.find_project(seeded, "项目", limit=3)
    assert len(some.tables) == 3 and some.total > 3


def test_an_upload_is_known_by_its_name_and_refused_past_the_limit(seeded: Store) -> None:
    seed = next(SEEDS.glob("*.txt"))
    data = seed.read_bytes() + b"\n"  # not the imported file: another document
    report = service.import_upload(seeded, "上传/目标表.txt", io.BytesIO(data))
    assert report.tables == 30 and report.ok
    stored = [t for t in seeded.tables() if t.source and t.source.file == "目标表.txt"]
    assert len(stored) == 30
    again = service.import_upload(seeded, "目标表.txt", io.BytesIO(data))
    assert again.files[0].status == "unchanged"
    big = service.import_upload(seeded, "大.txt", io.BytesIO(data), limit=1000)
    assert big.files[0].status == "refused"
    assert big.errors == ["文件 大.txt：文件过大（超过 1000 字节），未导入"]


def test_a_read_never_creates_a_database(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    with pytest.raises(StoreError, match="不存在"):
        service.open_store(str(db))
    assert not db.exists()
    res = CliRunner().invoke(app, ["list", "--db", str(db)])
    assert res.exit_code == 1 and "不存在" in res.output and not db.exists()
    res = CliRunner().invoke(app, ["db", "upgrade", "--db", str(db)])
    assert res.exit_code == 0 and db.exists()
    assert CliRunner().invoke(app, ["list", "--db", str(db)]).exit_code == 0


def test_the_threshold_a_command_fails_at() -> None:
    assert service.fails(["warning"], "warning") and not service.fails(["warning"], "error")
    assert service.fails(["info"], "info") and not service.fails(["error"], "never")


def test_list_pages_from_the_command_line(seeded: Store) -> None:
    res = CliRunner().invoke(
        app, ["list", "--db", seeded.url, "--limit", "5", "--offset", "5"], terminal_width=200
    )
    assert res.exit_code == 0, res.output
    # Not a terminal: the page's tables as plain lines, numbered from the offset.
    assert [line.split("\t")[0] for line in res.stdout.splitlines()] == ["6", "7", "8", "9", "10"]


def _imports(path: Path) -> set[str]:
    """The jixiao modules a file imports (relative imports resolved)."""
    rel = path.relative_to(SRC.parent).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join([*base, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            if not mod.startswith("jixiao"):
                continue
            if node.module is None:  # "from .. import service": the names are modules
                out.update(f"{mod}.{a.name}" for a in node.names)
            else:
                out.add(mod)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("jixiao"))
    return out


# The layers, bottom up: a module may import its own layer and those below it only.
LAYERS = [
    {"jixiao.errors", "jixiao.model", "jixiao.query", "jixiao.config", "jixiao.values"},
    {
        "jixiao.readers",
        "jixiao.forms",
        "jixiao.classify",
        "jixiao.exports.cells",
        # scoring's pure parts: the formulas, their settings, and the re-scoring of a
        # published self-evaluation, which the review (rules) reports on
        "jixiao.scoring.formulas",
        "jixiao.scoring.settings",
        "jixiao.scoring.published",
    },
    {"jixiao.rules", "jixiao.store", "jixiao.ingest"},
    {"jixiao.scoring", "jixiao.exports"},
    {"jixiao.service"},
    {"jixiao.cli", "jixiao.web", "jixiao.api"},
]


def _layer(module: str) -> int:
    """The layer of a module: that of the longest name in LAYERS it is or lies under."""
    best = (-1, -1)
    for n, names in enumerate(LAYERS):
        for m in names:
            if (module == m or module.startswith(m + ".")) and len(m) > best[0]:
                best = (len(m), n)
    return best[1]


def test_the_import_graph_points_down() -> None:
    wrong = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        me = ".".join(p for p in rel.parts if p != "__init__")
        mine = _layer(me)
        if mine < 0:
            continue
        for mod in _imports(path):
            theirs = _layer(mod)
            if theirs > mine:
                wrong.append(f"{me} imports {mod}")
    assert wrong == []


def test_the_command_line_uses_only_the_service_models_and_renderers() -> None:
    # The service, the data models (tables, queries, findings, scoring results and
    # settings) and the command line's own renderers.
    # ``serve`` starts the web face, a sibling of the command line over the same service.
    allowed = ("jixiao.service", "jixiao.model", "jixiao.query", "jixiao.errors", "jixiao.config",
               "jixiao.cli", "jixiao.rules", "jixiao.scoring", "jixiao.web",
               "jixiao.findings")  # fmt: skip
    for path in (SRC / "cli").glob("*.py"):
        for mod in _imports(path):
            assert mod.startswith(allowed), f"{path.name} imports {mod}"
        text = path.read_text(encoding="utf-8")
        # No store queries, readers or writers called from a command: the service does that.
        for call in ("store.tables(", "store.summaries(", "read_document(", "write_xlsx(",
                     "write_csv(", "write_json(", "evaluate_files(", "monitor_files("):  # fmt: skip
            assert call not in text, f"{path.name} calls {call}"
