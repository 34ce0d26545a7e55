"""Import and evaluate at scale: the two seed documents replicated to 10k–100k tables.

    python benchmarks/bench_scale.py import   --tables 10000 [--db sqlite|postgresql] [--workers N]
    python benchmarks/bench_scale.py copy     --tables 10000      # PostgreSQL store vs bare COPY
    python benchmarks/bench_scale.py evaluate --tables 100000 --returns 36,6000 [--db …]

Each copy of the seeds (36 tables) is one file, its departments numbered by the copy
(``重庆市生态环境局 17``): every table is a distinct filing, and every project has one
filing per copy, under a department of its own, as a district's projects recur year
after year. Corpora are cached under ``$TMPDIR/jixiao-bench``.

``import`` runs ``import_paths`` in a fresh child process and prints tables/s and peak
memory (max RSS of the importing process, and of its largest parsing worker).
``copy`` stores parsed files as the import does, then copies the same rows with one bare
``COPY`` per table into an empty schema. ``evaluate`` scores JSON returns (one per
sampled stored table) against a store of ``--tables`` and saves the results.
PostgreSQL is ``$JIXIAO_BENCH_PG`` (default ``postgresql://postgres@127.0.0.1:5432/test``),
each run in a schema of its own, dropped afterwards. Figures go in the README by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
PG = os.environ.get("JIXIAO_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
CACHE = Path(tempfile.gettempdir()) / "jixiao-bench"
_DEPT = re.compile(r"^(主管部门\t[^\t\n]+)", re.MULTILINE)


def corpus(tables: int) -> Path:
    """A folder of seed copies holding ``tables`` tables (rounded up to whole copies)."""
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    per_copy = sum(t.count("绩效目标表\n") for t in texts)
    copies = -(-tables // per_copy)
    folder = CACHE / f"corpus-{copies}"
    if (folder / ".done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(texts)
    for k in range(copies):
        sub = folder / f"{k // 1000:03d}"  # folders of 1,000 files, as a district might hold
        sub.mkdir(exist_ok=True)
        (sub / f"copy{k:06d}.txt").write_text(_DEPT.sub(rf"\g<1> {k}", text), encoding="utf-8")
    (folder / ".done").touch()
    return folder


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh SQLite file or PostgreSQL schema, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as d:
            yield f"sqlite:///{d}/bench.db"
        return
    from sqlalchemy import create_engine, text

    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def peaks() -> tuple[float, float]:
    """Max RSS in MB of this process and of its largest (finished) child process."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


# -- import ---------------------------------------------------------------------------


def child_import(tables: int, kind: str, workers: int | None) -> None:
    from jixiao.ingest import import_paths
    from jixiao.store import Store

    folder = corpus(tables)
    with database(kind) as url:
        store = Store(url)
        t0 = time.perf_counter()
        report = import_paths([str(folder)], store, workers=workers)
        dt = time.perf_counter() - t0
        store.close()
    own, worker = peaks()
    print(json.dumps({"tables": report.tables, "seconds": dt, "rss": own, "worker_rss": worker}))


def bench_import(tables: int, kind: str, workers: int | None) -> None:
    corpus(tables)  # built outside the measured process
    args = ["--child-import", "--tables", str(tables), "--db", kind]
    if workers is not None:
        args += ["--workers", str(workers)]
    r = json.loads(
        subprocess.run(
            [sys.executable, __file__, "import", *args], capture_output=True, text=True, check=True
        ).stdout.splitlines()[-1]
    )
    w = "default" if workers is None else workers
    print(
        f"import {kind:<10} workers={w!s:<8}{r['tables']:>8,} tables {r['seconds']:>8.1f} s"
        f"{r['tables'] / r['seconds']:>8,.0f} tables/s  peak {r['rss']:>5.0f} MB"
        f" (worker {r['worker_rss']:.0f} MB)"
    )


# -- PostgreSQL store vs a bare COPY ----------------------------------------------------


