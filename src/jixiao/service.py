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
    audit_record / audit_entries       the audit trail (审计记录): append, read,
    audit_verify / export_audit        check the hash chain, export
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
from datetime import datetime
from typing import IO, Any, Literal, TextIO

from .config import Config
from .errors import InputError, StoreError, UnreadableFile
from .findings import Location
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
from .store import AuditEntry, AuditReport, Store, TableSummary, display_url
from .store.evaluations import (
    EvaluationRecord,
    evaluation_scores,
    list_evaluations_in,
    save_evaluations,
)

__all__ = [
    "AuditEntry", "AuditReport", "audit_entries", "audit_record", "audit_verify", "export_audit",
    "record_export",
    "FileOutcome", "ImportInterrupted", "ImportReport", "Store", "StoredEvaluation", "TableSet",
    "classify",
    "documents_in", "evaluate", "export_evaluations", "export_findings", "export_tables",
    "fails", "find_project",
    "import_paths", "import_upload", "list_evaluations", "monitor", "open_store", "output_file",
    "review", "add_user", "assign_departments", "first_admin", "set_password", "disable_user",
    "list_users", "api_tokens", "revoke_api_token",
    "sign_in", "sign_out", "viewer_of", "new_api_token", "audit", "visible_query", "may_see",
    "status_of", "step", "mark_finding", "versions", "version_ids", "must_change_password",
    "import_uploads",
    "save_upload", "source_file", "documents_dir", "evaluate_for", "evaluation_step",
    "MAX_UPLOAD_BYTES", "table_by_id", "filings_of", "table_review", "worst_findings",
    "correct_levels", "overview",
    "Overview", "LEVELS",
    "select_tables", "show_evaluation", "tables_from", "upgrade_database", "version", "where",
    "write_template",
    "ProjectFilings", "PublishedTally", "TableSummary", "classified", "listing", "reviewed",
    "stored_tables", "write_json_array",
]  # fmt: skip

TableFormat = Literal["json", "csv", "xlsx"]
AuditFormat = Literal["json", "csv", "xlsx"]
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
    actor: str | None = None,
) -> ImportReport:
    """Import files and folders; a bad file is reported and the batch goes on.

    Each file stored is one audit entry by ``actor`` (None: the system), written in the
    file's own transaction. Ctrl-C raises :class:`ImportInterrupted` carrying the report
    of what was stored.
    """
    return _import_paths(
        paths, store, workers=workers, progress=progress, reading=reading, actor=actor
    )


MAX_UPLOAD_BYTES = MAX_FILE_BYTES


