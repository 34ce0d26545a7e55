"""Open data: published tables as CSV with a Frictionless Data Package (``datapackage.json``).

Two resources — one row per table (``tables.csv``) and one per indicator
(``indicators.csv``, keyed to its table) — each with a Table Schema (field names, types,
Chinese titles), so that anyone can load, validate and reuse what was published. Cells
go through the same safety rule as every other output (never a formula).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from ..model import TargetTable
from .cells import safe_cell

TABLE_FIELDS: list[tuple[str, str, str]] = [
    ("table_id", "integer", "编号"),
    ("year", "integer", "年度"),
    ("department", "string", "主管部门"),
    ("implementer", "string", "实施单位"),
    ("project", "string", "项目名称"),
    ("money_unit", "string", "金额单位"),
    ("funds_total", "number", "项目总资金额"),
    ("funds_superior", "number", "上级补助"),
    ("funds_district", "number", "本级资金"),
    ("funds_other", "number", "其他资金"),
    ("goal", "string", "当年绩效目标"),
]
INDICATOR_FIELDS: list[tuple[str, str, str]] = [
    ("table_id", "integer", "目标表编号"),
    ("position", "integer", "序号"),
    ("level1", "string", "一级指标"),
    ("level2", "string", "二级指标"),
    ("name", "string", "指标名称"),
    ("operator", "string", "指标性质"),
    ("value", "string", "指标值"),
    ("number", "number", "指标数值"),
    ("unit", "string", "计量单位"),
    ("score", "number", "分值"),
]


def _schema(fields: list[tuple[str, str, str]], key: list[str]) -> dict[str, Any]:
    return {"fields": [{"name": n, "type": t, "title": w} for n, t, w in fields], "primaryKey": key}


def descriptor(name: str = "jixiao-published") -> dict[str, Any]:
    """The data package's ``datapackage.json``."""
    indicators = _schema(INDICATOR_FIELDS, ["table_id", "position"])
    indicators["foreignKeys"] = [
        {"fields": "table_id", "reference": {"resource": "tables", "fields": "table_id"}}
    ]
    return {
        "name": name,
        "title": "已公开的预算项目绩效目标表",
        "description": "财政部门审核后公开的绩效目标表（jixiao 导出）。",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": [
            {
                "name": "tables",
                "path": "tables.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": _schema(TABLE_FIELDS, ["table_id"]),
            },
            {
                "name": "indicators",
                "path": "indicators.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": indicators,
            },
        ],
    }


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _text(x: str | None) -> str:
    v = safe_cell(x or "")
    return "" if v is None else str(v)


def write_tables_csv(tables: Iterable[tuple[int, TargetTable]], out: IO[str]) -> int:
    w = csv.writer(out, lineterminator="\n")
    w.writerow([n for n, _, _ in TABLE_FIELDS])
    n = 0
    for tid, t in tables:
        f = t.funds
        w.writerow(
            [
                tid,
                t.year or "",
                _text(t.department),
                _text(t.implementer),
                _text(t.project),
                _text(t.money_unit),
                _num(f.total),
                _num(f.superior),
                _num(f.district),
                _num(f.other),
                _text(t.goal),
            ]
        )
        n += 1
    return n


def write_indicators_csv(tables: Iterable[tuple[int, TargetTable]], out: IO[str]) -> int:
    from ..classify import classify_table

    w = csv.writer(out, lineterminator="\n")
    w.writerow([n for n, _, _ in INDICATOR_FIELDS])
    n = 0
    for tid, t in tables:
        for pos, (i, c) in enumerate(zip(t.indicators, classify_table(t), strict=True)):
            w.writerow(
                [
                    tid,
                    pos + 1,
                    c.level1,
                    c.level2,
                    _text(i.name),
                    _text(i.operator),
                    _text(i.value),
                    _num(i.number),
                    _text(i.unit),
                    _num(i.score),
                ]
            )
            n += 1
    return n


def write_datapackage(tables: list[tuple[int, TargetTable]], out: IO[bytes]) -> int:
    """A zip of ``datapackage.json``, ``tables.csv`` and ``indicators.csv``."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("datapackage.json", json.dumps(descriptor(), ensure_ascii=False, indent=2))
        buf = io.StringIO()
        write_tables_csv(tables, buf)
        z.writestr("tables.csv", buf.getvalue())
        buf = io.StringIO()
        write_indicators_csv(tables, buf)
        z.writestr("indicators.csv", buf.getvalue())
    return len(tables)
