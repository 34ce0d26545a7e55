"""Paths → readers → forms → store, in one readable function.

:func:`import_paths` walks files and folders, reads each file into tables and
stores them, one transaction per file. A batch goes on past a bad file: the
file is reported (:class:`FileOutcome` with its errors) and everything else is
imported — a file the database would not take (a lock waited on too long, a full
disk, any database error) costs that file alone. Re-importing an unchanged file
changes nothing; a changed file replaces what that file held before. A document is
known by its content: the same content under a new path, the old one gone, is a
renamed or moved file, and the store follows it there.

Nothing is lost without a line. A folder that cannot be read, a symlinked folder
met a second time and a document in a format jixiao does not read are listed
(:attr:`ImportReport.skipped`); a file whose parsing process dies (out of memory,
killed) is that file's refusal, and the batch goes on in a fresh process pool.
Messages name a file by the path as given (``批次/a.docx``), not its base name.
Ctrl-C stops the batch: what was stored stays, the rest is counted, no traceback
(:class:`ImportInterrupted`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from .errors import InputError, StoreError, UnreadableFile, os_reason
from .findings import Finding, Location, Severity
from .forms import read_tables
from .model import TargetTable
from .readers import READERS, read_document
from .readers.safety import check_size
from .store import AuditNote, Store, overlong


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
    # Paths found but not read (an unreadable folder, a format jixiao does not read).
    skipped: list[Finding] = field(default_factory=list)

    @property
    def tables(self) -> int:
        return sum(f.tables for f in self.files if f.status in ("imported", "replaced"))

    @property
    def errors(self) -> list[str]:
        skipped = [s.line() for s in self.skipped if s.severity is Severity.ERROR]
        return skipped + [e for f in self.files for e in f.errors]

    @property
    def warnings(self) -> list[str]:
        skipped = [s.line() for s in self.skipped if s.severity is not Severity.ERROR]
        return skipped + [w for f in self.files for w in f.warnings]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl-C during an import: what was stored so far, and how many files were not reached."""

    def __init__(self, report: ImportReport, pending: int) -> None:
        super().__init__()
        self.report = report
        self.pending = pending


# -- finding the documents --------------------------------------------------------------

# Formats that hold tables but that jixiao does not read: listed, with what to do instead.
_OTHER_FORMATS = {
    ".et": "WPS 表格文件，请另存为 .xlsx",
    ".ett": "WPS 表格模板，请另存为 .xlsx",
    ".xlsb": "Excel 二进制工作簿，请另存为 .xlsx",
    ".ods": "OpenDocument 表格，请另存为 .xlsx",
    ".odt": "OpenDocument 文档，请另存为 .docx",
    ".rtf": "RTF 文档，请另存为 .docx",
    ".docm": "含宏的 Word 文档，请另存为 .docx",
    ".dotx": "Word 模板，请另存为 .docx",
    ".dot": "Word 模板，请另存为 .docx",
    ".wpt": "WPS 文字模板，请另存为 .docx",
    ".zip": "压缩包不会自动解开，请解压后导入",
    ".rar": "压缩包不会自动解开，请解压后导入",
    ".7z": "压缩包不会自动解开，请解压后导入",
}


@dataclass(slots=True)
class FoundFiles:
    """The documents under some files and folders, and what was passed over and why."""

    files: list[str] = field(default_factory=list)
    skipped: list[Finding] = field(default_factory=list)

    def skip(self, path: str, severity: Severity, message: str) -> None:
        self.skipped.append(Finding("import.skipped", severity, Location(file=path), None, message))


def walk_paths(paths: Iterable[str]) -> FoundFiles:
    """Files named directly are taken as they are; folders are walked for known suffixes.

    Walking, in order (a folder's files by name, then its subfolders by name):

    - hidden entries (``.git``, ``.DS_Store``) and Office's lock files (``~$a.docx``,
      a few bytes naming who has the document open) are not documents: passed over;
    - a document in a format jixiao reads (:data:`READERS`) is taken;
    - a document that holds tables in a format jixiao does not read (``.et``,
      ``.xlsb``, ``.zip`` …) is listed as a warning saying what to do;
    - a symlinked folder is followed, once: a folder reached a second time (a
      link loop, or two links to one folder) is listed as a warning, not re-read;
    - a folder that cannot be listed (no permission, I/O error) is an error: files
      in it could hold tables, and the import must not look complete.
    """
    found = FoundFiles()
    seen: set[tuple[int, int]] = set()
    for p in paths:
        if os.path.isdir(p):
            _walk(p, found, seen)
        else:
            found.files.append(p)
    return found


