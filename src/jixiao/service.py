"""Use cases: one function per thing a person does with jixiao, under every face.

The command line (``cli/``), the web application and the API are thin adapters over
these functions: each takes plain arguments and returns data (models, reports,
findings), never prints and never exits. Errors are :class:`~jixiao.errors.JixiaoError`
objects until a face turns them into a line of text or a response.

    open_store / upgrade_database      the database, read-only unless a use case writes
    import_paths / import_upload       documents → tables (files and folders; bytes + name)
    select_tables / find_project       the stored tables: query, page, one project
    listing / stored_tables            every selected summary or table, streamed in batches
    tables_from                        stored tables, or tables read from files directly
    review / reviewed / fails          findings (审核意见), all at once or table by table
    classify / classified              levels (指标分类), all at once or table by table
    write_template                     the workbooks departments fill (自评表, 监控表)
    evaluate / monitor                 filled workbooks scored against the stored tables
    list_evaluations / show_evaluation stored self-evaluations
    export_tables / export_findings    every output, in every format
    output_file                        an output file written whole or not at all
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any, Literal, TextIO

from .config import Config
from .errors import InputError, StoreError, UnreadableFile
from .ingest import (
    FileOutcome,
    ImportInterrupted,
    ImportReport,
    find_files,
    parse_file,
    read_paths,
    store_parsed,
)
from .ingest import import_paths as _import_paths
from .model import TargetTable
from .query import Page, TableQuery
from .readers.safety import MAX_FILE_BYTES
from .rules import Finding, Review, Severity, check
from .scoring.published import DepartmentSummary as DepartmentSummary
from .scoring.published import PublishedComparison, by_department, compare
from .scoring.settings import ScoringSettings
from .store import Store, TableSummary, display_url
from .store.evaluations import (
    EvaluationRecord,
    evaluation_scores,
    list_evaluations_in,
    save_evaluation,
)

__all__ = [
    "FileOutcome", "ImportInterrupted", "ImportReport", "ProjectFilings", "PublishedTally",
    "Store", "StoredEvaluation", "TableSet", "TableSummary",
    "classified", "classify",
    "documents_in", "evaluate", "export_evaluations", "export_findings", "export_tables",
    "fails", "find_project",
    "import_paths", "import_upload", "list_evaluations", "listing", "monitor", "open_store",
    "output_file", "review", "reviewed",
    "select_tables", "show_evaluation", "stored_tables", "tables_from", "upgrade_database",
    "version", "where", "write_json_array", "write_template",
]  # fmt: skip

TableFormat = Literal["json", "csv", "xlsx"]
FindingFormat = Literal["json", "csv", "xlsx"]
FailOn = Literal["error", "warning", "info", "never"]


# -- the database ---------------------------------------------------------------------


def open_store(db: str | None, *, write: bool = False) -> Store:
    """The store at ``db``: migrated when a use case writes; a read needs it current."""
    if write:
        return Store(db)
    store = Store(db, migrate=False)
    try:
        store.require_current()
    except StoreError:
        store.close()
        raise
    return store


def upgrade_database(db: str | None) -> str:
    """Bring a database to the newest schema (``jixiao db upgrade``); returns where it is."""
    with Store(db) as store:
        return store.url


# -- import ---------------------------------------------------------------------------


def documents_in(paths: Iterable[str]) -> list[str]:
    """The documents an import of these files and folders will read, in order."""
    return find_files(paths)


def version() -> str:
    """This jixiao's version (``jixiao --version``)."""
    from . import __version__

    return __version__


def where(db_url: str) -> str:
    """A database as a person may see it: a SQLite file's path, else its URL (no password)."""
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        return db_url[len("sqlite:///") :]
    return display_url(db_url)


