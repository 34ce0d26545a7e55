"""The audit trail (审计记录): a hash chain that shows an entry changed, deleted or put in by
hand, written safely by concurrent writers, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from jixiao import service
from jixiao.cli import app
from jixiao.exports.cells import FORMULA_START
from jixiao.query import TableQuery
from jixiao.store import Store
from jixiao.store.audit import GENESIS, entry_hash

from .conftest import SEEDS


def _fill(store: Store, n: int = 5) -> None:
    for i in range(1, n + 1):
        store.record(
            actor="alice" if i % 2 else None, action="import" if i < 4 else "export",
            subject=f"document:{i}.txt", before={"n": i - 1} if i > 1 else None,
            after={"n": i, "名称": "目标表", "x": [1.5, None, True]}, detail=f"第 {i} 次",
        )  # fmt: skip


def test_entries_chain_and_the_chain_verifies(store: Store) -> None:
    assert store.verify_audit().ok and store.verify_audit().count == 0
    _fill(store)
    entries = store.audit_entries()
    assert [e.id for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert len({e.prev_hash for e in entries}) == 5
    assert entries[1].before == {"n": 1} and entries[0].before is None
    assert entries[0].after == {"n": 1, "名称": "目标表", "x": [1.5, None, True]}
    assert all(e.at.tzinfo is not None for e in entries)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    report = store.verify_audit()
    assert report.ok and report.count == 5 and report.last_hash == entries[-1].hash
    assert report.message == "审计记录 5 条，校验通过"
    # filters, order and paging
    assert [e.id for e in store.audit_entries(actor="alice")] == [1, 3, 5]
    assert [e.id for e in store.audit_entries(action="export")] == [4, 5]
    assert [e.id for e in store.audit_entries(subject="document:2.txt")] == [2]
    assert [e.id for e in store.audit_entries(newest_first=True, limit=2)] == [5, 4]
    assert [e.id for e in store.audit_entries(limit=2, offset=1)] == [2, 3]
    later = entries[2].at
    assert [e.id for e in store.audit_entries(since=later)] == [3, 4, 5]
    assert [e.id for e in store.audit_entries(until=later)] == [1, 2]
    ahead = later.astimezone(UTC).replace(tzinfo=None)  # naive means UTC
    assert [e.id for e in store.audit_entries(since=ahead)] == [3, 4, 5]
    assert [e.id for e in store.iter_audit_entries(batch=2)] == [1, 2, 3, 4, 5]
    assert [e.id for e in store.iter_audit_entries(action="import", batch=1)] == [1, 2, 3]


def _sql(store: Store, *statements: str, **params: Any) -> None:
    with store.engine.begin() as conn:
        for s in statements:
            conn.execute(text(s), params)


def _forge(store: Store, id: int, prev: str, *, hash: str | None = None) -> None:
    """A row put in by hand: consistent in itself (its hash matches) unless ``hash``."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    fields: dict[str, Any] = {"id": id, "at": at, "actor": "mallory", "action": "approve",
                              "subject": "table:1", "before": None, "after": None,
                              "detail": None, "prev_hash": prev}  # fmt: skip
    digest = hash or entry_hash(**fields)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, subject, prev_hash, hash) "
                "VALUES (:id, :at, :actor, :action, :subject, :prev_hash, :hash)"
            ),
            {**fields, "hash": digest},
        )


def _hash_of(store: Store, id: int) -> str:
    return next(e.hash for e in store.audit_entries() if e.id == id)


def _shift_after(store: Store, id: int) -> None:
    """Renumber the entries after ``id`` one up, to make room for a row in the middle."""
    _sql(
        store,
        "UPDATE audit_log SET id = id + 1000 WHERE id > :k",
        "UPDATE audit_log SET id = id - 999 WHERE id > 1000",
        k=id,
    )


def _rewrite(store: Store, id: int) -> None:
    """Change an entry and give it the hash of its new content: the next link breaks."""
    e = next(e for e in store.audit_entries() if e.id == id)
    fields = {f: getattr(e, f) for f in ("id", "at", "action", "subject", "before", "after",
                                          "detail", "prev_hash")}  # fmt: skip
    digest = entry_hash(**fields, actor="mallory")
    _sql(store, "UPDATE audit_log SET actor = 'mallory', hash = :h WHERE id = :k", h=digest, k=id)


