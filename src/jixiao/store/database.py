"""The database under the store: its URL, engine, and schema migrations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Self

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import StoreError

DEFAULT_DB = "jixiao.db"
MIGRATIONS = Path(__file__).with_name("migrations")


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
    except ArgumentError:
        return url


class Database:
    """数据库: the engine, its URL and its schema; the parts of the store build on it."""

    def __init__(self, db: str | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(db)
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except (ArgumentError, ImportError) as e:
            raise StoreError(f"无法识别的数据库地址 {display_url(self.url)}：{e}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            self.migrate()

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
            raise StoreError(f"无法打开数据库 {where}：{_short(e)}") from None
        if current == head:
            return
        if current is None:
            raise StoreError(f"数据库 {where} 还没有 jixiao 的表（先用 jixiao import 导入）")
        if current not in known:
            raise StoreError(
                f"数据库 {where} 由更新版本的 jixiao 创建（版本 {current}），请升级 jixiao"
            )
        raise StoreError(f"数据库 {where} 需要升级：运行 jixiao db upgrade --db …")

    def migrate(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is already there)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        try:
            with self.engine.begin() as conn:
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as e:
            raise StoreError(f"无法打开数据库 {display_url(self.url)}：{_short(e)}") from None

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
            raise StoreError(f"无法连接数据库 {display_url(self.url)}：{_short(e)}") from None


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
