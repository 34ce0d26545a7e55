"""Paths → readers → forms → store, in one readable function.

:func:`import_paths` walks files and folders, reads each file into tables and
stores them, one transaction per file. A batch goes on past a bad file: the
file is reported (:class:`FileOutcome` with its errors) and everything else is
imported — a file the database would not take (a lock waited on too long, a full
disk, any database error) costs that file alone. Re-importing an unchanged file
changes nothing; a changed file replaces what that file held before. A document is
known by its content: the same content under a new path, the old one gone, is a
renamed or moved file, and the store follows it there.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from .errors import InputError, StoreError, UnreadableFile
from .findings import Finding, Location, Severity
from .forms import read_tables
from .model import TargetTable
from .readers import READERS, read_document
from .readers.safety import check_size
from .store import Store, overlong


@dataclass(slots=True)
class FileOutcome:
    """What happened to one file of a batch."""

    path: str
    name: str
    # "imported" | "replaced" | "unchanged" | "moved" (路径已更新) | "refused"
    # | "failed" (read, but the database did not take it)
    status: str
    tables: int = 0
    # Refusals (errors) and what a stored table held that no label placed (warnings).
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f.line() for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[str]:
        return [f.line() for f in self.findings if f.severity is not Severity.ERROR]


@dataclass(slots=True)
class ImportReport:
    """导入报告: the outcome of every file of a batch."""

    files: list[FileOutcome] = field(default_factory=list)

    @property
    def tables(self) -> int:
        return sum(f.tables for f in self.files if f.status in ("imported", "replaced"))

    @property
    def errors(self) -> list[str]:
        return [e for f in self.files for e in f.errors]

    @property
    def warnings(self) -> list[str]:
        return [w for f in self.files for w in f.warnings]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        return not self.errors


def find_files(paths: Iterable[str]) -> list[str]:
    """Files named directly are taken as they are; folders are walked for known suffixes."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith((".", "~$")) and os.path.splitext(f)[1].lower() in READERS:
                        out.append(os.path.join(root, f))
        else:
            out.append(p)
    return out


@dataclass(slots=True)
class ParsedFile:
    """A file read into tables, before it is stored (crosses process boundaries)."""

    path: str
    name: str
    format: str
    sha256: str
    size: int
    tables: list[TargetTable]
    findings: list[Finding]
    fatal: bool  # the file as a whole could not be read


def parse_file(path: str) -> ParsedFile:
    """Read one file into tables; errors are collected, never raised."""
    name = os.path.basename(path)
    apath = os.path.abspath(path)
    try:
        # The size is checked before a byte is read; the hash is taken in chunks.
        size = check_size(path, name)
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError as e:
        err = UnreadableFile(f"无法打开：{e.strerror}", file=name)
        return ParsedFile(apath, name, "", "", 0, [], [Finding.of_input_error(err)], True)
    except UnreadableFile as e:
        return ParsedFile(apath, name, "", "", 0, [], [Finding.of_input_error(e)], True)
    sha = digest.hexdigest()
    try:
        doc = read_document(path)
        tables: list[TargetTable] = []
        findings: list[Finding] = []
        for item in read_tables(doc):
            if isinstance(item, InputError):
                findings.append(Finding.of_input_error(item))
            else:
                tables.append(item)
    except InputError as e:
        refusal = Finding.of_input_error(e.located(file=name))
        return ParsedFile(apath, name, "", sha, size, [], [refusal], True)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
        # A reader library choked on a malformed file: still one line, never a traceback.
        bad = UnreadableFile(f"文件内容损坏或格式异常（{type(e).__name__}）", file=name)
        return ParsedFile(apath, name, "", sha, size, [], [Finding.of_input_error(bad)], True)
    for t in tables:
        src = t.source
        for w in t.warnings:
            where = Location(
                file=name, table=src.index if src else None, line=src.first_line if src else None
            )
            findings.append(Finding("import.unplaced", Severity.WARNING, where, t.project, w))
    return ParsedFile(apath, name, doc.format, sha, size, tables, findings, not tables)


