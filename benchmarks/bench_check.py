"""Time to review 10,000 tables (the 36 seeds replicated) with every rule.

python benchmarks/bench_check.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from jixiao.ingest import read_paths
from jixiao.model import Source, TargetTable
from jixiao.rules import check

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"


def replicate(n: int) -> list[TargetTable]:
    """n tables: copies of the seeds, each its own filing (own project name and source)."""
    seeds = [t for t in read_paths([str(SEEDS)]) if isinstance(t, TargetTable)]
    out = []
    for k in range(n):
        t = seeds[k % len(seeds)].model_copy(deep=True)
        # Distinct names, so duplicates.project finds the seeds' one real duplicate per copy.
        t.project = f"{t.project}#{k // len(seeds)}"
        t.source = Source(file=f"copy{k // len(seeds)}.txt", index=k % len(seeds))
        out.append(t)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tables = replicate(n)
    start = time.perf_counter()
    findings = check(tables)
    elapsed = time.perf_counter() - start
    print(f"{n} tables, {len(findings)} findings in {elapsed:.2f} s ({n / elapsed:,.0f} tables/s)")


if __name__ == "__main__":
    main()