def bench_copy(tables: int) -> None:
    from jixiao.ingest import parse_file, store_parsed, walk_paths
    from jixiao.store import Store
    from jixiao.store.schema import documents, indicators, storable, target_tables
    from jixiao.store.tables import _indicator_row, _table_row

    files = walk_paths([str(corpus(tables))]).files
    parsed = [parse_file(f) for f in files]
    n = sum(len(p.tables) for p in parsed)
    with database("postgresql") as url:
        store = Store(url)
        t0 = time.perf_counter()
        for p in parsed:
            store_parsed(p, store)
        stored = time.perf_counter() - t0
        store.close()
    # The same rows, built beforehand, with ids given: one COPY per table, one transaction.
    d_rows: list[dict[str, object]] = []
    t_rows: list[dict[str, object]] = []
    i_rows: list[dict[str, object]] = []
    tid = 0
    for doc, p in enumerate(parsed, 1):
        d_rows.append({"id": doc, "path": p.path, "name": p.name, "format": p.format,
                       "sha256": p.sha256, "size": p.size, "imported_at": datetime.now(UTC),
                       "table_count": len(p.tables), "problems": []})  # fmt: skip
        for k, t in enumerate(p.tables):
            tid += 1
            t_rows.append({"id": tid, **_table_row(doc, k, t)})
            i_rows += [{"id": 0, **_indicator_row(tid, j, i)} for j, i in enumerate(t.indicators)]
    for j, r in enumerate(i_rows, 1):
        r["id"] = j
    with database("postgresql") as url:
        store = Store(url)
        raw = store.engine.raw_connection()
        t0 = time.perf_counter()
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            for table, rows in ((documents, d_rows), (target_tables, t_rows), (indicators, i_rows)):
                cols = list(rows[0])
                with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row([_copy_value(storable(r[c])) for c in cols])
        raw.commit()
        bare = time.perf_counter() - t0
        raw.close()
        store.close()
    print(
        f"postgresql store {n:,} tables in {len(parsed):,} files: {stored:.2f} s;"
        f" bare COPY of the same rows {bare:.2f} s; ratio {stored / bare:.2f}x"
    )


def _copy_value(v: object) -> object:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v


# -- evaluate ---------------------------------------------------------------------------


def bench_evaluate(tables: int, kind: str, counts: list[int]) -> None:
    from jixiao import service
    from jixiao.ingest import import_paths
    from jixiao.store import Store

    folder = corpus(tables)
    with database(kind) as url:
        store = Store(url)
        t0 = time.perf_counter()
        stored = import_paths([str(folder)], store).tables
        print(f"store: {stored:,} tables on {kind} in {time.perf_counter() - t0:.0f} s")
        total = store.count()
        for count in counts:
            with tempfile.TemporaryDirectory() as d:
                path = Path(d) / "returns.json"
                path.write_text(json.dumps(_returns(store, total, count), ensure_ascii=False))
                t0 = time.perf_counter()
                run = service.evaluate(store, [str(path)], None)
                dt = time.perf_counter() - t0
            print(
                f"evaluate {count:>6,} returns against {total:,} tables ({kind}):"
                f" {dt:.2f} s, {len(run.scored):,} scored, {len(run.problems)} problems"
            )
        store.close()


def _returns(store: object, total: int, count: int) -> list[dict[str, object]]:
    """One JSON return for each of ``count`` stored tables spread over the store."""
    step = max(1, total // count)
    ids = list(range(1, total + 1, step))[:count]
    out: list[dict[str, object]] = []
    for t in store.tables(ids=ids):  # type: ignore[attr-defined]
        actuals = [
            {"indicator": i.name, "actual": i.number if i.number is not None else "达成"}
            for i in t.indicators
        ]
        funds = t.funds.total or 1
        out.append({"project": t.project, "department": t.department, "budget": funds,
                    "executed": funds * 0.9, "actuals": actuals})  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("what", choices=["import", "copy", "evaluate"])
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--returns", default="36,6000")
    ap.add_argument("--child-import", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_import:
        child_import(args.tables, args.db, args.workers)
    elif args.what == "import":
        bench_import(args.tables, args.db, args.workers)
    elif args.what == "copy":
        bench_copy(args.tables)
    else:
        bench_evaluate(args.tables, args.db, [int(c) for c in args.returns.split(",")])


if __name__ == "__main__":
    main()