def import_upload(
    store: Store,
    name: str,
    stream: IO[bytes],
    *,
    limit: int = MAX_FILE_BYTES,
    department: str | None = None,
    actor: str | None = None,
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
        if department is not None:
            _only_own(parsed, name, department)
        outcome = store_parsed(parsed, store, actor=actor)
        if parsed.tables:
            _keep_document(store, path, parsed.sha256, suffix)
        report.files.append(outcome)
    return report


def import_uploads(
    store: Store, uploads: Sequence[tuple[str, IO[bytes]]], *, department: str | None = None,
    actor: str | None = None,
) -> ImportReport:  # fmt: skip
    """Many uploads in one batch, each on its own: a bad one costs itself alone. With a
    ``department``, only that department's tables are taken (a 部门填报 user's upload)."""
    report = ImportReport()
    for name, stream in uploads:
        got = import_upload(store, name, stream, department=department, actor=actor)
        report.files.extend(got.files)
    return report


def _only_own(parsed: Any, name: str, department: str) -> None:
    """Tables of another department are refused by name, the rest of the file kept."""
    kept = []
    for t in parsed.tables:
        if (t.department or "") == department:
            kept.append(t)
            continue
        where = Location(file=name, table=t.source.index if t.source else None)
        parsed.findings.append(Finding(
            "import.department", Severity.ERROR, where, t.project,
            f"表中主管部门“{t.department or '（空）'}”不是你的部门“{department}”，此表未导入",
        ))  # fmt: skip
    if len(kept) < len(parsed.tables):
        parsed.tables = kept
        parsed.fatal = parsed.fatal or not kept


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
    store: Store,
    table_id: int,
    position: int,
    level1: str,
    level2: str,
    *,
    actor: str | None = None,
) -> TargetTable:
    """A reviewer's 一级/二级指标 for one indicator (审核人更正): stored, kept across
    re-imports, and used by the review and the self-evaluation from then on. The
    correction is an audit entry ("correct-level", ``table:<id>``, the levels before and
    after) committed with it."""
    from .errors import JixiaoError
    from .store import AuditNote

    if level2 not in LEVELS.get(level1, ()):
        raise JixiaoError(f"“{level1} / {level2}”不是指标体系中的一级/二级指标")
    table = table_by_id(store, table_id)
    if table is None:
        raise JixiaoError(f"没有编号为 {table_id} 的目标表")
    if not 0 <= position < len(table.indicators):
        raise JixiaoError(f"目标表 {table_id} 没有第 {position + 1} 项指标")
    ind = table.indicators[position]
    note = AuditNote(
        actor, "correct-level", f"table:{table_id}",
        before={"indicator": ind.name, "position": position, "level1": ind.level1,
                "level2": ind.level2},
        after={"indicator": ind.name, "position": position, "level1": level1, "level2": level2},
        detail=ind.name,
    )  # fmt: skip
    store.correct_levels(table, ind.name, level1, level2, audit=note)
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


def overview(
    store: Store, year: int | None = None, config: Any = None,
    departments: tuple[str, ...] | None = None,
) -> Overview:  # fmt: skip
    """The numbers of the overview page (of these departments only, when given); findings
    are counted table by table, streamed."""
    from collections import Counter

    from .values import convert_amount

    depts: dict[str, list[float]] = {}
    for d in store.by_department(year, departments):
        acc = depts.setdefault(d.department, [0, 0.0])
        acc[0] += d.tables
        acc[1] += convert_amount(d.funds, d.unit or "万元", "万元")
    by_rule: Counter[tuple[str, str]] = Counter()
    severities: Counter[str] = Counter()
    scoped = year is not None or departments is not None
    q = TableQuery(year=year, departments=departments)
    ids = [s.id for s in store.summaries(q)] if scoped else None
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
        grades=store.grades(year, departments),
        tables=n,
    )


# -- accounts and sign-in -------------------------------------------------------------

SESSION_HOURS = 8
#: Failed sign-ins allowed in :data:`LOCKOUT_MINUTES` for one user name, and from one address.
MAX_FAILURES_NAME, MAX_FAILURES_ADDRESS, LOCKOUT_MINUTES = 5, 20, 15


def add_user(
    store: Store, name: str, role: str, *, department: str | None = None,
    departments: Sequence[str] = (), password: str | None = None, actor: str | None = None,
) -> str | None:  # fmt: skip
    """A new user; returns the one-time password when none was given (shown once)."""
    from .accounts import ROLES, hash_password, new_secret, weak_password
    from .errors import JixiaoError

    if role not in ROLES:
        raise JixiaoError(f"角色应为 {'、'.join(ROLES)} 之一")
    if role == "department" and not department:
        raise JixiaoError("部门填报用户须指定所属部门（--department）")
    if not name or len(name) > 64 or not name.isprintable():
        raise JixiaoError("用户名应为 1–64 个可见字符")
    once = None
    if password is None:
        once = password = new_secret()[:16]
    elif (why := weak_password(password)) is not None:
        raise JixiaoError(why)
    store.add_user(name, role, hash_password(password), department=department,
                   departments=tuple(departments), must_change=once is not None)  # fmt: skip
    after = {"role": role, "department": department, "departments": list(departments)}
    audit(store, actor, "user-add", f"user:{name}", after=after)
    return once


