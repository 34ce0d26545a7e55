"""Forms: a document's grids → performance-target tables, one module per layout.

:func:`read_tables` segments a document into its tables and hands each to the
layout that recognises it. A new layout is one module with ``recognise`` and
``build`` and one line in :data:`LAYOUTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..errors import InputError, UnknownLayout
from ..model import TargetTable
from ..readers.grid import Document
from . import district, national
from .segment import Segment, segments

Build = Callable[[Segment, str, str | None], list[TargetTable]]


def _district(seg: Segment, file: str, path: str | None = None) -> list[TargetTable]:
    return [district.build(seg, file, path)]


# (name, recognise, build), tried in order. The national layout is the narrower test
# (it needs 一级/二级指标 columns), so it goes first; what neither recognises is refused.
LAYOUTS: list[tuple[str, Callable[[Segment], bool], Build]] = [
    ("national", national.recognise, national.build),
    ("district", district.recognise, _district),
]


def layout_of(seg: Segment) -> tuple[str, Build]:
    for name, recognise, build in LAYOUTS:
        if recognise(seg):
            return name, build
    raise UnknownLayout(
        "表格不属于已知的版式（既无“项目名称”行，也无“指标名称/三级指标 … 指标值”表头）",
        table=seg.index,
        line=seg.first_line,
    )


def read_tables(doc: Document) -> Iterator[TargetTable | InputError]:
    """Every table of a document, or the error that kept one table from being read.

    A bad table does not stop the others: each is yielded as a table or an error.
    Tables are numbered in the order they are yielded (a flat table of many projects
    gives several), so ``source.index`` counts what the document holds.
    A document with no table at all raises :class:`UnknownLayout`.
    """
    segs = segments(doc)
    if not segs:
        raise UnknownLayout(
            "未找到绩效目标表（找过：“…绩效目标表/绩效自评表”标题，含“项目名称”一类行的表格，"
            "含“三级指标/指标名称 … 指标值”表头的表格）",
            file=doc.name,
        )
    n = 0
    for seg in segs:
        seg.index = n
        try:
            _, build = layout_of(seg)
            tables = build(seg, doc.name, doc.path or None)
        except InputError as e:
            n += 1
            yield e.located(file=doc.name, table=seg.index)
            continue
        for t in tables:
            if t.source is not None:
                t.source.index = n
            n += 1
            yield t


__all__ = ["LAYOUTS", "read_tables", "segments"]
