"""全国三级指标版式: fixture tables read from the Document a reader makes, and the edges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jixiao.errors import InputError, TruncatedTable, UnknownLayout
from jixiao.forms import layout_of, read_tables
from jixiao.forms.labels import column_of, field_of, parse_title, row_label_of
from jixiao.forms.national import _is_general, indicator_header
from jixiao.forms.segment import segments
from jixiao.readers.grid import Cell, Document, Grid, Paragraph

from .national_docs import FIXTURES, expected_tables, layout, load, to_document


def _json(x: Any) -> str:
    # Exact JSON: 10 and 10.0 differ, as check.py has it.
    return json.dumps(x, ensure_ascii=False, sort_keys=True)


def _read(doc: Document) -> list[Any]:
    return [t if isinstance(t, InputError) else t.to_json() for t in read_tables(doc)]


def test_there_are_a_dozen_tables() -> None:
    assert sum(len(load(p)["expected"]) for p in FIXTURES) >= 12


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_reads_as_written_by_hand(path: Path) -> None:
    spec = load(path)
    got = _read(to_document(spec, path.stem + ".docx"))
    assert [g.get("source", {}).get("index") for g in got] == list(range(len(got)))
    for g in got:
        g.pop("source")
    assert _json(got) == _json(expected_tables(spec))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_is_read_by_the_national_layout(path: Path) -> None:
    for seg in segments(to_document(load(path))):
        assert layout_of(seg)[0] == "national"


def test_level_mapping_accuracy() -> None:
    """一级/二级 of every fixture indicator, exactly: the measure the report quotes."""
    right = total = 0
    for path in FIXTURES:
        spec = load(path)
        got = [t for t in read_tables(to_document(spec)) if not isinstance(t, InputError)]
        for table, want in zip(got, expected_tables(spec), strict=True):
            pairs = zip(table.indicators, want["indicators"], strict=True)
            for ind, exp in pairs:
                total += 1
                right += (ind.level1, ind.level2) == (exp["level1"], exp["level2"])
    assert total >= 80
    assert right == total


def _doc(rows: list[list[Any]], *before: str, after: tuple[str, ...] = ()) -> Document:
    blocks: list[Paragraph | Grid] = [Paragraph(t, n) for n, t in enumerate(before, 1)]
    g = Grid.from_cells(layout(rows))
    g.row_lines = list(range(len(before) + 1, len(before) + 1 + len(g.rows)))
    blocks.append(g)
    blocks += [Paragraph(t, 100 + n) for n, t in enumerate(after)]
    return Document(name="t.docx", path="", format="docx", blocks=blocks)


INDICATORS = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "甲", "1个"]]
HEAD = [
    ["项目名称", ["测试项目", 1, 3]],
    ["主管部门", "某局", "实施单位", "某中心"],
    ["年度资金总额", ["100", 1, 3]],
]


def test_random_grid_is_unknown_layout_with_its_place() -> None:
    timetable = [
        ["节次", "星期一", "星期二", "星期三"],
        ["第一节", "语文", "数学", "英语"],
        ["第二节", "数学", "物理", "化学"],
    ]
    got = list(read_tables(_doc(timetable, "课程表")))
    assert len(got) == 1 and isinstance(got[0], UnknownLayout)
    assert (got[0].file, got[0].table, got[0].line) == ("t.docx", 0, 2)
    assert "版式" in str(got[0])


def test_prose_only_is_unknown_layout() -> None:
    doc = Document(
        name="p.docx", path="", format="docx",
        blocks=[Paragraph("关于做好2024年预算绩效管理工作的通知", 1),
                Paragraph("各单位：请按要求填报绩效目标。", 2)],
    )  # fmt: skip
    with pytest.raises(UnknownLayout) as e:
        list(read_tables(doc))
    assert e.value.file == "p.docx"


def test_indicator_library_without_project_is_unknown_layout() -> None:
    # An indicator catalogue has the three levels but is no target table.
    got = list(read_tables(_doc(INDICATORS)))
    assert [type(x) for x in got] == [UnknownLayout]


def test_cut_before_the_indicators_is_truncated() -> None:
    got = list(read_tables(_doc(HEAD, "2024年度项目支出绩效目标表")))
    assert [type(x) for x in got] == [TruncatedTable]


def test_header_without_indicator_rows_is_truncated() -> None:
    rows = [*HEAD, ["一级指标", "二级指标", "三级指标", "指标值"]]
    got = list(read_tables(_doc(rows, "2024年度项目支出绩效目标表")))
    assert [type(x) for x in got] == [TruncatedTable]


def test_unmerged_blank_level_cells_repeat_the_one_above() -> None:
    # Text extraction loses merges: a blank 一级/二级 cell under a filled one is the same.
    rows = [
        *HEAD,
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "甲", "1个"],
        ["", "", "乙", "2个"],
        ["", "质量指标", "丙", "≥90%"],
        ["效益指标", "社会效益指标", "丁", "明显"],
    ]
    (t,) = read_tables(_doc(rows))
    assert not isinstance(t, InputError)
    assert [(i.name, i.level1, i.level2) for i in t.indicators] == [
        ("甲", "产出指标", "数量指标"),
        ("乙", "产出指标", "数量指标"),
        ("丙", "产出指标", "质量指标"),
        ("丁", "效益指标", "社会效益指标"),
    ]


def test_year_line_and_unit_inside_the_grid() -> None:
    # Word and Excel files often hold the title, year and unit as rows of the table itself.
    rows = [
        [["项目支出绩效目标表", 1, 4]],
        [["（2024年度）", 1, 4]],
        [["单位：万元", 1, 4]],
        *HEAD,
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "甲", "1个"],
    ]
    (t,) = read_tables(_doc(rows))
    assert not isinstance(t, InputError)
    assert (t.region, t.year, t.kind, t.money_unit) == (None, 2024, "项目支出", "万元")
    assert t.funds.total == 100


def test_two_tables_in_one_grid_are_split_at_the_title() -> None:
    # A sheet read as one block of rows.
    table = [*HEAD, *INDICATORS]
    rows = [[["A区2024年项目支出绩效目标表", 1, 4]], *table,
            [["B区2024年项目支出绩效目标表", 1, 4]], *table]  # fmt: skip
    got = list(read_tables(_doc(rows)))
    assert [getattr(t, "region", t) for t in got] == ["A区", "B区"]


def test_header_cells_as_a_reader_gives_them() -> None:
    row = ["绩效指标", "一级指标", "二级 指标", "三级指标", "指标值（含单位）"]
    assert indicator_header(row) == {"level1": 1, "level2": 2, "name": 3, "value": 4}
    # The district form's header (指标性质, no levels) is left to the district layout.
    district_cols = indicator_header(["指标名称", "指标性质", "指标值", "指标单位"])
    assert district_cols is not None and not _is_general(district_cols)


@pytest.mark.parametrize(
    ("title", "parts"),
    [
        ("长寿区2024年项目支出绩效目标表", ("长寿区", 2024, "项目支出")),
        ("2024年度项目支出绩效目标表", (None, 2024, "项目支出")),
        ("项目支出绩效目标申报表（2024年度）", (None, 2024, "项目支出")),
        ("项目支出绩效目标申报表", (None, None, "项目支出")),
        ("重庆市长寿区项目支出绩效目标表", ("重庆市长寿区", None, "项目支出")),
        ("附件2：长寿区2024年重点专项绩效目标表", ("长寿区", 2024, "重点专项")),
        ("长寿区2024年一般性项目绩效目标表", ("长寿区", 2024, "一般性项目")),
    ],
)
def test_titles(title: str, parts: tuple[Any, ...]) -> None:
    assert parse_title(title) == parts


@pytest.mark.parametrize(
    "text", ["请各单位按要求填报项目支出绩效目标表，并于3月底前报送。", "绩效目标", "项目名称"]
)
def test_prose_is_no_title(text: str) -> None:
    assert parse_title(text) is None


def test_label_variants() -> None:
    assert field_of("其中：财政拨款") == "funds.district"
    assert field_of("上级补助资金") == "funds.superior"
    assert field_of("年度资金总额：") == "funds.total"
    assert field_of("主 管 部 门") == "department"
    assert row_label_of("中期目标（2023-2025年）") == "中期目标"
    assert row_label_of("项目负责人：") == "项目负责人"
    assert field_of("项目负责人") is None
    assert column_of("计量单位") == "unit"
    assert column_of("指标值类型") == "value_type"


def test_project_leader_is_not_the_contact() -> None:
    leader = ["项目负责人", "张三", "联系电话", "13800000000"]
    (t,) = read_tables(_doc([*HEAD[:2], leader, *HEAD[2:], *INDICATORS]))
    assert not isinstance(t, InputError)
    assert (t.contact.name, t.contact.phone) == (None, "13800000000")
    assert t.extra == {"项目负责人": "张三"}


def test_cells_outside_the_grid_are_ignored_by_from_cells() -> None:
    # The builder's layout agrees with Grid.from_cells on a merge (guards the fixtures themselves).
    cells = layout([[["甲", 2, 1], "乙"], ["丙"]])
    assert cells == [Cell("甲", 0, 0, 2, 1), Cell("乙", 0, 1), Cell("丙", 1, 1)]
