"""The district form across a page break: parts of one table arrive as consecutive grids."""

from __future__ import annotations

from jixiao.forms import read_tables
from jixiao.model import TargetTable
from jixiao.readers.grid import Document, Grid, Paragraph

HEAD = ["绩效指标", "指标名称", "指标性质", "指标值", "指标单位", "分值 (90分)", "是否核心"]


def table(*parts: list[list[str]]) -> TargetTable:
    blocks: list[Paragraph | Grid] = [Paragraph("长寿区2024年重点专项绩效目标表", 1)]
    for n, rows in enumerate(parts, 1):
        blocks.append(Grid(rows=rows, row_lines=[n] * len(rows), page=n))
        blocks.append(Paragraph(f"- {n} -", n))
    (t,) = read_tables(Document(name="x.pdf", path="", format="pdf", blocks=blocks))
    assert isinstance(t, TargetTable), t
    return t


FIRST = [
    ["项目名称", "某项目", "", "", "", "", ""],
    ["项目概况", "前半", "", "", "", "", ""],
]


def test_row_split_by_the_break_is_one_row() -> None:
    t = table(
        FIRST, [["", "后半", "", "", "", "", ""], HEAD, ["", "甲", "≥", "1", "个", "90", "是"]]
    )
    assert (t.overview, t.extra) == ("前半后半", {})


def test_label_split_by_the_break_is_one_label() -> None:
    t = table(
        [*FIRST, ["当年绩效", "目标前半", "", "", "", "", ""]],
        [["目标", "目标后半", "", "", "", "", ""], HEAD, ["", "甲", "≥", "1", "个", "90", "是"]],
    )
    assert (t.goal, t.extra) == ("目标前半目标后半", {})


def test_header_repeated_on_the_new_page_is_no_indicator() -> None:
    repeated = ["", *HEAD[1:]]
    t = table(
        [*FIRST, HEAD, ["", "甲", "≥", "1", "个", "45", "是"]],
        [repeated, ["", "乙", "=", "2", "次", "45", "否"]],
    )
    assert [(i.name, i.value) for i in t.indicators] == [("甲", "1"), ("乙", "2")]


def test_an_unknown_labelled_row_is_still_its_own_row() -> None:
    t = table(
        [*FIRST, ["项目期限", "一年", "", "", "", "", ""], HEAD, ["", "甲", "≥", "1", "", "90", ""]]
    )
    assert t.extra == {"项目期限": "一年"}