TAMPERING: list[tuple[str, Callable[[Store], None], int, str]] = [
    ("a field", lambda s: _sql(s, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3"), 3,
     "第 3 条记录的内容与其校验值不符（记录被改动过）"),
    ("nobody becomes somebody", lambda s: _sql(s, "UPDATE audit_log SET actor = 'x' WHERE id = 2"),
     2, "第 2 条记录的内容与其校验值不符（记录被改动过）"),
    ("the JSON after", lambda s: _sql(s, "UPDATE audit_log SET after = '{\"n\": 9}' WHERE id = 4"),
     4, "第 4 条记录的内容与其校验值不符（记录被改动过）"),
    ("a text cleared", lambda s: _sql(s, "UPDATE audit_log SET detail = NULL WHERE id = 5"),
     5, "第 5 条记录的内容与其校验值不符（记录被改动过）"),
    ("a row deleted", lambda s: _sql(s, "DELETE FROM audit_log WHERE id = 3"), 4,
     "第 4 条之前缺少记录（编号 3 不存在）"),
    ("two rows deleted", lambda s: _sql(s, "DELETE FROM audit_log WHERE id IN (2, 3)"), 4,
     "第 4 条之前缺少记录（编号 2–3 不存在）"),
    ("the first row deleted", lambda s: _sql(s, "DELETE FROM audit_log WHERE id = 1"), 2,
     "第 2 条之前缺少记录（编号 1 不存在）"),
    ("a row put in the middle", lambda s: (_shift_after(s, 3), _forge(s, 4, _hash_of(s, 3))), 5,
     "第 5 条记录的内容与其校验值不符（记录被改动过）"),
    ("a row put at the end", lambda s: _forge(s, 6, "ab" * 32), 6,
     "第 6 条记录的前一条校验值不符"),
    ("a row with a made-up hash", lambda s: _forge(s, 6, _hash_of(s, 5), hash="cd" * 32), 6,
     "第 6 条记录的内容与其校验值不符（记录被改动过）"),
    ("a hash", lambda s: _sql(s, "UPDATE audit_log SET hash = :h WHERE id = 3", h="f" * 64), 3,
     "第 3 条记录的内容与其校验值不符（记录被改动过）"),
    ("a row rewritten with its own new hash", lambda s: _rewrite(s, 3), 4,
     "第 4 条记录的前一条校验值不符"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "tamper", "broken", "message"), TAMPERING,
                         ids=[t[0] for t in TAMPERING])  # fmt: skip
def test_a_change_by_hand_is_found(
    store: Store, what: str, tamper: Callable[[Store], None], broken: int, message: str
) -> None:
    _fill(store)
    tamper(store)
    report = store.verify_audit()
    assert not report.ok
    assert (report.broken, report.message) == (broken, message)


def test_the_newest_entries_deleted_show_only_against_a_hash_written_down(store: Store) -> None:
    _fill(store)
    written_down = store.verify_audit().last_hash
    _sql(store, "DELETE FROM audit_log WHERE id >= 4")
    assert store.verify_audit().ok  # what the chain alone cannot show
    report = store.verify_audit(known_hash=written_down)
    assert not report.ok and report.reason == "known" and report.count == 3
    assert f"记下的校验值 {written_down} 不在审计记录中" in report.message
    assert store.verify_audit(known_hash=_hash_of(store, 2)).ok


def test_an_entry_commits_and_rolls_back_with_the_callers_transaction(store: Store) -> None:
    store.record(actor=None, action="start")
    with pytest.raises(RuntimeError), store.engine.begin() as conn:
        store.record(actor="alice", action="approve", subject="table:1", conn=conn)
        raise RuntimeError("the action failed")
    assert [e.action for e in store.audit_entries()] == ["start"]
    with store.engine.begin() as conn:
        n = store.record(actor="alice", action="approve", subject="table:1", conn=conn)
    assert n == 2  # no gap left by the rolled-back one (no sequence)
    assert store.verify_audit().ok


def test_concurrent_writers_chain_onto_distinct_predecessors(db_url: str) -> None:
    Store(db_url).close()  # migrated once
    writers, each = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(k: int) -> None:
        try:
            with Store(db_url, migrate=False) as s:
                start.wait()
                for i in range(each):
                    if k % 2:  # in a transaction of the caller's
                        with s.engine.begin() as conn:
                            s.record(actor=f"w{k}", action="x", detail=str(i), conn=conn)
                    else:
                        s.record(actor=f"w{k}", action="x", detail=str(i))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(db_url, migrate=False) as s:
        entries = s.audit_entries()
        report = s.verify_audit()
    assert report.ok, report.message
    assert report.count == len(entries) == writers * each
    assert len({e.prev_hash for e in entries}) == writers * each  # no shared predecessor
    assert [e.id for e in entries] == list(range(1, writers * each + 1))


def test_an_import_and_a_correction_are_entries(store: Store, tmp_path: Path) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    doc = tmp_path / "目标表.txt"
    doc.write_bytes(seed.read_bytes())
    report = service.import_paths(store, [str(doc)], workers=1, actor="alice")
    assert report.ok and report.tables > 0
    (entry,) = store.audit_entries()
    assert (entry.actor, entry.action, entry.subject) == ("alice", "import", "document:目标表.txt")
    assert entry.before is None
    assert entry.after == {"tables": report.tables, "sha256": store.documents()[0].sha256}
    assert entry.detail == str(doc)
    service.import_paths(store, [str(doc)], workers=1)  # unchanged: nothing stored, no entry
    assert store.audit_count() == 1
    doc.write_bytes(seed.read_bytes() + b"\n")
    service.import_paths(store, [str(doc)], workers=1)
    replaced = store.audit_entries()[-1]
    assert replaced.actor is None and replaced.before == entry.after
    assert replaced.after["sha256"] != entry.after["sha256"]

    table_id = service.select_tables(store, TableQuery(limit=1)).items[0].id
    service.correct_levels(store, table_id, 0, "产出指标", "数量指标", actor="bob")
    fixed = store.audit_entries(action="correct-level")[0]
    assert (fixed.actor, fixed.subject) == ("bob", f"table:{table_id}")
    assert fixed.after["level1"] == "产出指标" and fixed.after["level2"] == "数量指标"
    assert fixed.before["indicator"] == fixed.after["indicator"] == fixed.detail
    assert store.verify_audit().ok


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), terminal_width=200)