def import_paths(
    store: Store,
    paths: Iterable[str],
    *,
    workers: int | None = None,
    progress: Callable[[FileOutcome], None] | None = None,
    reading: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import files and folders; a bad file is reported and the batch goes on.

    Ctrl-C raises :class:`ImportInterrupted` carrying the report of what was stored.
    """
    return _import_paths(paths, store, workers=workers, progress=progress, reading=reading)


def import_upload(
    store: Store, name: str, stream: IO[bytes], *, limit: int = MAX_FILE_BYTES
) -> ImportReport:
    """Import one uploaded document (its bytes and the name it was uploaded under).

    The upload is copied to a private temporary file in chunks, and refused as soon
    as it passes ``limit``: a large upload is never held in memory whole.
    """
    name = os.path.basename(name.replace("\\", "/")) or "upload"
    suffix = os.path.splitext(name)[1].lower()
    report = ImportReport()
    with tempfile.TemporaryDirectory(prefix="jixiao-up-") as tmp:
        path = os.path.join(tmp, "upload" + suffix)
        size = 0
        with open(path, "wb") as f:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    err = UnreadableFile(f"文件过大（超过 {limit} 字节）", file=name)
                    refusal = Finding.of_input_error(err)
                    report.files.append(FileOutcome(name, name, "refused", 0, [refusal]))
                    return report
                f.write(chunk)
        parsed = parse_file(path)
        # The document is known by its name and content, not by the temporary path.
        parsed.name = name
        parsed.path = f"upload:{parsed.sha256}/{name}"
        parsed.findings = [
            replace(f, location=replace(f.location, file=name)) for f in parsed.findings
        ]
        for t in parsed.tables:
            if t.source is not None:
                t.source.file = name
                t.source.path = None
        report.files.append(store_parsed(parsed, store))
    return report


# -- tables ---------------------------------------------------------------------------


def select_tables(store: Store, query: TableQuery) -> Page[TableSummary]:
    """A page of table summaries and how many the query selects in all."""
    items = store.summaries(query)
    # The page itself tells the total when it is the last one; else one COUNT query.
    last_page = (query.limit is None or len(items) < query.limit) and (items or not query.offset)
    total = len(items) + query.offset if last_page else store.count_selected(query)
    return Page[TableSummary](items=items, total=total, offset=query.offset, limit=query.limit)


def listing(store: Store, query: TableQuery) -> Iterator[TableSummary]:
    """Every summary a query selects (its page, if it has one), streamed from the store."""
    return store.iter_summaries(query)


BATCH = 500  # tables read from the store per query when a command goes through all of them


def stored_tables(store: Store, query: TableQuery | None = None) -> Iterator[TargetTable]:
    """The stored tables a query selects (its filters), in document order, read in batches
    so a command over the whole store holds one batch at a time."""
    for part in store.table_batches(query, batch=BATCH):
        for _, t in part:
            yield t


@dataclass(slots=True)
class ProjectFilings:
    """The filings of a project ``show`` displays: the first ``limit`` and how many in all."""

    tables: list[TargetTable]
    total: int


def find_project(store: Store, project: str, *, limit: int | None = None) -> ProjectFilings:
    """The filings of a project: its exact name first, else every name containing it;
    at most ``limit`` of them read (a project filed thousands of times is counted)."""
    for exact in (True, False):
        query = TableQuery(project=project, exact_project=exact)
        total = store.count_selected(query)
        if total:
            # One bounded query for the first ``limit``: no stream is left open half-read.
            batches = store.table_batches(query, batch=limit or BATCH)
            if limit is not None:
                batches = itertools.islice(batches, 1)
            return ProjectFilings([t for part in batches for _, t in part], total)
    return ProjectFilings([], 0)


@dataclass(slots=True)
class TableSet:
    """Tables to review, and the files that could not be read into any."""

    tables: list[TargetTable]
    errors: list[InputError]


def tables_from(
    store_or_db: Store | str | None,
    files: Sequence[str] = (),
    *,
    department: str | None = None,
) -> TableSet:
    """Stored tables (of a department), or tables read from files given directly.

    All of them in memory: for a store of any size, :func:`stored_tables` streams them.
    """
    if files:
        tables: list[TargetTable] = []
        errors: list[InputError] = []
        for item in read_paths(files):
            (tables if isinstance(item, TargetTable) else errors).append(item)  # type: ignore[arg-type]
        return TableSet(tables, errors)
    store = store_or_db if isinstance(store_or_db, Store) else open_store(store_or_db)
    query = TableQuery(department=department) if department else None
    return TableSet(list(stored_tables(store, query)), [])


# -- review ---------------------------------------------------------------------------


def review(tables: Sequence[TargetTable], config: Any = None) -> list[Finding]:
    """The reviewer's findings on the tables (evaluation.md §2), with ``[rules]`` settings."""
    return check(tables, config)


def reviewed(
    source: Store | Sequence[TargetTable], config: Any = None, *, department: str | None = None
) -> Iterator[tuple[TargetTable, list[Finding]]]:
    """Each table with its findings, as it is reviewed: the stored tables (of a department)
    streamed in batches, or the tables given. The findings are :func:`review`'s, in order.

    A duplicate filing is found by a compact key per table; the earlier filing it repeats
    is read back from the store (the last few hundred kept, as copies tend to repeat one).
    """
    if not isinstance(source, Store):
        run = Review(config, fetch=source.__getitem__)
        for n, t in enumerate(source):
            yield t, run.table(t, n)
        return
    store = source

    @functools.lru_cache(maxsize=256)
    def fetch(table_id: int) -> TargetTable:
        got = store.table(table_id)
        assert got is not None, f"table {table_id} was reviewed in this run"
        return got

    run = Review(config, fetch=fetch)
    query = TableQuery(department=department) if department else None
    for part in store.table_batches(query, batch=BATCH):
        for table_id, t in part:
            yield t, run.table(t, table_id)


def published_summary(tables: Iterable[TargetTable], config: Any = None) -> list[DepartmentSummary]:
    """Published self-evaluations re-scored (evaluation.md §6), summed per department."""
    tally = PublishedTally(config)
    for t in tables:
        tally.add(t)
    return tally.summary()


class PublishedTally:
    """自评复核 gathered table by table while a review streams (only tables carrying a
    published self-evaluation are kept, as their re-scored comparison)."""

    def __init__(self, config: Any = None) -> None:
        self._settings = ScoringSettings.from_config(config) if isinstance(config, Config) else None
        self._got: list[PublishedComparison] = []

    def add(self, table: TargetTable) -> None:
        c = compare(table, self._settings)
        if c is not None:
            self._got.append(c)

    def summary(self) -> list[DepartmentSummary]:
        """Per department, most generous first (:func:`by_department`)."""
        return by_department(self._got)


def fails(severities: Iterable[Severity | str], fail_on: FailOn) -> bool:
    """Whether findings of these severities reach the threshold a command exits 1 at."""
    if fail_on == "never":
        return False
    threshold = Severity.parse(fail_on)
    return any(
        (s if isinstance(s, Severity) else Severity.parse(s)) >= threshold for s in severities
    )


def classify(tables: Iterable[TargetTable]) -> list[dict[str, Any]]:
    """Each indicator's 一级/二级指标 (the table's own, or inferred) and why: one JSON shape."""
    return list(classified(tables))


def classified(tables: Iterable[TargetTable]) -> Iterator[dict[str, Any]]:
    """:func:`classify`, one table at a time as the tables come."""
    from .classify import classify_table

    for t in tables:
        src = t.source
        yield {
            "project": t.project,
            "source": {"file": src.file, "index": src.index} if src else None,
            "indicators": [{"name": i.name, **c.to_json()}
                           for i, c in zip(t.indicators, classify_table(t), strict=True)],
        }  # fmt: skip


# -- self-evaluation and monitoring ---------------------------------------------------


def write_template(
    store: Store,
    kind: Literal["selfeval", "monitor"],
    out: str | IO[bytes],
    *,
    department: str | None = None,
    month: int | None = None,
    settings: Any = None,
) -> int:
    """The workbook departments fill: one protected sheet per project; returns the count."""
    from .exports import write_monitor_template, write_selfeval_template

    query = TableQuery(department=department) if department else None
    if not store.count_selected(query or TableQuery()):
        where = f"主管部门含“{department}”的" if department else ""
        raise StoreError(f"库中没有{where}绩效目标表（先用 jixiao import 导入）")
    tables = stored_tables(store, query)
    if kind == "selfeval":
        return write_selfeval_template(tables, out, settings)
    return write_monitor_template(tables, out, month)


def evaluate(store: Store, files: Sequence[str], settings: Any, *, save: bool = True) -> Any:
    """Score filled self-evaluation returns against the stored tables and store the results
    (a new evaluation of a project replaces its previous one)."""
    from .scoring import evaluate_files

    run = evaluate_files(list(files), store, settings)
    if save:
        for s in run.scored:
            save_evaluation(store, *_evaluation_rows(s.evaluation, s.table))
    return run


def _evaluation_rows(ev: Any, table: TargetTable) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A scored evaluation as the store keeps it: its row and its indicators' rows."""
    e, origin, src = ev.execution, ev.origin, table.source
    row = {
        "department": ev.department, "project": ev.project, "year": ev.year,
        "source_file": src.file if src else None, "source_index": src.index if src else None,
        "input_file": origin.file if origin else "",
        "input_sheet": origin.sheet if origin else None,
        "money_unit": ev.money_unit, "budget": e.budget, "executed": e.executed,
        "execution_rate": e.rate, "execution_weight": e.weight, "execution_score": e.score,
        "execution_reason": e.reason, "indicator_score": ev.indicator_score, "total": ev.total,
        "capped_from": ev.capped_from, "grade": ev.grade, "complete": ev.complete,
        "findings": [x.to_json() for x in ev.findings],
    }  # fmt: skip
    items = [
        {
            "name": i.name,
            "operator": i.operator,
            "target": i.target,
            "target_text": i.target_text,
            "unit": i.unit,
            "max_score": i.max,
            "actual": i.actual,
            "actual_text": i.actual_text,
            "tier": i.tier,
            "score": i.score,
            "reason": i.reason,
            "applicable": i.applicable,
            "flags": list(i.flags),
        }  # fmt: skip
        for i in ev.indicators
    ]
    return row, items


def monitor(store: Store, files: Sequence[str], settings: Any) -> Any:
    """Traffic lights for filled monitoring returns."""
    from .scoring import monitor_files

    return monitor_files(list(files), store, settings)


def list_evaluations(store: Store, *, department: str | None = None) -> list[EvaluationRecord]:
    """Stored self-evaluations by department and project."""
    return list_evaluations_in(store, department=department)


@dataclass(slots=True)
class StoredEvaluation:
    """One stored self-evaluation with its indicators' scores and flags."""

    record: EvaluationRecord
    items: list[tuple[str, float | None, list[str]]]


def show_evaluation(store: Store, key: str) -> list[StoredEvaluation]:
    """A stored evaluation by its number, or every one whose project contains ``key``."""
    records = list_evaluations_in(store)
    chosen = (
        [r for r in records if r.id == int(key)]
        if key.isdigit()
        else [r for r in records if key in r.project]
    )
    return [StoredEvaluation(r, evaluation_scores(store, r.id)) for r in chosen]


# -- outputs --------------------------------------------------------------------------


def export_tables(
    store: Store, fmt: TableFormat, out: TextIO | IO[bytes] | str, query: TableQuery | None = None
) -> int:
    """Stored tables as JSON (interchange form), CSV or XLSX; returns the rows written."""
    from .exports import write_csv, write_json, write_xlsx

    tables = stored_tables(store, query)
    if fmt == "xlsx":
        return write_xlsx(tables, out)  # type: ignore[arg-type]
    writer = write_json if fmt == "json" else write_csv
    return writer(tables, out)  # type: ignore[arg-type]


def export_findings(
    findings: Iterable[Finding], fmt: FindingFormat, out: TextIO | IO[bytes] | str
) -> int:
    """Findings as JSON (their one shape), CSV or XLSX, written as they come; returns
    how many."""
    from .exports.findings import write_findings_csv, write_findings_json, write_findings_xlsx

    if fmt == "xlsx":
        return write_findings_xlsx(findings, out)  # type: ignore[arg-type]
    if fmt == "csv":
        return write_findings_csv(findings, out)  # type: ignore[arg-type]
    return write_findings_json(findings, out)  # type: ignore[arg-type]


def export_evaluations(run: Any, out: IO[bytes] | str, settings: Any = None) -> int:
    """The scored self-evaluations as the workbook a finance bureau files (XLSX)."""
    from .exports import write_evaluations_xlsx

    return write_evaluations_xlsx(run.scored, out, settings)


def write_json_array(items: Iterable[Any], out: TextIO) -> int:
    """Items (``classified`` tables …) as a JSON array written item by item."""
    from .exports.json import write_json_array as _write

    return _write(items, out)


@contextlib.contextmanager
def output_file(path: str, *, binary: bool, newline: str | None = None) -> Iterator[IO[Any]]:
    """A file to write an output through: a temporary file in the same folder, renamed over
    ``path`` when complete and removed on failure (:mod:`jixiao.exports.files`)."""
    from .exports.files import output_file as _output_file

    with _output_file(path, binary=binary, newline=newline) as f:
        yield f
