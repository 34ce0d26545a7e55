"""Use cases: one function per thing a person does with jixiao, under every face.

The command line (``cli/``), the web application and the API are thin adapters over
these functions: each takes plain arguments and returns data (models, reports,
findings), never prints and never exits. Errors are :class:`~jixiao.errors.JixiaoError`
objects until a face turns them into a line of text or a response.

    open_store / upgrade_database      the database, read-only unless a use case writes
    import_paths / import_upload       documents → tables (files and folders; bytes + name)
    select_tables / find_project       the stored tables: query, page, one project
    tables_from                        stored tables, or tables read from files directly
    review / fails / classify          findings (审核意见) and levels (指标分类)
    write_template                     the workbooks departments fill (自评表, 监控表)
    evaluate / monitor                 filled workbooks scored against the stored tables
    list_evaluations / show_evaluation stored self-evaluations
    export_tables / export_findings    every output, in every format
    output_file                        an output file written whole or not at all
"""

from __future__ import annotations

import contextlib
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
from .rules import Finding, Severity, check
from .scoring.published import DepartmentSummary as DepartmentSummary
from .scoring.published import by_department, compare
from .scoring.settings import ScoringSettings
from .store import Store, TableSummary, display_url
from .store.evaluations import (
    EvaluationRecord,
    evaluation_scores,
    list_evaluations_in,
    save_evaluation,
)

__all__ = [
    "FileOutcome", "ImportInterrupted", "ImportReport", "Store", "StoredEvaluation", "TableSet",
    "classify",
    "documents_in", "evaluate", "export_evaluations", "export_findings", "export_tables",
    "fails", "find_project",
    "import_paths", "import_upload", "list_evaluations", "monitor", "open_store", "output_file",
    "review", "import_uploads", "save_upload", "source_file", "documents_dir",
    "MAX_UPLOAD_BYTES", "table_by_id", "filings_of", "table_review", "worst_findings",
    "correct_levels", "overview", "Overview", "LEVELS",
    "select_tables", "show_evaluation", "tables_from", "upgrade_database", "version", "where",
    "write_template",
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


MAX_UPLOAD_BYTES = MAX_FILE_BYTES


def import_upload(
    store: Store, name: str, stream: IO[bytes], *, limit: int = MAX_FILE_BYTES
) -> ImportReport:
    """Import one uploaded document (its bytes and the name it was uploaded under).

    The upload is copied to a private temporary file in chunks, and refused as soon
    as it passes ``limit``: a large upload is never held in memory whole. A document
    that gives tables is kept (by content) beside the database, so that the page of a
    table can offer its source for download.
    """
    name = os.path.basename(name.replace("\\", "/")) or "upload"
    suffix = os.path.splitext(name)[1].lower()
    report = ImportReport()
    with tempfile.TemporaryDirectory(prefix="jixiao-up-") as tmp:
        path = os.path.join(tmp, "upload" + suffix)
        try:
            save_upload(stream, path, limit=limit)
        except UnreadableFile as err:
            refusal = Finding.of_input_error(err.located(file=name))
            report.files.append(FileOutcome(name, name, "refused", 0, [refusal]))
            return report
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
        outcome = store_parsed(parsed, store)
        if parsed.tables:
            _keep_document(store, path, parsed.sha256, suffix)
        report.files.append(outcome)
    return report


def import_uploads(store: Store, uploads: Sequence[tuple[str, IO[bytes]]]) -> ImportReport:
    """Many uploads in one batch, each on its own: a bad one costs itself alone."""
    report = ImportReport()
    for name, stream in uploads:
        report.files.extend(import_upload(store, name, stream).files)
    return report


def save_upload(stream: IO[bytes], path: str, *, limit: int = MAX_FILE_BYTES) -> int:
    """Copy an upload to ``path`` in chunks; refused (and removed) once it passes ``limit``."""
    size = 0
    with open(path, "wb") as f:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                f.close()
                os.unlink(path)
                size_text = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit} 字节"
                raise UnreadableFile(f"文件过大（超过 {size_text}），未导入")
            f.write(chunk)
    return size


def documents_dir(store: Store) -> str:
    """Where uploaded documents are kept, by content: ``JIXIAO_FILES``, else beside a SQLite
    database (``jixiao.db.files``), else ``./jixiao-files``."""
    env = os.environ.get("JIXIAO_FILES")
    if env:
        return env
    if store.url.startswith("sqlite:///") and store.url != "sqlite:///:memory:":
        return store.url[len("sqlite:///") :] + ".files"
    return "jixiao-files"


def _keep_document(store: Store, path: str, sha256: str, suffix: str) -> None:
    import shutil

    folder = os.path.join(documents_dir(store), sha256[:2])
    target = os.path.join(folder, sha256 + suffix)
    if not os.path.exists(target):
        os.makedirs(folder, exist_ok=True)
        shutil.copyfile(path, target)


