"""JSON export: a list of tables in the interchange form, each with its ``source``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

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


def write_json_array(items: Iterable[Any], out: TextIO) -> int:
    """A JSON array written item by item, byte for byte what ``json.dumps(list(items),
    ensure_ascii=False, indent=2)`` gives (and a newline), without holding the list."""
    n = 0
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2)
        # JSON strings hold no raw line break, so indenting every line is indenting the item.
        out.write(("[\n" if not n else ",\n") + "  " + text.replace("\n", "\n  "))
        n += 1
    out.write("\n]\n" if n else "[]\n")
    return n