def _parsed(files: list[str], workers: int) -> Iterator[ParsedFile]:
    if workers <= 1 or len(files) < 4:
        for f in files:
            yield parse_file(f)
        return
    # Parsing is CPU-bound and independent per file; storing stays in this process
    # so each file is still one transaction, in the order given.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(parse_file, files, chunksize=4)


def import_paths(
    paths: Iterable[str],
    store: Store,
    *,
    workers: int | None = None,
    progress: Callable[[FileOutcome], None] | None = None,
) -> ImportReport:
    """Import files and folders into the store; see the module docstring for the rules."""
    files = find_files(paths)
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    report = ImportReport()
    for parsed in _parsed(files, workers):
        outcome = store_parsed(parsed, store)
        report.files.append(outcome)
        if progress is not None:
            progress(outcome)
    return report


def store_parsed(p: ParsedFile, store: Store) -> FileOutcome:
    """Store one parsed file unless it is unchanged; a file with no readable table is
    refused; a file the database does not take fails alone (rolled back, one line)."""
    _refuse_overlong(p)
    if p.fatal:
        return FileOutcome(p.path, p.name, "refused", 0, p.findings)
    try:
        return _store(p, store)
    except StoreError as e:
        where = Location(file=p.name)
        failure = Finding("import.store_failed", Severity.ERROR, where, None, str(e))
        return FileOutcome(p.path, p.name, "failed", 0, [failure])


def _store(p: ParsedFile, store: Store) -> FileOutcome:
    same = store.document(sha256=p.sha256)
    if same is not None:
        problems = list(same.problems)
        if same.path == p.path:
            return FileOutcome(p.path, p.name, "unchanged", same.table_count, problems)
        if os.path.exists(same.path):  # a copy: the content is stored once, under the first
            note = f"已存在（内容相同）：与已导入的 {same.path} 相同，未重复导入"
            copy = Finding("import.same_content", Severity.INFO, Location(file=p.name), None, note)
            return FileOutcome(p.path, p.name, "unchanged", same.table_count, [*problems, copy])
        store.move_document(same.id, path=p.path, name=p.name)
        note = f"已存在（内容相同），路径已更新：{same.path} → {p.path}"
        moved = Finding("import.moved", Severity.INFO, Location(file=p.name), None, note)
        return FileOutcome(p.path, p.name, "moved", same.table_count, [*problems, moved])
    existed = store.document(path=p.path) is not None
    store.replace_document(
        path=p.path,
        name=p.name,
        format=p.format,
        sha256=p.sha256,
        size=p.size,
        tables=p.tables,
        problems=[f for f in p.findings if f.severity is Severity.ERROR],
    )
    return FileOutcome(
        p.path, p.name, "replaced" if existed else "imported", len(p.tables), p.findings
    )


def _refuse_overlong(p: ParsedFile) -> None:
    """A table with a field longer than the store holds is refused by name (the same on
    every database) rather than cut short or left to fail the whole file."""
    kept = []
    for t in p.tables:
        why = overlong(t)
        if why is None:
            kept.append(t)
            continue
        src = t.source
        where = Location(
            file=p.name, table=src.index if src else None, line=src.first_line if src else None
        )
        p.findings.append(Finding("import.too_long", Severity.ERROR, where, t.project[:40], why))
    if len(kept) < len(p.tables):
        p.tables = kept
        p.fatal = p.fatal or not kept


def read_paths(paths: Iterable[str]) -> Iterator[TargetTable | InputError]:
    """Tables of files and folders without a store (for checks on files given directly)."""
    for f in find_files(paths):
        name = os.path.basename(f)
        try:
            yield from read_tables(read_document(f))
        except InputError as e:
            yield e.located(file=name)
