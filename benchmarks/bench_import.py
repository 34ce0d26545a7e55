"""Import speed and memory on the seeds replicated to 10,000+ tables.

    python benchmarks/bench_import.py [--tables 10000] [--sizes 2500,5000,10000,20000]

Three measurements on the same files, each on one core:
  floor   Python reading the files and splitting them into lines and cells;
  parse   readers + forms → TargetTable objects (no store);
  store   parse + store into a fresh SQLite database (``import_paths``, one worker).
Peak memory (max RSS) is measured in a fresh child process per input size, so
growth with the input shows. Figures go in the README by hand, never in a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "seeds" / "000_b1cbcbfb32276fbb.txt"
PER_FILE = 10  # copies of the 30-table seed per file: 300 tables a file


def make_corpus(folder: Path, tables: int) -> list[Path]:
    text = SEED.read_text(encoding="utf-8")
    per_copy = text.count("绩效目标表\n")
    copies = -(-tables // per_copy)
    files = []
    for n in range(-(-copies // PER_FILE)):
        k = min(PER_FILE, copies - n * PER_FILE)
        p = folder / f"part{n:04d}.txt"
        # A first line of its own makes each file distinct (re-imports skip identical files).
        p.write_text(f"副本 {n}\n" + text * k, encoding="utf-8")
        files.append(p)
    return files


def floor(files: list[Path]) -> int:
    cells = 0
    for p in files:
        with open(p, encoding="utf-8") as f:
            for line in f.read().splitlines():
                cells += len(line.split("\t"))
    return cells


def parse(files: list[Path]) -> int:
    from jixiao.forms import read_tables
    from jixiao.readers import read_document

    n = 0
    for p in files:
        for t in read_tables(read_document(str(p))):
            n += not isinstance(t, Exception)
    return n


def store(files: list[Path], db: str) -> int:
    from jixiao.ingest import import_paths
    from jixiao.store import Store

    s = Store(db)
    report = import_paths([str(p) for p in files], s, workers=1)
    s.close()
    return report.tables


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, tables: int) -> None:
    """Run one measurement in this (fresh) process and print: tables seconds peak_mb."""
    with tempfile.TemporaryDirectory() as d:
        files = make_corpus(Path(d), tables)
        base = peak_mb()
        t0 = time.perf_counter()
        if mode == "floor":
            floor(files)
            n = tables
        elif mode == "parse":
            n = parse(files)
        else:
            n = store(files, f"sqlite:///{d}/bench.db")
        dt = time.perf_counter() - t0
        print(n, f"{dt:.4f}", f"{peak_mb():.1f}", f"{base:.1f}")


def run(mode: str, tables: int) -> tuple[int, float, float, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--tables", str(tables)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    ).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--sizes", default="2500,5000,10000,20000")
    ap.add_argument("--child", choices=["floor", "parse", "store"])
    args = ap.parse_args()
    if args.child:
        child(args.child, args.tables)
        return

    print(
        f"Python {sys.version.split()[0]}, one core; seeds replicated to {args.tables:,} tables\n"
    )
    print(f"{'step':<8}{'tables':>8}{'seconds':>10}{'tables/s':>12}{'vs floor':>10}")
    results = {}
    for mode in ("floor", "parse", "store"):
        n, dt, _, _ = run(mode, args.tables)
        results[mode] = dt
        ratio = dt / results["floor"]
        print(f"{mode:<8}{n:>8,}{dt:>10.3f}{n / dt:>12,.0f}{ratio:>9.1f}x")

    print("\npeak memory (max RSS, MB) by input size; start-up RSS in brackets")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'tables':>8}" + "".join(f"{m:>16}" for m in ("parse", "store")))
    for size in sizes:
        cols = []
        for mode in ("parse", "store"):
            _, _, peak, base = run(mode, size)
            cols.append(f"{peak:>8.0f} [{base:>4.0f}]")
        print(f"{size:>8,}" + "".join(f"{c:>16}" for c in cols))


if __name__ == "__main__":
    main()