def test_the_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    assert _cli("import", str(SEEDS), "--db", db).exit_code == 0
    res = _cli("audit", "verify", "--db", db)
    assert res.exit_code == 0, res.output
    assert "审计记录 2 条，校验通过" in res.stdout
    last = res.stdout.split("最后一条的校验值：")[1].split()[0]
    assert len(last) == 64
    out = tmp_path / "t.csv"
    assert _cli("export", "-f", "csv", "-o", str(out), "--year", "2024", "--db", db).exit_code == 0
    res = _cli("audit", "list", "--db", db)
    assert res.exit_code == 0 and "显示 3 条（最新的在前）" in res.stdout
    lines = [ln for ln in res.stdout.splitlines() if ln.strip()[:1].isdigit()]
    assert lines[0].split()[0] == "3" and "export" in lines[0] and 'csv {"year":2024}' in lines[0]
    res = _cli("audit", "list", "--action", "import", "--limit", "1", "--db", db)
    assert "显示 1 条" in res.stdout and "import" in res.stdout and "export" not in res.stdout
    res = _cli("audit", "list", "--actor", "nobody", "--db", db)
    assert "显示 0 条" in res.stdout
    assert _cli("audit", "verify", "--last", last, "--db", db).exit_code == 0
    with Store(db) as s:
        _sql(s, "DELETE FROM audit_log WHERE id = 3")
    res = _cli("audit", "verify", "--last", "0" * 63 + "1", "--db", db)
    assert res.exit_code == 1 and "不在审计记录中" in res.stdout
    with Store(db) as s:
        _sql(s, "UPDATE audit_log SET detail = 'x' WHERE id = 2")
    res = _cli("audit", "verify", "--db", db)
    assert res.exit_code == 1
    assert "第 2 条记录的内容与其校验值不符（记录被改动过）" in res.stdout
    res = _cli("audit", "verify", "--db", str(tmp_path / "none.db"))
    assert res.exit_code == 1 and "不存在" in res.output


HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", '=HYPERLINK("x")']


def test_exports_read_back_with_no_formula(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    with Store(db) as s:
        for h in HOSTILE:
            s.record(actor=h, action="sign-in-failed", subject=h, before=h, after={"v": h},
                     detail=h)  # fmt: skip
        n = len(HOSTILE)
        for fmt in ("csv", "json", "xlsx"):
            res = _cli("audit", "export", "--format", fmt, "-o", str(tmp_path / f"a.{fmt}"),
                       "--db", db)  # fmt: skip
            assert res.exit_code == 0, res.output
        # each export is itself an entry, after the file was written
        exports = s.audit_entries(action="export")
        assert [(e.subject, e.detail, e.after["rows"]) for e in exports] == [
            ("audit", "csv", n), ("audit", "json", n + 1), ("audit", "xlsx", n + 2)
        ]  # fmt: skip
        entries = s.audit_entries()
    wb = load_workbook(tmp_path / "a.xlsx")
    ws = wb["审计记录"]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == n + 3  # header, the hostile entries, the csv and json exports
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_START), cell.value
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0][0] == "编号" and len(table) == n + 1
    for row in table[1:]:
        for v in row:
            assert not v.startswith(FORMULA_START), v
    # JSON holds every field: the chain can be checked again from the file alone
    got = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert got == [e.to_json() for e in entries[: n + 1]]
    prev = GENESIS
    for e in got:
        fields = {k: e[k] for k in e if k != "hash"}
        fields["at"] = datetime.fromisoformat(fields["at"])
        assert e["prev_hash"] == prev and entry_hash(**fields) == e["hash"]
        prev = e["hash"]


def test_service_export_to_a_stream_and_filters(store: Store) -> None:
    _fill(store)
    buf = io.StringIO()
    assert service.export_audit(store, "json", buf, action="export") == 2
    assert [e["id"] for e in json.loads(buf.getvalue())] == [4, 5]
    buf = io.StringIO()
    assert service.export_audit(store, "json", buf, since=datetime.now(UTC) + timedelta(1)) == 0
    assert json.loads(buf.getvalue()) == []
    assert service.audit_verify(store).ok
    assert [e.id for e in service.audit_entries(store, actor="alice", limit=1)] == [1]
    assert service.audit_record(store, actor="root", action="user-add", subject="user:bob") == 6


def test_a_value_too_long_is_one_line(store: Store) -> None:
    from jixiao.errors import StoreError

    with pytest.raises(StoreError, match="审计记录的对象长 600 字，超过上限 512 字"):
        store.record(actor=None, action="x", subject="x" * 600)
    assert store.audit_count() == 0
