"""Reader speed: the seeds rendered to each format, imported, timed against the bare libraries.

    .venv/bin/python benchmarks/bench_readers.py [--repeat N]

PDF import (read_document + read_tables) is reported in pages per second next
to its floor on the same pages: pdfplumber's ``extract_tables`` alone, and
pypdfium2's plain text extraction. Word, Excel and HTML are reported in files
per second (each seed file holds 18 tables). The PDF needs LibreOffice.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import tempfile
import time
from collections.abc import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import render  # noqa: E402  (the test renderer writes the fixtures)
from jixiao.errors import InputError  # noqa: E402
from jixiao.forms import read_tables  # noqa: E402
from jixiao.model import TargetTable  # noqa: E402
from jixiao.readers import read_document  # noqa: E402


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of `repeat` runs: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def import_files(paths: list[str]) -> int:
    n = 0
    for p in paths:
        for t in read_tables(read_document(p)):
            if isinstance(t, InputError):
                raise t
            n += 1
    return n


def pdfplumber_tables(paths: list[str]) -> None:
    import pdfplumber

    for p in paths:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_tables()


def pdfium_text(paths: list[str]) -> None:
    import pypdfium2 as pdfium

    for p in paths:
        doc = pdfium.PdfDocument(p)
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        doc.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    seeds = sorted(glob.glob(os.path.join(ROOT, "samples", "seeds", "*.txt")))
    tables: dict[str, list[TargetTable]] = {}
    for s in seeds:
        stem = os.path.splitext(os.path.basename(s))[0]
        tables[stem] = [t for t in read_tables(read_document(s)) if isinstance(t, TargetTable)]
    ntables = sum(len(v) for v in tables.values())

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as d:
        files: dict[str, list[str]] = {"docx": [], "xlsx": [], "html": []}
        for stem, ts in tables.items():
            items = render.layouts(ts)
            for fmt in files:
                p = os.path.join(d, f"{stem}.{fmt}")
                if fmt == "docx":
                    render.write_docx(items, p)
                elif fmt == "xlsx":
                    render.write_xlsx(items, p, sheet_per_table=False)
                else:
                    render.write_html(items, p)
                files[fmt].append(p)
        for fmt, paths in files.items():
            sec = best_of(args.repeat, lambda paths=paths: import_files(paths))
            rows.append(
                (fmt, f"{len(paths) / sec:8.1f} files/s", f"{1000 * sec / ntables:6.2f} ms/table")
            )

        if render.soffice() is None:
            rows.append(("pdf", "skipped: LibreOffice (soffice) not installed", ""))
        else:
            import pypdfium2 as pdfium

            pdfs = render.docx_to_pdf(files["docx"], d)
            pages = 0
            for p in pdfs:
                doc = pdfium.PdfDocument(p)
                pages += len(doc)
                doc.close()
            for label, fn in (
                ("pdf import (read_document + read_tables)", lambda: import_files(pdfs)),
                ("pdf floor: pdfplumber extract_tables", lambda: pdfplumber_tables(pdfs)),
                ("pdf floor: pypdfium2 plain text", lambda: pdfium_text(pdfs)),
            ):
                sec = best_of(args.repeat, fn)
                rows.append(
                    (label, f"{pages / sec:8.1f} pages/s", f"{1000 * sec / pages:6.1f} ms/page")
                )

    print(f"{ntables} tables from {len(seeds)} seed files, best of {args.repeat} runs")
    width = max(len(r[0]) for r in rows)
    for name, rate, per in rows:
        print(f"{name:<{width}}  {rate}  {per}")


if __name__ == "__main__":
    main()