def find_files(paths: Iterable[str]) -> list[str]:
    """The documents an import of these files and folders reads, in order."""
    return walk_paths(paths).files


def _walk(top: str, found: FoundFiles, seen: set[tuple[int, int]]) -> None:
    stack = [top]
    with contextlib.suppress(OSError):
        st = os.stat(top)
        seen.add((st.st_dev, st.st_ino))
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            found.skip(folder, Severity.ERROR, _unlisted(e))
            continue
        subfolders: list[str] = []
        for entry in entries:
            if entry.name.startswith((".", "~$")):
                continue
            path = os.path.join(folder, entry.name)
            if _is_dir(entry):
                subfolders.append(path)
                continue
            suffix = os.path.splitext(entry.name)[1].lower()
            if suffix in READERS:
                found.files.append(path)
            elif suffix in _OTHER_FORMATS:
                found.skip(path, Severity.WARNING, f"未读取：{_OTHER_FORMATS[suffix]}")
        accepted: list[str] = []
        for sub in subfolders:
            try:
                st = os.stat(sub)
            except OSError as e:
                found.skip(sub, Severity.ERROR, _unlisted(e))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                found.skip(
                    sub,
                    Severity.WARNING,
                    f"未重复读取：指向已读取的文件夹 {os.path.realpath(sub)}（符号链接）",
                )
                continue
            seen.add(key)
            accepted.append(sub)
        stack.extend(reversed(accepted))  # popped in name order


def _unlisted(e: OSError) -> str:
    return f"无法读取文件夹（{os_reason(e)}），其中的文件未导入"


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a symlink: a linked folder is walked (once)
    except OSError:
        return False


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
    """Read one file into tables; errors are collected, never raised.

    Every finding names the file by ``path`` as given (a reader knows only its base name).
    """
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
        return _refused(path, UnreadableFile.of_os_error(e, file=path))
    except UnreadableFile as e:
        return _refused(path, e)
    sha = digest.hexdigest()
    try:
        doc = read_document(path)
        tables: list[TargetTable] = []
        findings = [
            Finding("import.read", Severity.WARNING, Location(file=path), None, note)
            for note in doc.notes
        ]
        for item in read_tables(doc):
            if isinstance(item, InputError):
                item.file = path
                findings.append(Finding.of_input_error(item))
            else:
                tables.append(item)
    except InputError as e:
        return _refused(path, e, sha=sha, size=size)
    except OSError as e:
        # The file went away or became unreadable between the hash and the reader.
        return _refused(path, UnreadableFile.of_os_error(e, file=path), sha=sha, size=size)
    except MemoryError:
        bad = UnreadableFile("读取时内存不足，文件过大或结构异常", file=path)
        return _refused(path, bad, sha=sha, size=size)
    except RecursionError:
        bad = UnreadableFile("文件结构嵌套过深，无法读取", file=path)
        return _refused(path, bad, sha=sha, size=size)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
        # A reader library choked on a malformed file: still one line, never a traceback.
        bad = UnreadableFile(f"文件内容损坏或格式异常（{type(e).__name__}）", file=path)
        return _refused(path, bad, sha=sha, size=size)
    for t in tables:
        src = t.source
        for w in t.warnings:
            where = Location(
                file=path, table=src.index if src else None, line=src.first_line if src else None
            )
            findings.append(Finding("import.unplaced", Severity.WARNING, where, t.project, w))
    return ParsedFile(apath, name, doc.format, sha, size, tables, findings, not tables)


def _refused(path: str, e: InputError, *, sha: str = "", size: int = 0) -> ParsedFile:
    """A file that could not be read as a whole, with the one line that says why."""
    e.file = path
    name = os.path.basename(path)
    return ParsedFile(
        os.path.abspath(path), name, "", sha, size, [], [Finding.of_input_error(e)], True
    )


# -- parsing in worker processes --------------------------------------------------------

# How far past the file being stored the pool may read ahead, in files per worker.
_READ_AHEAD = 4
WORKER_DIED = "读取此文件的进程意外退出（内存耗尽或被系统终止），此文件未导入"


def _parsed(
    files: list[str], workers: int, reading: Callable[[str], None] | None
) -> Generator[ParsedFile, None, None]:
    """Each file parsed, in the order given: in this process, or in a pool for a batch."""
    if workers <= 1 or len(files) < 4:
        for f in files:
            if reading is not None:
                reading(f)
            yield parse_file(f)
        return
    yield from _parsed_in_pool(files, workers, reading)


