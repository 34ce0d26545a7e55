"""Rules follow the form (evaluation.md §2): a table is not short of a row its form lacks.

Each case is a small published-style page read by the real readers, once with the row
present but left blank (a finding) and once from a form without that row (none).
"""

from __future__ import annotations

from pathlib import Path

from jixiao.ingest import read_paths
from jixiao.model import TargetTable
from jixiao.rules import check

_INDICATORS = """
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
<tr><td>产出指标</td><td>数量指标</td><td>培训人数</td><td>≥200人</td></tr>
<tr><td>产出指标</td><td>质量指标</td><td>培训合格率</td><td>≥95%</td></tr>
<tr><td>效益指标</td><td>社会效益指标</td><td>农民技能提升</td><td>明显提升</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>学员满意度</td><td>≥90%</td></tr>
"""


def _page(tmp_path: Path, name: str, rows: str, title: str = "项目支出绩效目标表") -> TargetTable:
    html = f"<html><body><p>{title}</p><table>{rows}{_INDICATORS}</table></body></html>"
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    (t,) = [t for t in read_paths([str(path)]) if isinstance(t, TargetTable)]
    return t


def _codes(t: TargetTable) -> set[str]:
    return {f.code for f in check([t])}


ASKED = {"completeness.department", "completeness.goal", "completeness.funds",
         "completeness.contact"}  # fmt: skip


def test_blank_rows_of_the_form_are_reported(tmp_path: Path) -> None:
    t = _page(tmp_path, "blank.html", """
        <tr><td>项目名称</td><td>农民技能培训</td></tr>
        <tr><td>主管部门</td><td></td></tr>
        <tr><td>项目资金（万元）</td><td></td></tr>
        <tr><td>年度目标</td><td></td></tr>
        <tr><td>联系人</td><td>张三</td><td>联系电话</td><td></td></tr>
    """)  # fmt: skip
    assert {"department", "goal", "funds.total", "contact.phone"} <= set(t.form_fields or ())
    assert _codes(t) >= ASKED


def test_rows_the_form_does_not_have_are_not_asked_for(tmp_path: Path) -> None:
    # A 批复表 with a name and an amount only: no 主管部门, 年度目标 or 联系人 rows.
    t = _page(tmp_path, "approval.html", """
        <tr><td>项目名称</td><td>农民技能培训</td></tr>
        <tr><td>项目金额</td><td>20万元</td></tr>
    """, title="项目支出绩效目标批复表")  # fmt: skip
    assert "department" not in (t.form_fields or ()) and "goal" not in (t.form_fields or ())
    assert not ASKED & _codes(t)


def test_an_amount_given_under_a_part_is_no_missing_total(tmp_path: Path) -> None:
    t = _page(tmp_path, "part.html", """
        <tr><td>项目名称</td><td>以工代赈示范工程</td></tr>
        <tr><td>年度资金总额</td><td></td></tr>
        <tr><td>其中：财政拨款</td><td>853</td></tr>
        <tr><td>年度目标</td><td>完成治理工程</td></tr>
    """)  # fmt: skip
    assert t.funds.total is None and t.funds.district == 853
    assert "completeness.funds" not in _codes(t)


def test_a_district_style_form_without_the_template_rows(tmp_path: Path) -> None:
    # 潼南's summary form: 业务主管部门, 当年预算, 指标权重 — no 实施单位, 联系人, 是否核心
    # or 预算执行率权重 rows, unlike the district template (分值 (90分), 是否核心).
    rows = [
        ["专项资金名称", "五桂镇汇总项目库", "业务主管部门", "813-潼南区五桂镇"],
        ["当年预算", "229.66"],
        ["当年绩效目标", "按时足额发放，保障权益"],
        ["绩效指标", "指标", "指标权重", "计量单位", "指标性质", "指标值"],
        ["", "发放人数", "20", "人", "≥", "80"],
        ["", "按月发放", "20", "次", "=", "1"],
        ["", "发放金额", "20", "万元", "≥", "9.31"],
        ["", "本土人才满意度", "30", "%", "≥", "95"],
    ]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    path = tmp_path / "tongnan.html"
    path.write_text(f"<html><body><p>单位:万元</p><table>{cells}</table></body></html>",
                    encoding="utf-8")  # fmt: skip
    (t,) = [t for t in read_paths([str(path)]) if isinstance(t, TargetTable)]
    assert t.layout == "district"
    codes = _codes(t)
    assert not codes & {"completeness.implementer", "completeness.contact",
                        "completeness.core", "scores.execution_weight"}  # fmt: skip


def test_a_dongguan_approval_table_first_seen_after_the_corpus(tmp_path: Path) -> None:
    # 东莞市财政项目支出绩效目标批复表 (2019, 市交通运输局), a form not in tests/data/real:
    # 中期|年度 columns, 预期产出/效果 first levels, a combined 社会、经济、生态效益 level.
    rows = [
        ["东莞市财政项目支出绩效目标批复表"], ["( 2019 年度)"], ["预算单位:东莞市交通运输局"],
        ["项目 名称", "镇际联网路升级改造工程一期", "中期市财政预算(万元)", "284500.00",
         "本年度申请市财政预算资金(万元)", "919.00"],
        ["总体目标", "中期滚动目标(2019年--2021年)", "年度目标"],
        ["", "新建或改造道路,共29个项目。", "完成3个项目补助尾款结算387万元。"],
        ["绩效指标", "一级 指标", "二级 指标", "三级 指标", "指标值(或计划水平)"],
        ["", "预期产出指标", "数量指标(或建筑规模指标)", "镇街补助款完成结算项目数", "3"],
        ["", "", "预算(或投资规模)控制指标", "年度预算执行率", "≥90%"],
        ["", "效果指标", "社会、经济、生态效益 指标", "补助款结算争议率", "0%"],
    ]  # fmt: skip
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    path = tmp_path / "dongguan.html"
    path.write_text(f"<html><body><table>{cells}</table></body></html>", encoding="utf-8")
    (t,) = [t for t in read_paths([str(path)]) if isinstance(t, TargetTable)]
    # The project is the name alone, not glued to the next label and its amount.
    assert t.project == "镇际联网路升级改造工程一期" and t.funds.total == 919
    from jixiao.classify import classify_table

    levels = [(c.level1, c.level2, c.given) for c in classify_table(t)]
    assert levels[:2] == [("产出指标", "数量指标", True), ("产出指标", "成本指标", True)]
    assert levels[2][0] == "效益指标" and not levels[2][2]  # the combined level: inferred inside
    # The tree is the usual one: the no-points note offers the default split.
    (note,) = [f for f in check([t]) if f.code == "scores.no_points"]
    assert "默认分值" in note.message