def first_admin(store: Store) -> str | None:
    """At setup: an administrator ``admin`` with a one-time password, if there is no user yet."""
    if store.user_count():
        return None
    return add_user(store, "admin", "admin")


def set_password(store: Store, name: str, password: str, actor: str | None = None) -> None:
    from .accounts import hash_password, weak_password
    from .errors import JixiaoError

    if (why := weak_password(password)) is not None:
        raise JixiaoError(why)
    store.set_password(name, hash_password(password))
    audit(store, actor or name, "password", f"user:{name}")


def assign_departments(
    store: Store, name: str, departments: Sequence[str], actor: str | None = None
) -> None:
    """The department a 部门填报 user files for (one), or those a 财政审核 reviews (any)."""
    from .errors import JixiaoError

    user = store.user(name)
    if user is None:
        raise JixiaoError(f"没有用户“{name}”")
    wanted = tuple(dict.fromkeys(d.strip() for d in departments if d.strip()))
    if user.role == "department":
        if len(wanted) != 1:
            raise JixiaoError("部门填报用户须有且只有一个部门")
        store.set_departments(name, department=wanted[0], departments=())
    elif user.role == "reviewer":
        store.set_departments(name, department=None, departments=wanted)
    else:
        raise JixiaoError("管理员看所有部门，无须指定")
    before = {"department": user.department, "departments": list(user.departments)}
    audit(store, actor, "user-departments", f"user:{name}", before=before,
          after={"departments": list(wanted)})  # fmt: skip


def disable_user(store: Store, name: str, actor: str | None = None) -> None:
    store.set_disabled(name, True)
    audit(store, actor, "user-disable", f"user:{name}")


def list_users(store: Store) -> list[Any]:
    return store.users()


def sign_in(store: Store, name: str, password: str, address: str) -> str:
    """A new session for a user whose password matches; its cookie value (kept hashed).

    Refused, with the same words whether the name exists or not, after too many failures
    for the name or from the address in the last :data:`LOCKOUT_MINUTES` minutes.
    """
    from datetime import UTC, datetime, timedelta

    from .accounts import new_secret, password_matches, secret_hash
    from .errors import JixiaoError

    since = datetime.now(UTC) - timedelta(minutes=LOCKOUT_MINUTES)
    if (store.failures_since(name, "", since) >= MAX_FAILURES_NAME
            or store.failures_since("", address, since) >= MAX_FAILURES_ADDRESS):  # fmt: skip
        audit(store, None, "sign-in-refused", f"user:{name}", detail=address)
        raise JixiaoError(f"登录失败次数过多，请 {LOCKOUT_MINUTES} 分钟后再试")
    stored = store.password_hash(name)
    if stored is None or not password_matches(stored, password):
        store.note_failure(name, address)
        audit(store, None, "sign-in-failed", f"user:{name}", detail=address)
        raise JixiaoError("用户名或密码不对")
    token = new_secret()
    store.open_session(name, secret_hash(token), timedelta(hours=SESSION_HOURS))
    audit(store, name, "sign-in", f"user:{name}", detail=address)
    return token


def sign_out(store: Store, token: str) -> None:
    from .accounts import secret_hash

    user = store.session_user(secret_hash(token))
    store.close_session(secret_hash(token))
    if user is not None:
        audit(store, user.name, "sign-out", f"user:{user.name}")


def viewer_of(store: Store, *, session: str | None = None, token: str | None = None) -> Any:
    """Who a request is from: a session cookie, an API token, else the public."""
    from .accounts import PUBLIC, secret_hash

    user = None
    if session:
        user = store.session_user(secret_hash(session))
    if user is None and token:
        user = store.token_user(secret_hash(token))
    return PUBLIC if user is None else user.viewer()


def must_change_password(store: Store, name: str) -> bool:
    u = store.user(name)
    return bool(u and u.must_change)


