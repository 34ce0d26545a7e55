"""The database under the store: its URL, engine, and schema migrations.

Waiting has limits, stated here and set by the environment:

- ``JIXIAO_DB_CONNECT_TIMEOUT`` (default 10 s): how long a PostgreSQL server may take to
  answer a connection; a server that accepts and never answers is one line, not a hang.
- ``JIXIAO_DB_LOCK_TIMEOUT`` (default 30 s): how long a write waits for another writer
  (SQLite's busy timeout: its busy handler retries the locked write until then;
  PostgreSQL's ``lock_timeout``). No statement timeout: a long export is no fault.

Migrations run under a lock (PostgreSQL: an advisory lock; SQLite: ``<db>.lock``) and
re-check the revision once they hold it, so two imports on a new database do not race.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import StoreError

DEFAULT_DB = "jixiao.db"
MIGRATIONS = Path(__file__).with_name("migrations")
CONNECT_TIMEOUT = 10.0  # seconds; JIXIAO_DB_CONNECT_TIMEOUT
LOCK_TIMEOUT = 30.0  # seconds; JIXIAO_DB_LOCK_TIMEOUT
# pg_advisory_xact_lock key held while migrating ("jixiao" in ASCII).
_MIGRATION_LOCK = 0x6A697869616F
# Values bound in one IN list at most. A driver refuses a statement with more
# parameters than it can number (PostgreSQL: 65,535; SQLite as usually built: 32,766),
# and a selection of 100,000 tables is ordinary: every IN list goes through in_batches.
IN_BATCH = 10_000

_T = TypeVar("_T")


def in_batches(
    values: Iterable[_T], size: int | None = None, *, width: int = 1
) -> Iterator[list[_T]]:
    """``values`` in lists of at most ``size`` (default :data:`IN_BATCH` parameters, each
    value taking ``width`` of them: a (project, department) pair two), one IN list each."""
    size = max(1, (size or IN_BATCH) // width)
    chunk: list[_T] = []
    for v in values:
        chunk.append(v)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _seconds(name: str, default: float) -> float:
    """A timeout from the environment, in seconds (a bad value is a clear error)."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise StoreError(f"环境变量 {name} 应为正数（秒），而不是“{raw}”")
    return value


def resolve_url(db: str | None) -> str:
    """``None`` → ``$JIXIAO_DB`` or ``./jixiao.db``; a plain path → SQLite;
    ``postgresql://`` → the psycopg 3 driver."""
    db = db or os.environ.get("JIXIAO_DB") or DEFAULT_DB
    if "://" not in db:
        return "sqlite:///" + os.path.abspath(db)
    if db.startswith("postgres://"):
        db = "postgresql://" + db[len("postgres://") :]
    if db.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's default for the bare scheme is psycopg2.
        db = "postgresql+psycopg://" + db[len("postgresql://") :]
    return db


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # a malformed port: shown as given, password cut
        return re.sub(r"://([^:@/]*):[^@/]*@", r"://\1:***@", url)


