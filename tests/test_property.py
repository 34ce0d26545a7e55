"""Property: whatever happens to a seed's text, the importer imports or reports.

It never raises anything but an InputError, and never yields a half table: a
table that survives a truncation is the same table as before the cut.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.errors import InputError
from jixiao.forms import read_tables
from jixiao.model import TargetTable
from jixiao.readers.text import decode, parse_text

from .conftest import SEEDS

TEXT = (SEEDS / "004_ba3dd06106aafdcb.txt").read_text(encoding="utf-8")
LINES = TEXT.splitlines(keepends=True)


def _read(text: str) -> tuple[list[TargetTable], list[InputError]]:
    tables: list[TargetTable] = []
    errors: list[InputError] = []
    try:
        for item in read_tables(parse_text(text, "x.txt")):
            (errors if isinstance(item, InputError) else tables).append(item)  # type: ignore[arg-type]
    except InputError as e:
        errors.append(e)
    return tables, errors


ORIGINAL = {t.project: t.to_json(with_source=False) for t in _read(TEXT)[0]}


def _whole(t: TargetTable) -> None:
    """The invariants of a stored table: nothing half there."""
    assert t.project.strip()
    assert t.indicators
    for i in t.indicators:
        assert i.name.strip() and i.value.strip()


def _without_contact(d: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in d.items() if k != "contact"}


settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


@given(st.integers(min_value=0, max_value=len(TEXT)))
def test_truncated_text_keeps_whole_tables_only(cut: int) -> None:
    tables, _ = _read(TEXT[:cut])
    for t in tables:
        _whole(t)
        # A table cut short is refused; one that survives is the table as filed
        # (its contact lines, which sit below the table, may be cut).
        assert _without_contact(t.to_json(with_source=False)) == _without_contact(
            ORIGINAL[t.project]
        )


@given(
    st.lists(st.integers(min_value=0, max_value=len(LINES) - 1), max_size=6),
    st.lists(st.integers(min_value=0, max_value=len(LINES) - 1), max_size=6),
)
def test_deleted_and_duplicated_lines(deleted: list[int], doubled: list[int]) -> None:
    lines = []
    for n, line in enumerate(LINES):
        if n in deleted:
            continue
        lines.append(line)
        if n in doubled:
            lines.append(line)
    for t in _read("".join(lines))[0]:
        _whole(t)


@given(st.integers(min_value=0, max_value=len(LINES) - 1), st.randoms(use_true_random=False))
def test_shuffled_cells(n: int, rnd: random.Random) -> None:
    cells = LINES[n].rstrip("\n").split("\t")
    rnd.shuffle(cells)
    text = "".join(LINES[:n]) + "\t".join(cells) + "\n" + "".join(LINES[n + 1 :])
    for t in _read(text)[0]:
        _whole(t)


@given(st.integers(min_value=0, max_value=len(TEXT.encode())), st.binary(min_size=1, max_size=40))
def test_random_bytes(pos: int, junk: bytes) -> None:
    data = TEXT.encode()
    data = data[:pos] + junk + data[pos:]
    try:
        text = decode(data, "x.txt")
    except InputError:
        return
    for t in _read(text)[0]:
        _whole(t)


@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    for t in _read(text)[0]:
        _whole(t)


def test_a_last_row_cut_inside_its_cells_is_refused() -> None:
    # Cut just before the final "否" of the last indicator row: the scores still add
    # to 90, but the row lost its 是否核心 cell. Found by the property test above.
    end = TEXT.rindex("\t否") + 1
    tables, errors = _read(TEXT[:end])
    assert [t.project for t in tables] == list(ORIGINAL)[:-1]
    assert len(errors) == 1 and "最后一行中途结束" in str(errors[0])