def source_file(store: Store, table: TargetTable) -> str | None:
    """The document a table was read from, if it is still to be had: the file imported
    from this machine (unchanged), or the kept copy of an upload."""
    src = table.source
    doc = store.document(path=src.path) if src is not None and src.path else None
    if doc is None:
        return None
    if not doc.path.startswith("upload:") and os.path.isfile(doc.path):
        return doc.path
    kept = os.path.join(documents_dir(store), doc.sha256[:2],
                        doc.sha256 + os.path.splitext(doc.name)[1].lower())  # fmt: skip
    return kept if os.path.isfile(kept) else None


# -- tables ---------------------------------------------------------------------------


def select_tables(store: Store, query: TableQuery) -> Page[TableSummary]:
    """A page of table summaries and how many the query selects in all."""
    items = store.summaries(query)
    # The page itself tells the total when it is the last one; else one COUNT query.
    last_page = (query.limit is None or len(items) < query.limit) and (items or not query.offset)
    total = len(items) + query.offset if last_page else store.count_selected(query)
    return Page[TableSummary](items=items, total=total, offset=query.offset, limit=query.limit)


def find_project(store: Store, project: str) -> list[TargetTable]:
    """Every filing of a project: its exact name first, else every name containing it."""
    exact = list(store.tables(project=project, exact=True))
    return exact or list(store.tables(project=project))


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
    """Stored tables (of a department), or tables read from files given directly."""
    if files:
        tables: list[TargetTable] = []
        errors: list[InputError] = []
        for item in read_paths(files):
            (tables if isinstance(item, TargetTable) else errors).append(item)  # type: ignore[arg-type]
        return TableSet(tables, errors)
    store = store_or_db if isinstance(store_or_db, Store) else open_store(store_or_db)
    if department:
        ids = [s.id for s in store.summaries(TableQuery(department=department))]
        return TableSet(list(store.tables(ids=ids)) if ids else [], [])
    return TableSet(list(store.tables()), [])


# -- one table, for the pages and the API ---------------------------------------------


def table_by_id(store: Store, table_id: int) -> TargetTable | None:
    """One stored table by its number, with reviewers' corrections; None if there is none."""
    return next(iter(store.tables(ids=[table_id])), None)


def filings_of(store: Store, table: TargetTable, limit: int = 50) -> Page[TableSummary]:
    """Every filing of the same project (other files, other years), by its exact name."""
    return select_tables(store, TableQuery(project=table.project, exact_project=True,
                                           sort="year", limit=limit))  # fmt: skip


def table_review(store: Store, table: TargetTable, config: Any = None) -> list[Finding]:
    """A table's findings, duplicate filings judged against the same project's filings.

    The one cross-table rule (``duplicates.project``) reports a table against the first
    filing before it with the same project, department and year, so only that filing is
    read whole — not every filing of the project, which may be thousands.
    """
    import re

    def norm(text: str | None) -> str:  # as duplicates.project compares them
        return re.sub(r"\s+", "", text or "")

    src = table.source
    here = (src.path, src.index) if src is not None else None
    key = (norm(table.department), table.year)
    first = None
    for tid, department, year, path, idx in store.project_filings(table.project):
        if (path, idx) == here:
            break
        if (norm(department), year) == key:
            first = tid
            break
    same = list(store.tables(ids=[first])) if first is not None else []
    same.append(table)
    return [f for f in check(same, config) if _is_of(f, table)]


def worst_findings(tables: Sequence[TargetTable], config: Any = None) -> list[Finding | None]:
    """The worst finding of each table by its own rules (a listing's column), as reviewing
    each alone would give: one review of them all, cross-table findings left out."""
    from collections import Counter

    from .rules import REGISTRY

    def where(t: TargetTable) -> tuple[str, int] | None:
        return (t.source.file, t.source.index) if t.source is not None else None

    seen = Counter(where(t) for t in tables)
    # Findings are told apart by their table's file and number; a table without one, or
    # sharing it with another on the page, is reviewed alone.
    together = [t for t in tables if where(t) is not None and seen[where(t)] == 1]
    own: dict[tuple[str, int] | None, list[Finding]] = {}
    for f in check(together, config):
        rule = REGISTRY.get(f.code)
        if rule is None or rule.cross is None:
            own.setdefault((f.location.file or "", f.location.table or 0), []).append(f)
    out: list[Finding | None] = []
    for t in tables:
        k = where(t)
        found = own.get(k, []) if k is not None and seen[k] == 1 else check([t], config)
        out.append(max(found, key=lambda f: f.severity.rank) if found else None)
    return out


def _same_source(a: TargetTable, b: TargetTable) -> bool:
    sa, sb = a.source, b.source
    return sa is not None and sb is not None and (sa.file, sa.index) == (sb.file, sb.index)


def _is_of(f: Finding, t: TargetTable) -> bool:
    src = t.source
    if src is None:
        return f.project == t.project
    return f.location.file == src.file and f.location.table == src.index


LEVELS: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}


