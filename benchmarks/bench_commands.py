"""Every command's time and peak memory on a store of the seeds replicated to N tables.

    python benchmarks/bench_commands.py [--sizes 10000,100000] [--db-dir /tmp/jixiao-cmds-bench]
                                        [--pg postgresql://127.0.0.1/test] [--only list,check]

The 36 seed tables (two files) are copied into files of ``PER_FILE`` copies each, every
file made distinct by a first line of its own, and imported once per size into
``<db-dir>/seeds-<N>.db`` (kept between runs: the import is not what is measured here).
Each command then runs in a fresh process under ``/usr/bin/time -v`` with its output to
a file (not a terminal), and its wall time and peak memory (max RSS) are printed.

Every copy keeps the seeds' project names, so ``show 巨灾保险项目`` at 100,000 tables
finds 5,556 filings and ``duplicates.project`` reports every copy after the first —
the worst case for the per-table review output. Figures go in the README by hand,
never in a test.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
PER_FILE = 10  # copies of the 36 seed tables per file: 360 tables a file

# (name, arguments after ``jixiao``; {out} is a file in a temporary folder)
COMMANDS: list[tuple[str, list[str]]] = [
    ("help", ["--help"]),
    ("list", ["list"]),
    ("show", ["show", "巨灾保险项目"]),
    ("check", ["check", "--fail-on", "never"]),
    ("check json", ["check", "--format", "json", "--fail-on", "never"]),
    ("check xlsx", ["check", "--format", "xlsx", "-o", "{out}.xlsx", "--fail-on", "never"]),
    ("classify json", ["classify", "--format", "json"]),
    ("export json", ["export", "--format", "json"]),
    ("export csv", ["export", "--format", "csv"]),
    ("export xlsx", ["export", "--format", "xlsx", "-o", "{out}.xlsx"]),
    ("template selfeval", ["template", "selfeval", "-o", "{out}.xlsx"]),
    ("template monitor", ["template", "monitor", "-o", "{out}.xlsx"]),
]


def make_corpus(folder: Path, tables: int) -> list[Path]:
    """Files of seed copies holding at least ``tables`` tables (36 per copy)."""
    text = "".join(p.read_text(encoding="utf-8") + "\n" for p in SEEDS)
    per_copy = 36
    copies = -(-tables // per_copy)
    files = []
    for n in range(-(-copies // PER_FILE)):
        k = min(PER_FILE, copies - n * PER_FILE)
        p = folder / f"part{n:05d}.txt"
        p.write_text(f"副本 {n}\n" + text * k, encoding="utf-8")
        files.append(p)
    return files


def build(db: str, tables: int) -> None:
    """Import the replicated seeds into ``db`` (all cores)."""
    with tempfile.TemporaryDirectory() as d:
        files = make_corpus(Path(d), tables)
        subprocess.run(
            [sys.executable, "-m", "jixiao", "import", "-q", "--db", db, *map(str, files)],
            check=True,
        )


def sqlite_store(folder: Path, tables: int) -> str:
    db = folder / f"seeds-{tables}.db"
    if not db.exists():
        print(f"building {db} …", file=sys.stderr)
        part = db.with_suffix(".part.db")
        part.unlink(missing_ok=True)
        build(str(part), tables)
        part.rename(db)
    return str(db)


def measure(db: str, args: list[str], out: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``jixiao <args> --db <db>`` in a fresh process."""
    argv = [a.format(out=out) for a in args]
    if argv != ["--help"]:
        argv += ["--db", db]
    with open(out + ".stdout", "wb") as sink:
        res = subprocess.run(
            ["/usr/bin/time", "-v", sys.executable, "-m", "jixiao", *argv],
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    if res.returncode not in (0, 1):
        raise SystemExit(f"jixiao {' '.join(argv)} failed:\n{res.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", res.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", res.stderr)
    assert wall and rss, res.stderr
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    return seconds, int(rss.group(1)) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--db-dir", default=os.path.join(tempfile.gettempdir(), "jixiao-cmds-bench"))
    ap.add_argument("--only", help="commands to run, by name, comma-separated")
    ap.add_argument("--build-only", action="store_true", help="build the stores and stop")
    args = ap.parse_args()
    folder = Path(args.db_dir)
    folder.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    stores = {n: sqlite_store(folder, n) for n in sizes}
    if args.build_only:
        return
    only = set(args.only.split(",")) if args.only else None
    print(f"Python {sys.version.split()[0]}; SQLite; output to a file\n")
    print(f"{'command':<20}" + "".join(f"{f'{n:,} tables':>24}" for n in sizes))
    print(f"{'':<20}" + "".join(f"{'seconds':>12}{'peak MB':>12}" for _ in sizes))
    with tempfile.TemporaryDirectory() as d:
        for name, cmd in COMMANDS:
            if only and name not in only:
                continue
            cells = []
            for n in sizes:
                sec, mb = measure(stores[n], cmd, os.path.join(d, "out"))
                cells.append(f"{sec:>12.2f}{mb:>12.0f}")
            print(f"{name:<20}" + "".join(cells), flush=True)


if __name__ == "__main__":
    main()
