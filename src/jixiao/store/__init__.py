"""The store: SQLite embedded by default, PostgreSQL for shared deployments.

:class:`Store` is the one place that reads and writes the database; the service
layer (and through it the CLI, the API and the pages) goes through it. It is a facade
over its parts: :mod:`.database` (URL, engine, migrations), :mod:`.documents`
(imported files), :mod:`.tables` (queries and whole tables) and :mod:`.evaluations`.
``Store(db)`` brings the schema up to date with the Alembic migrations shipped in this
package; ``Store(db, migrate=False)`` with :meth:`~.database.Database.require_current`
is a read that never creates or migrates anything.

A database is named by a URL (``sqlite:///path.db``, ``postgresql://…``) or a
plain file path for SQLite; ``JIXIAO_DB`` is used when none is given, else
``./jixiao.db``.
"""

from __future__ import annotations

from .database import DEFAULT_DB, MIGRATIONS, Database, display_url, resolve_url
from .documents import DocumentRecord, Documents
from .schema import metadata
from .tables import Tables, TableSummary, overlong


class Store(Documents, Tables):
    """存储: the facade over the store's parts — documents, tables (and, through
    :mod:`.evaluations`, self-evaluations) — on one database."""


__all__ = [
    "DEFAULT_DB", "MIGRATIONS", "Database", "DocumentRecord", "Store", "TableSummary",
    "display_url", "metadata", "overlong", "resolve_url",
]  # fmt: skip