class Database:
    """数据库: the engine, its URL and its schema; the parts of the store build on it."""

    def __init__(self, db: str | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(db)
        self.lock_timeout = _seconds("JIXIAO_DB_LOCK_TIMEOUT", LOCK_TIMEOUT)
        self.connect_timeout = _seconds("JIXIAO_DB_CONNECT_TIMEOUT", CONNECT_TIMEOUT)
        try:
            url = make_url(self.url)
            args = _connect_args(url, self.connect_timeout, self.lock_timeout)
            self.engine: Engine = create_engine(url, future=True, connect_args=args)
        except (ArgumentError, ImportError, ValueError):
            raise StoreError(
                f"无法识别的数据库地址 {display_url(self.url)}（应为 sqlite:///路径.db、"
                "postgresql://用户@主机:端口/库名，或一个文件路径）"
            ) from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            try:
                self.migrate()
            except BaseException:
                self.engine.dispose()  # no connection is left to the collector
                raise

    # -- schema -----------------------------------------------------------------------
    def require_current(self) -> None:
        """For a read: the database must exist and be at the newest migration.

        A read never creates or migrates a database; it says in one line what to do.
        """
        from alembic.runtime.migration import MigrationContext

        where = display_url(self.url)
        if self.engine.dialect.name == "sqlite":
            path = self.engine.url.database
            if path and path != ":memory:" and not os.path.exists(path):
                raise StoreError(f"数据库 {where} 不存在（先用 jixiao import 导入，或检查 --db）")
        head, known = _revisions()
        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        except SQLAlchemyError as e:
            raise self._unreachable(e) from None
        if current == head:
            return
        if current is None:
            raise StoreError(f"数据库 {where} 还没有 jixiao 的表（先用 jixiao import 导入）")
        if current not in known:
            raise StoreError(_newer(where, current))
        raise StoreError(f"数据库 {where} 需要升级：运行 jixiao db upgrade --db …")

    def migrate(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is already there)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head, known = _revisions()
        where = display_url(self.url)
        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
            if current == head:
                return
            # Another process may be migrating the same new database: take the lock,
            # then look again, since it may have finished while this one waited.
            with self._migration_lock(), self.engine.begin() as conn:
                if self.engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
                current = MigrationContext.configure(conn).get_current_revision()
                if current == head:
                    return
                if current is not None and current not in known:
                    raise StoreError(_newer(where, current))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as e:
            raise self._unreachable(e) from None
        except OSError as e:
            raise StoreError(f"无法打开数据库 {where}：{e.strerror}") from None

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """SQLite: an exclusive lock on ``<db>.lock`` beside the file, there only while a
        migration runs (PostgreSQL's lock is taken inside the migration's transaction).

        The holder removes the file before letting go, so a waiter that got the lock on a
        removed file tries again: every holder locks the file the path names.
        """
        path = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not path or path == ":memory:":
            yield
            return
        lock = path + ".lock"
        while True:
            f = open(lock, "a+b")  # noqa: SIM115 - held across the yield
            _lock_file(f.fileno())
            try:
                if os.path.samestat(os.fstat(f.fileno()), os.stat(lock)):
                    break
            except FileNotFoundError:
                pass
            _unlock_file(f.fileno())
            f.close()
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock)
            _unlock_file(f.fileno())
            f.close()

    def refresh_statistics(self) -> None:
        """PostgreSQL: ``ANALYZE`` the tables an import fills, after a large one.

        Without statistics the planner guesses: reading a new store of 100,000 tables
        back scanned every indicator for each batch (28 s; 10 s once analysed). The
        server's autovacuum would get there, later. A failure costs only the speed.
        """
        if self.engine.dialect.name != "postgresql":
            return  # SQLite's planner takes the indexes these reads need without statistics
        with contextlib.suppress(SQLAlchemyError), self.engine.begin() as conn:
            conn.execute(text("ANALYZE documents, target_tables, indicators"))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- documents --------------------------------------------------------------------
    def _read(self) -> Connection:
        try:
            return self.engine.connect()
        except SQLAlchemyError as e:
            raise self._unreachable(e) from None

    def _unreachable(self, e: SQLAlchemyError) -> StoreError:
        """A database that cannot be opened, as one line (a server that never answers too)."""
        said = _short(e)
        if "timeout expired" in said or "timed out" in said:
            said = f"连接超时（{max(2, round(self.connect_timeout))} 秒内没有应答）"
        return StoreError(f"无法打开数据库 {display_url(self.url)}：{said}")


def _newer(where: str, revision: str) -> str:
    return (
        f"数据库 {where} 由更新版本的 jixiao 创建（结构版本 {revision}），"
        "比当前的 jixiao 新；请升级 jixiao"
    )


def _connect_args(url: Any, connect_timeout: float, lock_timeout: float) -> dict[str, Any]:
    """The driver's timeouts: SQLite's busy timeout; PostgreSQL's connect and lock timeouts
    (``options`` already in the URL, such as a search_path, are kept)."""
    if url.get_backend_name() == "sqlite":
        return {"timeout": lock_timeout}
    if url.get_backend_name() == "postgresql":
        given = url.query.get("options")
        given = " ".join(given) if isinstance(given, tuple) else (given or "")
        lock = f"-c lock_timeout={int(lock_timeout * 1000)}"
        # libpq counts whole seconds and takes at least 2.
        return {
            "connect_timeout": max(2, round(connect_timeout)),
            "options": f"{given} {lock}".strip(),
        }
    return {}


def _lock_file(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows retries for 10 s, then raises
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _unlock_file(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def write_failure(e: SQLAlchemyError, where: str, lock_timeout: float) -> StoreError:
    """A failed write as one line: a writer waited too long, the disk is full, or else
    what the database said. The caller says which file or project it was writing."""
    said = _short(e)
    low = said.lower()
    code = getattr(getattr(e, "orig", None), "sqlstate", None)
    if "database is locked" in low or "lock timeout" in low or code == "55P03":
        return StoreError(
            f"等待数据库写锁超时（{lock_timeout:g} 秒）：另一个程序正在写入 {where}，请稍后重试"
        )
    if "disk is full" in low or "no space left" in low or code == "53100":
        return StoreError(f"数据库 {where} 所在磁盘已满，未能写入（{said}）")
    return StoreError(f"数据库 {where} 出错：{said}")


def _revisions() -> tuple[str | None, set[str]]:
    """The newest migration and every revision this version of jixiao knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    return script.get_current_head(), {r.revision for r in script.walk_revisions()}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers (the web app) go on while an import writes; NORMAL is safe with WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _short(e: Exception) -> str:
    s = str(getattr(e, "orig", None) or e).strip().splitlines()
    return s[0] if s else type(e).__name__