def new_api_token(store: Store, name: str, label: str) -> str:
    """An API token for a user's scripts: shown once, kept hashed, revocable."""
    from .accounts import new_secret, secret_hash

    token = new_secret()
    store.add_token(name, label, secret_hash(token))
    audit(store, name, "token-add", f"user:{name}", detail=label)
    return token


def api_tokens(store: Store, name: str) -> list[tuple[int, str, Any, Any]]:
    """A user's API tokens (number, label, made, revoked), never the tokens themselves."""
    return store.tokens(name)


def revoke_api_token(store: Store, name: str, token_id: int, actor: str | None = None) -> None:
    """Revoke one of a user's API tokens: scripts using it are refused from then on."""
    store.revoke_token(name, token_id)
    audit(store, actor or name, "token-revoke", f"user:{name}", detail=str(token_id))


def audit(
    store: Store, actor: str | None, action: str, subject: str | None = None, *,
    before: Any = None, after: Any = None, detail: str | None = None,
) -> None:  # fmt: skip
    """One entry of the audit trail (审计记录) for a step someone took."""
    store.record(actor=actor, action=action, subject=subject, before=before, after=after,
                 detail=detail)  # fmt: skip


# -- the workflow ----------------------------------------------------------------------


def visible_query(viewer: Any, query: TableQuery) -> TableQuery:
    """The query narrowed to what this viewer may see."""
    if viewer.public:
        return query.model_copy(update={"published_only": True})
    scope = viewer.scope()
    return query if scope is None else query.model_copy(update={"departments": tuple(scope)})


def may_see(store: Store, viewer: Any, table: TargetTable, table_id: int | None = None) -> bool:
    """Whether a viewer may see this table: the public only the newest version of a
    published filing (``table_id`` says which version this is)."""
    from .store.workflow import PUBLISHED, key_of

    if viewer.public:
        if store.statuses([key_of(table)])[key_of(table)] != PUBLISHED:
            return False
        return table_id is None or max(version_ids(store, table), default=table_id) == table_id
    return bool(viewer.sees(table.department))


def status_of(store: Store, table: TargetTable) -> str:
    from .store.workflow import key_of

    return store.statuses([key_of(table)])[key_of(table)]


_STEPS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # action: (from statuses, to status, who: "files" | "reviews")
    "submit": (("草稿", "已退回"), "已提交", "files"),
    "return": (("已提交",), "已退回", "reviews"),
    "approve": (("已提交",), "已批准", "reviews"),
    "publish": (("已批准",), "已公开", "reviews"),
}


_STEP_WORDS = {"submit": "提交", "return": "退回", "approve": "批准", "publish": "公开"}


def step(
    store: Store,
    viewer: Any,
    table_id: int,
    action: str,
    comments: Sequence[tuple[str | None, str]] = (),
) -> str:
    """Move a table's filing one step (提交, 退回 with comments, 批准, 公开); its new status."""
    from .errors import JixiaoError
    from .store.workflow import key_of

    table = table_by_id(store, table_id)
    if table is None or not may_see(store, viewer, table, table_id):
        raise JixiaoError(f"没有编号为 {table_id} 的目标表")
    if action not in _STEPS:
        raise JixiaoError(f"没有“{action}”这一步")
    sources, target, who = _STEPS[action]
    allowed = (
        viewer.files_for(table.department) if who == "files" else viewer.reviews(table.department)
    )
    if not allowed:
        raise JixiaoError("没有权限做这一步")
    now = status_of(store, table)
    if now not in sources:
        raise JixiaoError(f"目标表现为“{now}”，不能{_STEP_WORDS[action]}")
    if action == "return" and not any(text.strip() for _, text in comments):
        raise JixiaoError("退回时请写明意见")
    fid = store.set_status(key_of(table), target, viewer.name)
    for field, text in comments:
        if text.strip():
            store.add_comment(fid, field, text.strip(), viewer.name)
    audit(store, viewer.name, action, f"table:{table_id}", before={"status": now},
          after={"status": target, "comments": [c for _, c in comments if c.strip()]})  # fmt: skip
    return target