def correct_levels(
    store: Store, table_id: int, position: int, level1: str, level2: str
) -> TargetTable:
    """A reviewer's 一级/二级指标 for one indicator (审核人更正): stored, kept across
    re-imports, and used by the review and the self-evaluation from then on."""
    from .errors import JixiaoError

    if level2 not in LEVELS.get(level1, ()):
        raise JixiaoError(f"“{level1} / {level2}”不是指标体系中的一级/二级指标")
    table = table_by_id(store, table_id)
    if table is None:
        raise JixiaoError(f"没有编号为 {table_id} 的目标表")
    if not 0 <= position < len(table.indicators):
        raise JixiaoError(f"目标表 {table_id} 没有第 {position + 1} 项指标")
    store.correct_levels(table, table.indicators[position].name, level1, level2)
    corrected = table_by_id(store, table_id)
    assert corrected is not None
    return corrected


@dataclass(slots=True)
class Overview:
    """总览 of a year: tables and funds by department, findings by rule and severity,
    stored self-evaluations by grade."""

    year: int | None
    years: list[int]
    departments: list[tuple[str, int, float]]  # (department, tables, funds in 万元)
    findings: list[tuple[str, str, int]]  # (rule code, severity, count), most first
    severities: dict[str, int]
    grades: dict[str, int]
    tables: int


def overview(store: Store, year: int | None = None, config: Any = None) -> Overview:
    """The numbers of the overview page; findings are counted table by table, streamed."""
    from collections import Counter

    from .values import convert_amount

    depts: dict[str, list[float]] = {}
    for d in store.by_department(year):
        acc = depts.setdefault(d.department, [0, 0.0])
        acc[0] += d.tables
        acc[1] += convert_amount(d.funds, d.unit or "万元", "万元")
    by_rule: Counter[tuple[str, str]] = Counter()
    severities: Counter[str] = Counter()
    ids = [s.id for s in store.summaries(TableQuery(year=year))] if year else None
    n = 0
    for t in store.tables(ids=ids) if ids is None or ids else ():
        n += 1
        for f in check([t], config):
            by_rule[(f.code, f.severity.value)] += 1
            severities[f.severity.value] += 1
    return Overview(
        year=year,
        years=store.years(),
        departments=sorted(
            ((d, int(v[0]), round(v[1], 2)) for d, v in depts.items()), key=lambda x: (-x[1], x[0])
        ),  # fmt: skip
        findings=[(c, s, k) for (c, s), k in by_rule.most_common()],
        severities=dict(severities),
        grades=store.grades(year),
        tables=n,
    )


# -- review ---------------------------------------------------------------------------


def review(tables: Sequence[TargetTable], config: Any = None) -> list[Finding]:
    """The reviewer's findings on the tables (evaluation.md §2), with ``[rules]`` settings."""
    return check(tables, config)


def published_summary(tables: Iterable[TargetTable], config: Any = None) -> list[DepartmentSummary]:
    """Published self-evaluations re-scored (evaluation.md §6), summed per department."""
    settings = ScoringSettings.from_config(config) if isinstance(config, Config) else None
    got = (compare(t, settings) for t in tables)
    return by_department(c for c in got if c is not None)


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
    from .classify import classify_table

    out = []
    for t in tables:
        src = t.source
        out.append({
            "project": t.project,
            "source": {"file": src.file, "index": src.index} if src else None,
            "indicators": [{"name": i.name, **c.to_json()}
                           for i, c in zip(t.indicators, classify_table(t), strict=True)],
        })  # fmt: skip
    return out


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

    tables = tables_from(store, department=department).tables
    if not tables:
        where = f"主管部门含“{department}”的" if department else ""
        raise StoreError(f"库中没有{where}绩效目标表（先用 jixiao import 导入）")
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

    q = query or TableQuery()
    if q == TableQuery():
        tables: Iterable[TargetTable] = store.tables()
    else:
        tables = store.tables(ids=[s.id for s in store.summaries(q)])
    if fmt == "xlsx":
        return write_xlsx(tables, out)  # type: ignore[arg-type]
    writer = write_json if fmt == "json" else write_csv
    return writer(tables, out)  # type: ignore[arg-type]


def export_findings(
    findings: Sequence[Finding], fmt: FindingFormat, out: TextIO | IO[bytes] | str
) -> int:
    """Findings as JSON (their one shape), CSV or XLSX."""
    from .exports.findings import write_findings_csv, write_findings_json, write_findings_xlsx

    if fmt == "xlsx":
        write_findings_xlsx(findings, out)  # type: ignore[arg-type]
        return len(findings)
    if fmt == "csv":
        return write_findings_csv(findings, out)  # type: ignore[arg-type]
    return write_findings_json(findings, out)  # type: ignore[arg-type]


def export_evaluations(run: Any, out: IO[bytes] | str, settings: Any = None) -> int:
    """The scored self-evaluations as the workbook a finance bureau files (XLSX)."""
    from .exports import write_evaluations_xlsx

    return write_evaluations_xlsx(run.scored, out, settings)


@contextlib.contextmanager
def output_file(path: str, *, binary: bool, newline: str | None = None) -> Iterator[IO[Any]]:
    """A file to write an output through: a temporary file in the same folder, renamed over
    ``path`` when complete and removed on failure (:mod:`jixiao.exports.files`)."""
    from .exports.files import output_file as _output_file

    with _output_file(path, binary=binary, newline=newline) as f:
        yield f