def _parsed_in_pool(
    files: list[str], workers: int, reading: Callable[[str], None] | None
) -> Iterator[ParsedFile]:
    """Parse in worker processes, one file a task, yielding in order as results arrive.

    A worker that dies breaks the whole pool, and every file in flight fails with
    it. Those files are parsed again one by one, each in a process of its own: the
    one that dies again is refused (:data:`WORKER_DIED`), the others are read, and
    the batch goes on in a fresh pool. On Ctrl-C (or any exit before the end) the
    workers are ended at once rather than left to finish the queue.
    """
    todo = deque(enumerate(files))
    running: dict[Future[ParsedFile], int] = {}
    ready: dict[int, ParsedFile] = {}
    head = 0
    announced = -1
    pool = _new_pool(workers)
    try:
        while head < len(files):
            while todo and len(running) < workers and todo[0][0] < head + _READ_AHEAD * workers:
                i, f = todo.popleft()
                running[pool.submit(parse_file, f)] = i
            if reading is not None and announced != head:
                reading(files[head])
                announced = head
            if head in ready:
                yield ready.pop(head)
                head += 1
                continue
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            suspects: list[int] = []
            for fut in finished:
                i = running.pop(fut)
                try:
                    ready[i] = fut.result()
                except BrokenProcessPool:
                    suspects.append(i)
                except Exception as e:  # parse_file never raises; a result that cannot
                    # come back (unpicklable) still costs only its file.
                    bad = UnreadableFile(f"读取时出现意外错误（{type(e).__name__}）", file=files[i])
                    ready[i] = _refused(files[i], bad)
            if suspects:
                # The pool is broken: whatever else was in it failed too, or finished first.
                for fut, i in running.items():
                    try:
                        ready[i] = fut.result()
                    except Exception:
                        suspects.append(i)
                running.clear()
                _stop(pool)
                for i in sorted(suspects):
                    ready[i] = _parse_alone(files[i]) if len(suspects) > 1 else _died(files[i])
                pool = _new_pool(workers)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group: the parent decides, workers just stop when told.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _parse_alone(path: str) -> ParsedFile:
    """Parse one file in a process of its own, to tell the file that kills a worker."""
    solo = _new_pool(1)
    try:
        return solo.submit(parse_file, path).result()
    except BrokenProcessPool:
        return _died(path)
    finally:
        _stop(solo)


def _died(path: str) -> ParsedFile:
    return _refused(path, UnreadableFile(WORKER_DIED, file=path))