def mark_finding(
    store: Store, viewer: Any, table_id: int, code: str, field: str | None, mark: str,
    reason: str | None,
) -> None:  # fmt: skip
    """A reviewer's 采纳 (the department must fix it) or 不采纳 (with a reason)."""
    from .errors import JixiaoError
    from .store.workflow import key_of

    table = table_by_id(store, table_id)
    if table is None or not viewer.reviews(table.department):
        raise JixiaoError("没有权限标注这条审核意见")
    if mark not in ("采纳", "不采纳"):
        raise JixiaoError("标注应为 采纳 或 不采纳")
    if mark == "不采纳" and not (reason or "").strip():
        raise JixiaoError("不采纳须写明理由")
    fid = store.filing_id(key_of(table)) or store.set_status(
        key_of(table), status_of(store, table), viewer.name
    )
    store.mark_finding(fid, code, field, mark, (reason or "").strip() or None, viewer.name)
    audit(store, viewer.name, "mark-finding", f"table:{table_id}",
          after={"code": code, "field": field, "mark": mark, "reason": reason})  # fmt: skip


def version_ids(store: Store, table: TargetTable) -> list[int]:
    """The numbers of every stored version of a table's filing (same department, project,
    year), oldest first — from the project's index, no table read whole."""
    dept, year = table.department or "", table.year
    same = [tid for tid, d, y, _, _ in store.project_filings(table.project)
            if (d or "") == dept and y == year]  # fmt: skip
    return sorted(same)


def versions(store: Store, table: TargetTable) -> list[tuple[int, TargetTable]]:
    """Every stored version of a table's filing, oldest first, read whole."""
    found = store.tables_by_id(version_ids(store, table))
    return sorted(found.items())


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
        save_evaluations(store, [_evaluation_rows(s.evaluation, s.table) for s in run.scored])
    return run


def evaluate_for(store: Store, viewer: Any, files: Sequence[str], settings: Any) -> Any:
    """Score returns and store those the viewer may file (a department's own projects): each
    stored one is 已提交, for its reviewer to 复核 and 确认."""
    run = evaluate(store, files, settings, save=False)
    kept = []
    for s in run.scored:
        if viewer.files_for(s.table.department):
            (eid,) = save_evaluations(store, [_evaluation_rows(s.evaluation, s.table)])
            store.set_evaluation_status(eid, "已提交", viewer.name)
            audit(store, viewer.name, "selfeval-submit", f"evaluation:{eid}",
                  after={"project": s.table.project, "total": s.evaluation.total,
                         "grade": s.evaluation.grade})  # fmt: skip
            kept.append(s)
        else:
            where = Location(file=s.evaluation.project)
            refusal = "不是你部门的项目，自评未保存"
            run.problems.append(
                Finding("selfeval.not-yours", Severity.ERROR, where, s.table.project, refusal)
            )
    run.scored = kept
    return run


_EVAL_STEPS = {"review": ("已提交", "已复核"), "confirm": ("已复核", "已确认")}


