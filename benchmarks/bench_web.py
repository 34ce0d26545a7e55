"""Load benchmark of the web application: locust (headless) against ``jixiao serve``.

    python benchmarks/bench_web.py --tables 10000 --db sqlite
    python benchmarks/bench_web.py --tables 100000 --db postgresql [--pg-url URL]

Builds a store of N tables once — the seeds replicated with varied regions, departments,
years and project names (:func:`make_corpus`), imported with ``jixiao import`` — and
keeps it in the cache folder (``--cache``, default ``$XDG_CACHE_HOME/jixiao-bench``)
with a marker, so a second run reuses it. Then starts ``jixiao serve`` (one uvicorn
worker) on a free loopback port, runs ``benchmarks/locustfile.py`` with ``--users``
concurrent users for ``--duration`` seconds, samples the server's memory (RSS) every
second, and prints p50/p95/p99 and errors per kind of page, and the memory at the
start, its peak and at the end. Figures go in the README by hand, never in a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
CORPUS_VERSION = 1  # bump when make_corpus changes: cached stores are then rebuilt
COPIES_PER_FILE = 8  # copies of the 36 seed tables per file: 288 tables a file

# Chongqing's districts and counties: each copy of the seeds is filed by one of them
# (its region, and every department named after 长寿区 becomes that district's).
DISTRICTS = " ".join(
    [
        "万州 涪陵 渝中 大渡口 江北 沙坪坝 九龙坡 南岸 北碚 綦江 大足 渝北 巴南 黔江 长寿 江津 ",
        "合川 永川 南川 璧山 铜梁 潼南 荣昌 开州 梁平 武隆 城口 丰都 垫江 忠县 云阳 奉节 巫山 ",
        "巫溪 石柱 秀山 酉阳 彭水",
    ]
).split()
YEARS = (2021, 2022, 2023, 2024)
# Towns (街道/镇) that name variants of a project: 凤城街道餐饮行业油烟整治及达标抽测项目.
TOWNS = " ".join(
    [
        "凤城街道 晏家街道 江南街道 渡舟街道 新市街道 八颗街道 但渡镇 云集镇 长寿湖镇 双龙镇 ",
        "龙河镇 石堰镇 云台镇 海棠镇 葛兰镇 洪湖镇 万顺镇 邻封镇 朱家镇 菩提街道 龙潭镇 ",
        "白马镇 黄桷镇 太平镇 石回镇 永丰镇 同乐镇 新城街道 东城街道 西城街道",
    ]
).split()

# Words a person searches for: parts of project, department and indicator names, some
# common (满意度), some rare (巨灾保险).
WORDS = " ".join(
    [
        "油烟 巨灾保险 安全劝导 危房改造 垃圾分类 科技计划 雪亮工程 房屋租金 满意度 知晓率 ",
        "覆盖率 完成时限 财政局 教育委员会 卫生健康 万州 凤城街道 龙河镇 保险 培训",
    ]
).split()


# -- the corpus ---------------------------------------------------------------------


def seed_blocks() -> list[str]:
    """The seed documents cut into one text block per table (a heading line starts one)."""
    blocks: list[str] = []
    for p in sorted(SEEDS.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        starts = [m.start() for m in re.finditer(r"(?m)^.*绩效目标表\s*$", text)]
        blocks += [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return blocks


def variant(block: str, k: int) -> str:
    """Copy ``k`` of a table: district, year and (after the first 152 copies) project name."""
    district = DISTRICTS[k % len(DISTRICTS)]
    year = YEARS[(k // len(DISTRICTS)) % len(YEARS)]
    v = k // (len(DISTRICTS) * len(YEARS))
    out = block.replace("长寿", district).replace("2024年", f"{year}年", 1)
    if v:
        town = TOWNS[(v - 1) % len(TOWNS)]
        round_ = f"（{(v - 1) // len(TOWNS) + 1}期）" if v > len(TOWNS) else ""
        out = re.sub(
            r"(?m)^(项目名称\t)([^\t\n]+)", lambda m: f"{m[1]}{town}{m[2]}{round_}", out, count=1
        )
    return out


def make_corpus(folder: Path, tables: int) -> int:
    """Text files holding ``tables`` tables (whole copies of the seeds); how many files."""
    blocks = seed_blocks()
    copies = -(-tables // len(blocks))
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for n, first in enumerate(range(0, copies, COPIES_PER_FILE)):
        parts = [f"副本 {n}\n"]  # distinct files: a re-import skips identical ones
        for k in range(first, min(first + COPIES_PER_FILE, copies)):
            parts += [variant(b, k) for b in blocks]
        (folder / f"part{n:05d}.txt").write_text("".join(parts), encoding="utf-8")
    return n + 1


# -- the store ----------------------------------------------------------------------


def db_url(args: argparse.Namespace) -> str:
    if args.db == "sqlite":
        return f"sqlite:///{args.cache}/web-{args.tables}.db"
    return str(args.pg_url or f"postgresql://postgres@127.0.0.1:5432/jixiao_bench_{args.tables}")


def fresh_database(url: str) -> None:
    """An empty database at ``url``: a SQLite file removed, a PostgreSQL database recreated."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    admin = u.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{u.database}"')
        conn.execute(f'CREATE DATABASE "{u.database}"')


def stored(url: str) -> list[int]:
    """The ids of the stored tables (none when the database is missing or empty)."""
    from sqlalchemy import select

    from jixiao.errors import StoreError
    from jixiao.store import Store
    from jixiao.store.schema import target_tables

    try:
        store = Store(url)  # a cached store is brought to the newest schema, as serve would
    except StoreError:
        return []
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(target_tables.c.id).order_by(target_tables.c.id))]
    store.close()
    return ids


