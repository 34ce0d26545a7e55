"""审计记录: an append-only, hash-chained log of who did what, and its check.

Each entry holds when (UTC, to the microsecond), who (a user name; ``None`` for the
system or an anonymous visitor), what (``action``: "import", "export", "correct-level",
"sign-in", …), about what (``subject``: "document:<name>", "table:<id>", "user:<name>"),
the values before and after (JSON), a line of text, and two hashes: ``prev_hash``, the
hash of the entry before it (:data:`GENESIS` for the first), and ``hash``, the SHA-256 of
the canonical JSON of every field of the entry, ``prev_hash`` included (:func:`entry_hash`).

Entries are numbered 1, 2, 3 … by the writer itself (the previous id + 1), under a lock
held to the end of the writing transaction — PostgreSQL: ``pg_advisory_xact_lock``;
SQLite: ``BEGIN IMMEDIATE``, or in a caller's transaction a write that takes SQLite's one
write lock — so two writers never chain onto the same predecessor, and a rolled-back
entry leaves no gap behind (a sequence would). :meth:`Audit.verify_audit` walks the chain
in id order and reports the first entry whose content does not match its hash, whose
``prev_hash`` is not its predecessor's hash, or before which an id is missing.

What the chain cannot show by itself is the newest entries deleted (the rest is still a
valid chain): the last hash, written down elsewhere, closes that gap (``known_hash``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, String, Text, cast, insert, select, text, type_coerce
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from .database import Database, display_url, write_failure
from .schema import audit_log, storable, too_long

GENESIS = "0" * 64  # the prev_hash of the first entry
# pg_advisory_xact_lock key held while an entry is appended ("jxaudit" in ASCII).
AUDIT_LOCK = int.from_bytes(b"jxaudit", "big")
BATCH = 1000  # entries read at a time by the check and the exports

_FIELDS = ("id", "at", "actor", "action", "subject", "before", "after", "detail", "prev_hash")
_NAMES = {"actor": "用户名", "action": "动作", "subject": "对象"}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry of the audit trail, as stored."""

    id: int
    at: datetime  # UTC
    actor: str | None
    action: str
    subject: str | None
    before: Any
    after: Any
    detail: str | None
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        """Every field, ``at`` as ISO 8601 UTC text: enough to recompute the hashes."""
        return {
            "id": self.id, "at": timestamp(self.at), "actor": self.actor, "action": self.action,
            "subject": self.subject, "before": self.before, "after": self.after,
            "detail": self.detail, "prev_hash": self.prev_hash, "hash": self.hash,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuditNote:
    """An entry to write with a change, in the change's own transaction (store methods
    that change something take one as ``audit=``)."""

    actor: str | None
    action: str
    subject: str | None = None
    before: Any = None
    after: Any = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What :meth:`Audit.verify_audit` found: ``ok``, or the first break and why."""

    count: int  # entries checked (all of them when ok)
    last_hash: str | None  # the newest entry's hash (to write down elsewhere)
    broken: int | None = None  # id of the first broken entry
    reason: str | None = None  # "gap" | "content" | "link" | "order" | "known"
    message: str = ""  # one Chinese line

    @property
    def ok(self) -> bool:
        return self.reason is None


def timestamp(at: datetime) -> str:
    """A time as the hash sees it: ISO 8601 in UTC with microseconds (naive means UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, not ASCII-escaped, no NaN."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def entry_hash(
    *,
    id: int,
    at: datetime,
    actor: str | None,
    action: str,
    subject: str | None,
    before: Any,
    after: Any,
    detail: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of every field of an entry but its hash."""
    fields = {
        "id": id, "at": timestamp(at), "actor": actor, "action": action, "subject": subject,
        "before": before, "after": after, "detail": detail, "prev_hash": prev_hash,
    }  # fmt: skip
    return hashlib.sha256(canonical(fields).encode("utf-8", "surrogatepass")).hexdigest()


def _json_value(value: Any) -> Any:
    """A value as it reads back from a JSON column (tuples as lists, keys as text)."""
    return None if value is None else json.loads(canonical(storable(value)))


class Audit(Database):
    """审计记录: append entries (alone or in a caller's transaction), read, and check them."""

    def record(
        self,
        *,
        actor: str | None,
        action: str,
        subject: str | None = None,
        before: Any = None,
        after: Any = None,
        detail: str | None = None,
        conn: Connection | None = None,
    ) -> int:
        """Append one entry; returns its id.

        With ``conn``, the entry is written in that connection's transaction (an action and
        its entry commit together or not at all), and the lock is held there until the
        caller commits: call it last in the transaction. Errors are then the caller's to
        handle (a :class:`SQLAlchemyError`); alone, they are one :class:`StoreError`.
        """
        row = storable({"actor": actor, "action": action, "subject": subject, "detail": detail})
        found = too_long(audit_log, row)
        if found is not None:
            column, length, limit = found
            what = _NAMES.get(column, column)
            raise StoreError(f"审计记录的{what}长 {length} 字，超过上限 {limit} 字")
        row["before"], row["after"] = _json_value(before), _json_value(after)
        if conn is not None:
            return self._append(conn, row, locked=False)
        try:
            with self.engine.connect() as own:
                sqlite = own.dialect.name == "sqlite"
                if sqlite:  # the write lock first, waited for up to the busy timeout
                    own.exec_driver_sql("BEGIN IMMEDIATE")
                n = self._append(own, row, locked=sqlite)
                own.commit()
                return n
        except SQLAlchemyError as e:
            raise write_failure(e, display_url(self.url), self.lock_timeout) from None

    def note(self, audit: AuditNote | None, conn: Connection) -> None:
        """Write a note, if there is one, in the caller's transaction."""
        if audit is not None:
            self.record(
                actor=audit.actor, action=audit.action, subject=audit.subject,
                before=audit.before, after=audit.after, detail=audit.detail, conn=conn,
            )  # fmt: skip

    def _append(self, conn: Connection, row: dict[str, Any], *, locked: bool) -> int:
        """The entry after the newest one, written under the lock (see the module)."""
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK})
        elif conn.dialect.name == "sqlite" and not locked:
            # A write that changes nothing takes SQLite's write lock (or waits for it) before
            # the newest entry is read; without it two transactions could read the same one.
            conn.execute(text("UPDATE audit_log SET id = id WHERE 0"))
        c = audit_log.c
        last = conn.execute(select(c.id, c.hash).order_by(c.id.desc()).limit(1)).first()
        n, prev = (last[0] + 1, last[1]) if last is not None else (1, GENESIS)
        at = datetime.now(UTC)
        digest = entry_hash(id=n, at=at, prev_hash=prev, **row)
        conn.execute(insert(audit_log), {**row, "id": n, "at": at, "prev_hash": prev,
                                         "hash": digest})  # fmt: skip
        return n

    # -- reading ------------------------------------------------------------------------
    def _columns(self) -> Select[Any]:
        """The columns as stored: JSON as its text, SQLite's time as its text, so that a
        row changed by hand into something unreadable is a broken entry, not a crash."""
        c = audit_log.c
        at = type_coerce(c.at, String) if self.engine.dialect.name == "sqlite" else c.at
        return select(
            c.id, at.label("at"), c.actor, c.action, c.subject,
            cast(c.before, Text).label("before"), cast(c.after, Text).label("after"),
            c.detail, c.prev_hash, c.hash,
        )  # fmt: skip

    def audit_entries(
        self,
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
        """Entries oldest first (by id; ``newest_first`` for the other way), filtered by
        exact actor, action and subject and by time (``since`` ≤ at < ``until``)."""
        c = audit_log.c
        q = self._filtered(self._columns(), actor, action, subject, since, until)
        q = q.order_by(c.id.desc() if newest_first else c.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self._read() as conn:
            return [_entry(r) for r in conn.execute(q)]

    def iter_audit_entries(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        batch: int = BATCH,
    ) -> Iterator[AuditEntry]:
        """Every entry that matches, oldest first, read ``batch`` at a time (for exports)."""
        c = audit_log.c
        base = self._filtered(self._columns(), actor, action, subject, since, until)
        after = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(base.where(c.id > after).order_by(c.id).limit(batch)).all()
            for r in rows:
                yield _entry(r)
            if len(rows) < batch:
                return
            after = rows[-1].id

    def audit_generation(self) -> int:
        """The newest entry's number: it moves whenever anything is imported, replaced or
        corrected (each writes an entry), so what was worked out from the store before
        that can be told apart from now."""
        from sqlalchemy import func

        with self._read() as conn:
            return int(
                conn.execute(select(func.coalesce(func.max(audit_log.c.id), 0))).scalar_one()
            )

    def audit_count(self) -> int:
        from sqlalchemy import func

        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())

    @staticmethod
    def _filtered(
        q: Select[Any],
        actor: str | None,
        action: str | None,
        subject: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> Select[Any]:
        c = audit_log.c
        if actor is not None:
            q = q.where(c.actor == actor)
        if action is not None:
            q = q.where(c.action == action)
        if subject is not None:
            q = q.where(c.subject == subject)
        if since is not None:
            q = q.where(c.at >= _utc(since))
        if until is not None:
            q = q.where(c.at < _utc(until))
        return q

    # -- the check ----------------------------------------------------------------------
    def verify_audit(self, *, known_hash: str | None = None) -> AuditReport:
        """Walk the chain in id order, ``BATCH`` entries at a time, and report the first
        break: an id missing before an entry, an entry whose content does not match its
        hash, or whose ``prev_hash`` is not the hash of the entry before it.

        ``known_hash``: a hash written down earlier; the chain must still hold it (else
        entries up to and after it were deleted — the newest ones, which the chain alone
        cannot show).
        """
        c = audit_log.c
        q = self._columns().order_by(c.id).limit(BATCH)
        expected, prev, count = 1, GENESIS, 0
        seen = known_hash is None
        with self._read() as conn:
            while True:
                rows = conn.execute(q.where(c.id > expected - 1)).all()
                for r in rows:
                    broken = _break(r, expected, prev)
                    if broken is not None:
                        reason, message = broken
                        return AuditReport(count, prev if count else None, r.id, reason, message)
                    seen = seen or r.hash == known_hash
                    prev, expected, count = r.hash, expected + 1, count + 1
                if len(rows) < BATCH:
                    break
        last = prev if count else None
        if not seen:
            message = (
                f"记下的校验值 {known_hash} 不在审计记录中（最新的记录可能被删除了；"
                f"现有 {count} 条）"
            )
            return AuditReport(count, last, None, "known", message)
        return AuditReport(count, last, message=f"审计记录 {count} 条，校验通过")


def _break(r: Any, expected: int, prev: str) -> tuple[str, str] | None:
    """Why entry ``r`` breaks the chain, or None: (reason, message)."""
    if r.id > expected:
        missing = f"编号 {expected}" if r.id == expected + 1 else f"编号 {expected}–{r.id - 1}"
        return "gap", f"第 {r.id} 条之前缺少记录（{missing} 不存在）"
    if r.id < expected:  # an id below 1 put in by hand
        return "order", f"第 {r.id} 条记录的编号不在序列中（应从 {expected} 起）"
    try:
        e = _entry(r)
        same = r.hash == entry_hash(**{f: getattr(e, f) for f in _FIELDS})
    except (ValueError, TypeError):  # unreadable JSON or time: changed by hand
        same = False
    if not same:
        return "content", f"第 {r.id} 条记录的内容与其校验值不符（记录被改动过）"
    if r.prev_hash != prev:
        return "link", f"第 {r.id} 条记录的前一条校验值不符"
    return None


def _entry(r: Any) -> AuditEntry:
    at = r.at if isinstance(r.at, datetime) else datetime.fromisoformat(r.at)
    return AuditEntry(
        id=r.id, at=_utc(at), actor=r.actor, action=r.action, subject=r.subject,
        before=None if r.before is None else json.loads(r.before),
        after=None if r.after is None else json.loads(r.after),
        detail=r.detail, prev_hash=r.prev_hash, hash=r.hash,
    )  # fmt: skip


def _utc(at: datetime) -> datetime:
    """Aware UTC (a naive time is taken as UTC, as SQLite gives it back)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