def evaluation_step(store: Store, viewer: Any, evaluation_id: int, action: str) -> str:
    """A reviewer's 复核 (review) or 确认 (confirm) of a stored self-evaluation."""
    from .errors import JixiaoError

    record = next((r for r in list_evaluations(store) if r.id == evaluation_id), None)
    if record is None or not viewer.reviews(record.department):
        raise JixiaoError("没有权限复核这份自评")
    if action not in _EVAL_STEPS:
        raise JixiaoError(f"没有“{action}”这一步")
    want, to = _EVAL_STEPS[action]
    now = store.evaluation_status(evaluation_id) or "已提交"
    if now != want:
        raise JixiaoError(f"这份自评现为“{now}”，不能{'复核' if action == 'review' else '确认'}")
    store.set_evaluation_status(evaluation_id, to, viewer.name)
    audit(store, viewer.name, f"selfeval-{action}", f"evaluation:{evaluation_id}",
          before={"status": now}, after={"status": to})  # fmt: skip
    return to


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
    store: Store,
    fmt: TableFormat,
    out: TextIO | IO[bytes] | str,
    query: TableQuery | None = None,
) -> int:
    """Stored tables as JSON (interchange form), CSV or XLSX; returns the rows written.
    Once the output is complete, :func:`record_export` makes it an audit entry."""
    from .exports import write_csv, write_json, write_xlsx

    tables = stored_tables(store, query)
    if fmt == "xlsx":
        n = write_xlsx(tables, out)  # type: ignore[arg-type]
    else:
        writer = write_json if fmt == "json" else write_csv
        n = writer(tables, out)  # type: ignore[arg-type]
    return n


def record_export(
    store: Store,
    *,
    what: str,
    fmt: str,
    query: TableQuery | dict[str, Any] | None,
    rows: int,
    by: str | None = None,
) -> int:
    """A completed export as an audit entry ("export", subject ``what``: "tables",
    "findings", "audit" …): its format and query in ``detail``, the rows in ``after``."""
    from .store.audit import canonical

    asked = query.model_dump(exclude_defaults=True) if isinstance(query, TableQuery) else query
    asked = {k: v for k, v in (asked or {}).items() if v is not None}
    detail = f"{fmt} {canonical(asked)}" if asked else fmt
    after = {"format": fmt, "query": asked, "rows": rows}
    return store.record(actor=by, action="export", subject=what, after=after, detail=detail)


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


# -- the audit trail ------------------------------------------------------------------


def audit_record(
    store: Store,
    *,
    actor: str | None,
    action: str,
    subject: str | None = None,
    before: Any = None,
    after: Any = None,
    detail: str | None = None,
) -> int:
    """Append one entry to the audit trail on its own (an action that changes the store
    writes its entry in its own transaction instead: ``audit=AuditNote(...)``)."""
    return store.record(
        actor=actor, action=action, subject=subject, before=before, after=after, detail=detail
    )


def audit_entries(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[AuditEntry]:
    """Entries of the audit trail, oldest first unless ``newest_first``; filters are exact
    (actor, action, subject) and ``since`` ≤ time < ``until``."""
    return store.audit_entries(
        actor=actor, action=action, subject=subject, since=since, until=until,
        limit=limit, offset=offset, newest_first=newest_first,
    )  # fmt: skip


def audit_verify(db: Store | str | None, *, known_hash: str | None = None) -> AuditReport:
    """Check the audit trail's hash chain (``jixiao audit verify``): ok with the count and
    the last hash, or the first broken entry and why. ``known_hash``, a last hash written
    down earlier, must still be in the chain (deleting the newest entries shows then)."""
    if isinstance(db, Store):
        return db.verify_audit(known_hash=known_hash)
    with open_store(db) as store:
        return store.verify_audit(known_hash=known_hash)


def export_audit(
    store: Store,
    fmt: AuditFormat,
    out: TextIO | IO[bytes] | str,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """The audit trail (oldest first, streamed) as CSV, JSON or XLSX; returns the entries
    written (:func:`record_export` then makes the export itself an entry)."""
    from .exports.audit import write_audit_csv, write_audit_json, write_audit_xlsx

    entries = store.iter_audit_entries(
        actor=actor, action=action, subject=subject, since=since, until=until
    )
    if fmt == "xlsx":
        n = write_audit_xlsx(entries, out)  # type: ignore[arg-type]
    elif fmt == "csv":
        n = write_audit_csv(entries, out)  # type: ignore[arg-type]
    else:
        n = write_audit_json(entries, out)  # type: ignore[arg-type]
    return n