def _stop(pool: ProcessPoolExecutor) -> None:
    """End a pool now: queued files are dropped and running workers are terminated."""
    with _sigint_ignored():
        # No public way to end busy workers; waiting for them could take minutes.
        procs = list((pool._processes or {}).values())
        # Taken before shutdown(), which drops the pool's reference to it (see below).
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=1)
            if p.is_alive():
                p.kill()
                p.join(timeout=1)
        # A worker ended while writing its result leaves half a message in the pipe;
        # the pool's manager thread would wait for the rest for ever, and the
        # interpreter joins that thread at exit (Ctrl-C twice once hung there).
        # With every worker gone, closing our write end gives it EOF instead.
        if writer is not None and not any(p.is_alive() for p in procs):
            writer.close()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """A second Ctrl-C must not interrupt the cleanup of the first (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


# Tables stored by one batch after which the database's statistics are refreshed: the
# planner's picture of a store grown by this much is out of date.
ANALYZE_AFTER = 1_000


# Formats read in about the time storing their tables takes (the text reader).
_QUICK_TO_READ = frozenset({".txt", ".text", ".tsv"})


def default_workers(files: Sequence[str]) -> int:
    """Parsing processes when none are asked for: one per core, up to 8 — except a batch
    of text files on one or two cores, which is parsed in this process.

    This process stores every file while the workers parse. A text file parses about as
    fast as it is stored, so on two cores a pool only adds the cost of sending tables
    between processes (issue 12: 10,000 text tables, 1 vs 2 workers, no faster on
    SQLite, slower on PostgreSQL); Word, Excel and PDF files take far longer to read than
    to store, and there two workers are faster (7.6 s → 4.8 s on 10 mixed files).
    """
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    cores = len(usable) if usable is not None else os.cpu_count() or 1
    if cores <= 2 and all(os.path.splitext(f)[1].lower() in _QUICK_TO_READ for f in files):
        return 1
    return min(cores, 8)


def import_paths(
    paths: Iterable[str],
    store: Store,
    *,
    workers: int | None = None,
    progress: Callable[[FileOutcome], None] | None = None,
    reading: Callable[[str], None] | None = None,
    actor: str | None = None,
) -> ImportReport:
    """Import files and folders into the store; see the module docstring for the rules.
    Each file stored is an entry of the audit trail by ``actor`` (None: the system).

    ``reading`` is told the file the import now waits for (before its outcome is
    known), ``progress`` each file's outcome once it is stored.
    """
    found = walk_paths(paths)
    files = found.files
    if workers is None:
        workers = default_workers(files)
    report = ImportReport(skipped=found.skipped)
    parsed = _parsed(files, workers, reading)
    storing: ParsedFile | None = None
    try:
        for p in parsed:
            storing = p
            outcome = store_parsed(p, store, actor=actor)
            report.files.append(outcome)
            storing = None
            if progress is not None:
                progress(outcome)
    except KeyboardInterrupt:
        parsed.close()  # ends the workers now
        if storing is not None:
            _settle(storing, store, report)
        raise ImportInterrupted(report, len(files) - len(report.files)) from None
    finally:
        parsed.close()
    if report.tables >= ANALYZE_AFTER:
        store.refresh_statistics()
    return report


def _settle(p: ParsedFile, store: Store, report: ImportReport) -> None:
    """The file being stored when Ctrl-C came is counted if its transaction committed:
    the interrupt can land after the commit and before the report's line, and the
    report must say what the store holds."""
    with contextlib.suppress(StoreError):
        held = store.document(path=p.path)
        if held is not None and held.sha256 == p.sha256:
            report.files.append(
                FileOutcome(p.path, p.name, "imported", held.table_count, p.findings)
            )


def store_parsed(p: ParsedFile, store: Store, *, actor: str | None = None) -> FileOutcome:
    """Store one parsed file unless it is unchanged; a file with no readable table is
    refused; a file the database does not take fails alone (rolled back, one line).
    A file stored (imported, replaced, or found under a new path) is an audit entry
    ("import", ``document:<name>``), written in the file's own transaction."""
    _refuse_overlong(p)
    if p.fatal:
        return FileOutcome(p.path, p.name, "refused", 0, p.findings)
    try:
        return _store(p, store, actor)
    except StoreError as e:
        where = Location(file=p.name)
        failure = Finding("import.store_failed", Severity.ERROR, where, None, str(e))
        return FileOutcome(p.path, p.name, "failed", 0, [failure])


def _store(p: ParsedFile, store: Store, actor: str | None) -> FileOutcome:
    same, existed = store.lookup(path=p.path, sha256=p.sha256)
    if same is not None:
        problems = list(same.problems)
        if same.path == p.path:
            return FileOutcome(p.path, p.name, "unchanged", same.table_count, problems)
        if os.path.exists(same.path):  # a copy: the content is stored once, under the first
            note = f"已存在（内容相同）：与已导入的 {same.path} 相同，未重复导入"
            copy = Finding("import.same_content", Severity.INFO, Location(file=p.name), None, note)
            return FileOutcome(p.path, p.name, "unchanged", same.table_count, [*problems, copy])
        moving = AuditNote(actor, "import", f"document:{p.name}", before={"path": same.path},
                           after={"path": p.path}, detail="路径已更新（内容相同）")  # fmt: skip
        store.move_document(same.id, path=p.path, name=p.name, audit=moving)
        note = f"已存在（内容相同），路径已更新：{same.path} → {p.path}"
        moved = Finding("import.moved", Severity.INFO, Location(file=p.name), None, note)
        return FileOutcome(p.path, p.name, "moved", same.table_count, [*problems, moved])
    old = store.document(path=p.path) if existed else None
    entry = AuditNote(
        actor, "import", f"document:{p.name}",
        before={"tables": old.table_count, "sha256": old.sha256} if old is not None else None,
        after={"tables": len(p.tables), "sha256": p.sha256}, detail=p.path,
    )  # fmt: skip
    store.replace_document(
        path=p.path,
        name=p.name,
        format=p.format,
        sha256=p.sha256,
        size=p.size,
        tables=p.tables,
        problems=[f for f in p.findings if f.severity is Severity.ERROR],
        audit=entry,
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
    found = walk_paths(paths)
    for skipped in found.skipped:
        if skipped.severity is Severity.ERROR:
            yield UnreadableFile(skipped.message, file=skipped.location.file)
    for f in found.files:
        name = os.path.basename(f)
        try:
            yield from read_tables(read_document(f))
        except InputError as e:
            yield e.located(file=name)
