"""Text parse speed against its floor: the seeds replicated, parsed, timed in one process.

    python benchmarks/bench_parse.py [--copies 300] [--repeat 7] [--profile]

The floor is what any parser of the text format must do at least: read each file,
decode it, split it into lines and each line into tab-separated cells. The parse is
``read_tables(read_document(path))`` to the last TargetTable; the reader alone
(``read_document``) is shown between them, so the forms' share is the difference.
Each figure is the best of ``--repeat`` runs alternating the three, on one core, in
CPU time of this process (``time.process_time``): on a shared machine wall time
moves with the neighbours' load, CPU time much less.
``--profile`` prints where one parse spends its time (cProfile, by own time).

The real-table corpus (``tests/data/real``, HTML and text) is timed the same way:
the reader alone against the whole parse. Figures go in the README by hand, never
in a test.
"""

from __future__ import annotations

import argparse
import cProfile
import glob
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_FILE = 10  # seed copies a file: about 300 tables of the larger seed

from jixiao.forms import read_tables  # noqa: E402
from jixiao.readers import read_document  # noqa: E402


def make_corpus(folder: Path, copies: int) -> list[Path]:
    """Each seed written ``copies`` times, ``PER_FILE`` copies a file."""
    files = []
    for seed in sorted(glob.glob(str(ROOT / "samples" / "seeds" / "*.txt"))):
        text = Path(seed).read_text(encoding="utf-8")
        stem = Path(seed).stem
        for n in range(-(-copies // PER_FILE)):
            k = min(PER_FILE, copies - n * PER_FILE)
            p = folder / f"{stem}-{n:04d}.txt"
            p.write_text(f"副本 {n}\n" + text * k, encoding="utf-8")
            files.append(p)
    return files


def floor(files: list[Path]) -> int:
    cells = 0
    for p in files:
        with open(p, encoding="utf-8") as f:
            for line in f.read().split("\n"):
                cells += len(line.split("\t"))
    return cells


def read_only(files: list[Path]) -> int:
    return sum(len(read_document(str(p)).blocks) for p in files)


def parse(files: list[Path]) -> int:
    n = 0
    for p in files:
        for t in read_tables(read_document(str(p))):
            n += not isinstance(t, Exception)
    return n


def best(repeat: int, steps: dict[str, Callable[[], int]]) -> dict[str, float]:
    """The fastest of `repeat` runs of each step, the steps alternating run by run."""
    out = dict.fromkeys(steps, float("inf"))
    for _ in range(repeat):
        for name, fn in steps.items():
            t0 = time.process_time()
            fn()
            out[name] = min(out[name], time.process_time() - t0)
    return out


def real_documents() -> list[Path]:
    real = ROOT / "tests" / "data" / "real"
    return sorted(p for p in real.rglob("*") if p.suffix in (".html", ".htm", ".txt"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--copies", type=int, default=300, help="copies of each seed")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--profile", action="store_true", help="profile one parse")
    ap.add_argument("--top", type=int, default=30, help="profile lines to print")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as d:
        files = make_corpus(Path(d), args.copies)
        tables = parse(files)
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(parse, files)
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
            return
        t = best(
            args.repeat,
            {
                "floor": lambda: floor(files),
                "read": lambda: read_only(files),
                "parse": lambda: parse(files),
            },
        )
    print(
        f"Python {sys.version.split()[0]}; seeds ×{args.copies}: {tables:,} tables in "
        f"{len(files)} files; best of {args.repeat}, one process"
    )
    print(f"{'step':<34}{'seconds':>9}{'tables/s':>11}{'vs floor':>10}")
    for name, label in (
        ("floor", "floor: read, lines, tab cells"),
        ("read", "reader: read_document"),
        ("parse", "parse: read_document + read_tables"),
    ):
        print(f"{label:<34}{t[name]:>9.3f}{tables / t[name]:>11,.0f}{t[name] / t['floor']:>9.1f}×")

    docs = real_documents()
    if docs:
        ntab = sum(1 for p in docs for x in read_tables(read_document(str(p))))
        r = best(
            args.repeat,
            {"read": lambda: read_only(docs), "parse": lambda: parse(docs)},
        )
        print(
            f"\nreal corpus: {len(docs)} documents, {ntab} tables; "
            f"reader {1000 * r['read']:.1f} ms, parse {1000 * r['parse']:.1f} ms "
            f"(forms {1000 * (r['parse'] - r['read']):.1f} ms, "
            f"parse {r['parse'] / r['read']:.1f}× the reader)"
        )


if __name__ == "__main__":
    main()
