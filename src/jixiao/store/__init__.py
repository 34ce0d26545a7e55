"""The store: SQLite embedded by default, PostgreSQL for shared deployments.

:class:`Store` is the one place that reads and writes the database; the service
layer (and through it the CLI, the API and the pages) goes through it. It is a facade
over its parts: :mod:`.database` (URL, engine, migrations), :mod:`.documents`
(imported files), :mod:`.tables` (queries and whole tables), :mod:`.evaluations` and
:mod:`.audit` (the hash-chained audit trail).
``Store(db)`` brings the schema up to date with the Alembic migrations shipped in this
package; ``Store(db, migrate=False)`` with :meth:`~.database.Database.require_current`
is a read that never creates or migrates anything.

A database is named by a URL (``sqlite:///path.db``, ``postgresql://…``) or a
plain file path for SQLite; ``JIXIAO_DB`` is used when none is given, else
``./jixiao.db``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import TargetTable
from ..query import TableQuery
from .accounts import Accounts, UserRecord
from .audit import Audit, AuditEntry, AuditNote, AuditReport
from .corrections import Corrections
from .database import DEFAULT_DB, MIGRATIONS, Database, display_url, resolve_url
from .documents import DocumentRecord, Documents
from .schema import metadata
from .stats import DepartmentCount, Stats
from .tables import Tables, TableSummary, overlong
from .workflow import Workflow


class Store(Documents, Tables, Corrections, Stats, Accounts, Workflow, Audit):
    """存储: the facade over the store's parts — documents, tables, reviewers' level
    corrections (and, through :mod:`.evaluations`, self-evaluations) and the audit trail —
    on one database."""

    def tables(
        self,
        *,
        ids: Iterable[int] | None = None,
        project: str | None = None,
        exact: bool = False,
        batch: int = 500,
    ) -> Iterator[TargetTable]:
        """Stored tables in document order, with reviewers' level corrections applied."""
        read = super().tables(ids=ids, project=project, exact=exact, batch=batch)
        return self.with_corrections(read, batch)

    def table_batches(
        self, query: TableQuery | None = None, *, batch: int = 500
    ) -> Iterator[list[tuple[int, TargetTable]]]:
        """The tables a query selects, a batch at a time, with reviewers' corrections."""
        for part in super().table_batches(query, batch=batch):
            self.apply_corrections([t for _, t in part])
            yield part

    def tables_by_id(self, ids: Iterable[int]) -> dict[int, TargetTable]:
        """Tables by their numbers, with reviewers' corrections."""
        found = super().tables_by_id(ids)
        self.apply_corrections(list(found.values()))
        return found


__all__ = [
    "DEFAULT_DB", "MIGRATIONS", "Audit", "AuditEntry", "AuditNote", "AuditReport",
    "Database", "DepartmentCount", "DocumentRecord", "Store",
    "TableSummary", "UserRecord", "display_url", "metadata", "overlong", "resolve_url",
]  # fmt: skip
