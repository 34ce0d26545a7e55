"""Forms in the field (target-table.md): each arrangement the issue names, one test each.

The documents are small web pages written here in the shapes met on real published
tables (tests/data/real/ holds the real ones); the expectations are written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.errors import InputError, UnknownLayout
from jixiao.forms import read_tables
from jixiao.model import TargetTable
from jixiao.readers import read_document
from jixiao.values import parse_amount, split_value

INDICATORS = """
<tr><td rowspan="4">绩效指标</td><td>一级指标</td><td>二级指标</td><td>三级指标</td>
    <td>指标值</td></tr>
<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>新建道路</td><td>≥3.5万平方米</td></tr>
<tr><td>时效指标</td><td>完成时限</td><td>2022年12月底前</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>群众满意度</td><td>95%以上</td></tr>
"""


def _read(tmp_path: Path, body: str, name: str = "t.html") -> list[TargetTable | InputError]:
    path = tmp_path / name
    path.write_text(f'<html><meta charset="utf-8"><body>{body}</body></html>', encoding="utf-8")
    return list(read_tables(read_document(str(path))))


def _one(tmp_path: Path, body: str) -> TargetTable:
    got = _read(tmp_path, body)
    assert len(got) == 1 and isinstance(got[0], TargetTable), got
    return got[0]


def test_a_project_label_of_another_province_and_pairs_along_a_row(tmp_path: Path) -> None:
    t = _one(
        tmp_path,
        f"""<p>项目支出绩效目标表</p><p>（2022年度）</p><table>
        <tr><td>项目支出名称</td><td colspan="2">农村公路养护</td><td>项目负责人及电话</td>
            <td>王芳 13800000000</td></tr>
        <tr><td>预算部门</td><td colspan="2">某县交通运输局</td><td>实施单位</td>
            <td>某县公路中心</td></tr>
        {INDICATORS}</table>""",
    )
    assert t.project == "农村公路养护"
    assert t.department == "某县交通运输局"
    assert t.implementer == "某县公路中心"
    assert t.extra["项目负责人及电话"] == "王芳 13800000000"
    assert t.year == 2022


def test_labels_over_values_give_the_annual_goal(tmp_path: Path) -> None:
    t = _one(
        tmp_path,
        f"""<p>XX县2021年项目支出绩效目标表</p><table>
        <tr><td>项目名称</td><td colspan="4">河道保洁</td></tr>
        <tr><td>总体目标</td><td>年度目标</td><td colspan="3">年度总体目标完成情况</td></tr>
        <tr><td>长期保持河道清洁</td><td>全年保洁河道120公里</td><td colspan="3">已完成</td></tr>
        {INDICATORS}</table>""",
    )
    assert t.goal == "全年保洁河道120公里"
    assert t.extra["总体目标"] == "长期保持河道清洁"


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("854", 854, None),
        ("854万", 854, "万元"),
        ("20万元", 20, "万元"),
        ("919.00", 919, None),
        ("3,309,840.00", 3309840, None),
        ("854万(高标准农田400万元)", 854, "万元"),
        ("见附件", None, None),
    ],
)
def test_amounts_with_or_without_their_unit(
    text: str, number: float | None, unit: str | None
) -> None:
    assert parse_amount(text) == (number, unit)


def test_funds_in_columns_cells_not_glued_and_the_unit_from_a_label(tmp_path: Path) -> None:
    t = _one(
        tmp_path,
        f"""<p>XX县2023年项目支出绩效目标表</p><table>
        <tr><td>项目名称</td><td colspan="6">图书馆免费开放</td></tr>
        <tr><td rowspan="3">资金情况（万元）</td><td>年度资金总额</td><td>0</td><td>0</td><td>0</td>
            <td>10</td><td>0</td></tr>
        <tr><td>其中：财政拨款</td><td colspan="5">10</td></tr>
        <tr><td>其他资金</td><td colspan="5"></td></tr>
        {INDICATORS}</table>""",
    )
    assert t.money_unit == "万元"
    assert t.funds.total == 0  # the first amount, never "000100" read as one number
    assert t.funds.district == 10
    assert t.funds.other is None


def test_a_self_evaluation_keeps_targets_actuals_scores_and_drops_signatures(
    tmp_path: Path,
) -> None:
    t = _one(
        tmp_path,
        """<p>项目支出绩效自评表</p><p>（2022年度）</p><table>
        <tr><td colspan="2">项目名称</td><td colspan="6">学生营养餐</td></tr>
        <tr><td rowspan="3">项目资金（元）</td><td></td><td>年初预算数</td><td>全年预算数</td>
            <td>全年执行数</td><td>分值</td><td>执行率</td><td>得分</td></tr>
        <tr><td>年度资金总额</td><td>20000</td><td>30000</td><td>27000</td><td>10</td>
            <td>90%</td><td>9</td></tr>
        <tr><td>其中：当年财政拨款</td><td>20000</td><td>30000</td><td>27000</td><td>—</td>
            <td></td><td>—</td></tr>
        <tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td>
            <td>实际完成值</td>
            <td>分值</td><td>得分</td><td>偏差原因分析及改进措施</td></tr>
        <tr><td>产出指标</td><td>数量指标</td><td>受助学生</td><td>≥735人次</td><td>700人次</td>
            <td>50</td><td>47</td><td>转学</td></tr>
        <tr><td>满意度指标</td><td>服务对象满意度指标</td><td>满意度</td><td>≥95%</td><td>98%</td>
            <td>40</td><td>40</td><td></td></tr>
        <tr><td colspan="3">总分</td><td></td><td></td><td>100</td><td>96</td><td></td></tr>
        <tr><td colspan="4">项目负责人：</td><td colspan="4">财务负责人：</td></tr>
        </table>""",
    )
    assert [i.name for i in t.indicators] == ["受助学生", "满意度"]
    assert (t.indicators[0].operator, t.indicators[0].number) == ("≥", 735)
    assert t.indicators[0].score == 50
    assert t.money_unit == "元"
    assert t.funds.total == 30000  # 全年预算数 of the 年度资金总额 row
    assert t.form == "自评表"
    se = t.self_evaluation
    assert se is not None
    assert (se.budget.planned, se.budget.adjusted, se.budget.executed) == (20000, 30000, 27000)
    assert (se.budget.weight, se.budget.rate, se.budget.score) == (10, 90, 9)
    assert [(r.actual, r.score_given, r.reason) for r in se.indicators] == [
        ("700人次", 47, "转学"),
        ("98%", 40, None),
    ]
    assert se.total_given == 96


def test_the_annual_block_of_two_side_by_side(tmp_path: Path) -> None:
    t = _one(
        tmp_path,
        """<p>项目支出绩效目标表</p><p>2020年度)</p><table>
        <tr><td>项目名称</td><td colspan="6">教育基础设施</td></tr>
        <tr><td rowspan="2">总体目标</td><td colspan="3">中期目标</td>
            <td colspan="3">年度目标</td></tr>
        <tr><td colspan="3">三年完成改造</td><td colspan="3">完成两所学校改造</td></tr>
        <tr><td>一级指标</td><td>二级指标(长期)</td><td>三级指标(长期)</td><td>指标值(长期)</td>
            <td>二级指标(年度)</td><td>三级指标(年度)</td><td>指标值(年度)</td></tr>
        <tr><td>产出指标</td><td>数量指标</td><td>改造学校</td><td>6所</td><td>数量指标</td>
            <td>改造学校</td><td>2所</td></tr>
        </table>""",
    )
    assert t.year == 2020  # a year line that lost its opening bracket
    assert [(i.name, i.value, i.level1, i.level2) for i in t.indicators] == [
        ("改造学校", "2所", "产出指标", "数量指标")
    ]
    assert t.goal == "完成两所学校改造"
    assert t.extra["中期目标"] == "三年完成改造"


def test_a_flat_table_is_one_table_per_project(tmp_path: Path) -> None:
    got = _read(
        tmp_path,
        """<p>部门预算项目绩效目标申报表(2023年度)</p><p>金额单位:元</p><table>
        <tr><td>单位名称</td><td>项目名称</td><td>预算数</td><td>年度目标</td><td>一级指标</td>
            <td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
        <tr><td rowspan="3">某镇人民政府</td><td rowspan="2">村干部报酬</td>
            <td rowspan="2">3,309,840.00</td>
            <td rowspan="2">按时发放</td><td>产出指标</td><td>数量指标</td><td>发放人数</td>
                <td>120人</td></tr>
        <tr><td>效益指标</td><td>社会效益指标</td><td>社会稳定</td><td>≥95%</td></tr>
        <tr><td>公路养护</td><td>50000</td><td>养护道路</td><td>产出指标</td><td>数量指标</td>
            <td>养护里程</td><td>10公里</td></tr>
        </table>""",
    )
    assert [(t.project, t.department, t.funds.total, len(t.indicators)) for t in got] == [  # type: ignore[union-attr]
        ("村干部报酬", "某镇人民政府", 3309840, 2),
        ("公路养护", "某镇人民政府", 50000, 1),
    ]
    assert [t.source.index for t in got] == [0, 1]  # type: ignore[union-attr]
    assert all(t.money_unit == "元" and t.year == 2023 for t in got)  # type: ignore[union-attr]


def test_a_title_line_over_a_titled_table_is_one_table(tmp_path: Path) -> None:
    got = _read(
        tmp_path,
        f"""<p>XX县2022年项目支出绩效目标表</p><table>
        <tr><td colspan="5">项目支出绩效目标表</td></tr>
        <tr><td>项目名称</td><td colspan="4">农村公路养护</td></tr>
        {INDICATORS}</table>""",
    )
    assert len(got) == 1 and isinstance(got[0], TargetTable), got
    assert (got[0].region, got[0].year, got[0].source.index) == ("XX县", 2022, 0)  # type: ignore[union-attr]


def test_an_unknown_label_is_kept_and_an_unplaced_row_is_reported(tmp_path: Path) -> None:
    t = _one(
        tmp_path,
        f"""<p>XX县2022年项目支出绩效目标表</p><table>
        <tr><td>项目名称</td><td colspan="4">农村公路养护</td></tr>
        <tr><td>资金用途明细</td><td colspan="4">路面修补</td></tr>
        <tr><td colspan="2">已纳入三年滚动规划</td><td>项目期限</td><td colspan="2">1年</td></tr>
        {INDICATORS}</table>""",
    )
    assert t.project == "农村公路养护"
    assert t.extra["资金用途明细"] == "路面修补"
    assert t.extra["项目期限"] == "1年"
    assert t.warnings == ("未能归入任何字段：已纳入三年滚动规划",)


def test_a_document_with_no_table_says_what_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(UnknownLayout, match="绩效目标表"):
        _read(tmp_path, "<p>关于印发某某办法的通知</p><p>各单位：……</p>")


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("95%以上", ("≥", 95, "%")),
        ("不低于95%", ("≥", 95, "%")),
        ("3个工作日以内", ("≤", 3, "个工作日")),
        ("不超过3个工作日", ("≤", 3, "个工作日")),
        ("±3%以内", ("≤", 3, "%")),
        (">=90%", ("≥", 90, "%")),
        ("每年12月底前", (None, None, "")),
        ("2023.07-2024.01", (None, None, "")),
        ("2025年年底前", (None, None, "")),
        ("≥5年", ("≥", 5, "年")),
    ],
)
def test_operators_in_words_and_dates(value: str, parts: tuple[object, ...]) -> None:
    assert split_value(value) == parts


def test_levels_lose_letter_spacing_and_printed_points_but_keep_remarks(tmp_path: Path) -> None:
    from jixiao.forms.national import _level

    assert _level("产 出 指 标") == "产出指标"
    assert _level("产出指标(50分)") == "产出指标"
    assert _level("成本指标(0-20)分") == "成本指标"
    assert _level("项目年度绩效目标(定量指标)") == "项目年度绩效目标(定量指标)"