def analyze(url: str) -> None:
    """PostgreSQL's planner statistics, as autovacuum would gather them a while later."""
    from sqlalchemy import text

    from jixiao.store import Store

    with Store(url) as store, store.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def build(args: argparse.Namespace, url: str) -> list[int]:
    """The store of ``--tables`` tables: reused when its marker says it is one, else built."""
    marker = Path(args.cache) / f"web-{args.db}-{args.tables}.json"
    want = {"tables": args.tables, "corpus": CORPUS_VERSION, "url": url}
    if marker.exists() and not args.rebuild:
        ids = stored(url)
        if json.loads(marker.read_text()) == {**want, "stored": len(ids)} and ids:
            print(f"reusing {len(ids):,} tables in {url} (marker {marker})")
            return ids
    marker.unlink(missing_ok=True)
    corpus = Path(args.cache) / f"corpus-{args.tables}"
    shutil.rmtree(corpus, ignore_errors=True)
    t0 = time.perf_counter()
    files = make_corpus(corpus, args.tables)
    print(f"corpus: {files} files in {corpus} ({time.perf_counter() - t0:.1f} s)")
    fresh_database(url)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "jixiao", "import", "--db", url, "--workers", str(args.workers),
           "--quiet", str(corpus)]  # fmt: skip
    subprocess.run(cmd, check=True)
    ids = stored(url)
    dt = time.perf_counter() - t0
    print(f"imported {len(ids):,} tables in {dt:.0f} s ({len(ids) / dt:,.0f} tables/s)")
    if url.startswith("postgresql"):
        analyze(url)
    shutil.rmtree(corpus, ignore_errors=True)
    marker.write_text(json.dumps({**want, "stored": len(ids)}))
    return ids


# -- the server and its memory ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"jixiao serve stopped (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/tables?limit=1", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"jixiao serve did not answer within {timeout:.0f} s")


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB: psutil if installed, else /proc."""
    try:
        import psutil

        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class MemorySampler(threading.Thread):
    """The server's RSS once a second while the load runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[float] = []
        self.stop = threading.Event()

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the server has used so far."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def run(self) -> None:
        while not self.stop.is_set():
            mb = rss_mb(self.pid)
            if mb is not None:
                self.samples.append(mb)
            self.stop.wait(1.0)


# -- the load ------------------------------------------------------------------------


def run_locust(args: argparse.Namespace, base: str, plan: Path, out: Path) -> Path:
    prefix = out / f"locust-{args.db}-{args.tables}"
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
           "-u", str(args.users), "-r", str(args.users), "-t", f"{args.duration}s",
           "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
           "--loglevel", "WARNING"]  # fmt: skip
    # Exit 1 means some requests failed: the table below says which; locust's own
    # summary goes to a log beside its CSV files.
    with open(f"{prefix}.log", "w") as log:
        env = {**os.environ, "JIXIAO_BENCH_PLAN": str(plan)}
        subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    return Path(f"{prefix}_stats.csv")


def report(stats: Path, memory: list[float], cpu: float | None, args: argparse.Namespace) -> None:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    print(f"\n{args.tables:,} tables on {args.db}, {args.users} users, {args.duration} s, "
          "one uvicorn worker\n")  # fmt: skip
    head = f"{'request':<28}{'count':>7}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>7}"
    print(head + "   (ms)")
    missed = []
    for r in rows:
        name = "all" if r["Name"] == "Aggregated" else r["Name"]
        p95 = float(r["95%"])
        top = float(r["Max Response Time"])
        print(f"{name:<28}{int(r['Request Count']):>7}{int(r['Failure Count']):>7}"
              f"{r['50%']:>7}{r['95%']:>7}{r['99%']:>7}{top:>7.0f}")  # fmt: skip
        if name != "all" and (p95 >= 100 or int(r["Failure Count"])):
            missed.append(name)
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if total is not None:
        n = int(total["Request Count"])
        print(f"\nthroughput {float(total['Requests/s']):.1f} requests/s")
        if cpu is not None and n:
            # What a request costs the server whatever else runs on the machine.
            print(f"server CPU {cpu:.1f} s in all, {cpu / n * 1000:.0f} ms a request")
    if memory:
        print(f"server RSS (MB): start {memory[0]:.0f}, peak {max(memory):.0f}, "
              f"end {memory[-1]:.0f} ({len(memory)} samples)")  # fmt: skip
    print("targets (p95 < 100 ms, no errors): " + ("met" if not missed else
          "missed by " + ", ".join(missed)))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--pg-url", help="PostgreSQL database (recreated when it is rebuilt)")
    ap.add_argument("--duration", type=int, default=60, help="seconds of load")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2, help="import workers")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    ap.add_argument("--cache", default=os.path.join(cache, "jixiao-bench"))
    ap.add_argument("--rebuild", action="store_true", help="build the store even if cached")
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()
    Path(args.cache).mkdir(parents=True, exist_ok=True)

    url = db_url(args)
    ids = build(args, url)
    if args.build_only:
        return
    out = Path(args.cache) / "results"
    out.mkdir(exist_ok=True)
    plan = out / f"plan-{args.db}-{args.tables}.json"
    plan.write_text(json.dumps({"tables": len(ids), "ids": ids, "words": WORDS}))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        # A local store without accounts: the pages as an administrator sees them.
        [sys.executable, "-m", "jixiao", "serve", "--db", url, "--port", str(port), "--no-accounts"]
    )
    try:
        wait_ready(base, server)
        sampler = MemorySampler(server.pid)
        cpu0 = sampler.cpu_seconds()
        sampler.start()
        stats = run_locust(args, base, plan, out)
        sampler.stop.set()
        sampler.join()
        cpu1 = sampler.cpu_seconds()
        cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    report(stats, sampler.samples, cpu, args)


if __name__ == "__main__":
    main()
