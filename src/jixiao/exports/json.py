"""JSON export: a list of tables in the interchange form, each with its ``source``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..model import TargetTable


def write_json(tables: Iterable[TargetTable], out: TextIO, *, indent: int | None = 2) -> int:
    """Write tables as a JSON array, one at a time so a large store never sits in memory."""
    n = 0
    out.write("[")
    for t in tables:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(t.to_json(), ensure_ascii=False, indent=indent))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n
