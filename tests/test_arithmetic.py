# ruff: noqa: F811  (pytest fixtures are imported from review_support)
"""Computations and breakdowns in 项目概况, checked by hand on the seeds' overviews."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.model import Funds
from jixiao.rules import Finding, check
from jixiao.rules.arithmetic import computations, evaluate
from review_support import make_table, of, seed_findings, seeds  # noqa: F401


@pytest.mark.parametrize(
    "text",
    [
        "物业费302平米*13元/平米.月*12月=4.7112万元",  # 47112元
        "水、电、气、网络等1.1万元/月*12月=13.2万元",
        "预计2500人，合计75万元（300*2500）",  # 300元 × 2500人
        "共23500人，合计2538万元（1080*23500）",
        "40人，合计12.48万元（3120元/人*40人）",
        "共3250人，合计169.98万元（523*3250）",  # 169.975 rounds to 169.98
        "劳务派遣人员2人*5600元/月*12=13万元",  # 13.44 rounds to 13
        "教师办公经费2万元（40个班*500元/个班）",
        "合计25万元（5*5万元）",
        "共计 $5*5+3\\approx 28$ 万元",
    ],
)
def test_correct_computations_are_not_reported(text: str) -> None:
    (c,) = computations(text)
    assert c.ok, c


@pytest.mark.parametrize(
    "text,computed",
    [
        ("物业费含保安及保洁人员劳务费14人*4500元/月*12=63万元", 75.6),
        ("共计 $55*12+60+0.17*254\\approx 765$ 万元", 763.18),
        ("合计75万元（300*2600）", 78),
        ("302平米*13元/平米.月*12月=47.112万元", 4.7112),
    ],
)
def test_wrong_computations_are_reported(text: str, computed: float) -> None:
    (c,) = computations(text)
    assert not c.ok and c.computed == pytest.approx(computed)


def test_evaluate_minds_units() -> None:
    assert evaluate("300元*2500人") == (750000, True)
    assert evaluate("1.1万元/月*12月") == (132000, True)
    assert evaluate("60万人*4.5元")[0] == pytest.approx(2.7e6)
    assert evaluate("55*12+60+0.17*254")[0] == pytest.approx(763.18)


def test_periods_in_brackets_are_no_computation() -> None:
    assert computations("依据（2016-2020）规划，安排资金50万元（2016-2020）。") == []


def _bd(overview: str, total: float) -> list[tuple[str, str | None]]:
    t = make_table(overview=overview, funds=Funds(total=total, district=total))
    return [(f.code, f.field) for f in check([t]) if f.code.startswith("arithmetic")]


def test_breakdown_to_stated_sum() -> None:
    ok = "租金9.7757万元/年，物业费4.7112万元，水电13.2万元，其他费用0.36万元，合计28.05万元。"
    assert _bd(ok, 28.05) == []
    bad = "建安工程费40万元，弱电采购21万元，空调12万元，家具17万元，设计费7万元，总计100万元。"
    assert _bd(bad, 100) == [("arithmetic.breakdown", "overview")]


def test_breakdown_to_table_total_only_when_not_restated() -> None:
    listed = "1.检定30000元；2.试剂100000元；3.维修120000元；4.废液20000元。5.其他30000元。"
    assert _bd(listed, 30) == []  # 元 add up to 30万元
    assert _bd(listed, 31) == [("arithmetic.breakdown", "overview")]
    # Limits and insured sums are not parts of the budget.
    insurance = (
        "每次赔偿限额为500万元，每年累计赔偿限额为2000万元，提供8000万元的风险保障，保费200万元。"
    )
    assert _bd(insurance, 200) == []


def test_qizhong_parts() -> None:
    assert _bd("项目预算722万元，其中链路租赁费692万元、外场电费30万元。", 722) == []
    assert _bd("项目预算722万元，其中链路租赁费700万元、外场电费30万元。", 722) == [
        ("arithmetic.breakdown", "overview")
    ]
    # A 其中 that names one part only is no breakdown.
    assert _bd("共计765万元，其中：区级资金440万元。", 765) == []


def _arith(findings: list[Finding], project: str) -> list[str]:
    return [f.message for f in of(findings, project) if f.code.startswith("arithmetic")]


def test_seed_overviews_checked_by_hand(seed_findings: list[Finding]) -> None:  # noqa: F811
    # Right, and must stay quiet: every figure recomputed by hand.
    for project in (
        "商圈管理办公室房屋租金",
        "计生政策性支出",
        "文化旅游产业发展资金",
        "水质实验室设备试剂购置等运行维护经费",
        "区纪委监委会议室维修项目",
        "人才工作项目",
        "第五次全国经济普查",
        "长寿区科技计划项目",
        "雪亮工程运行经费",
        "街镇居民医保工作经费",
        "困难群众及无名尸丧葬费用减免",
        "打非专项项目",
        "经济证券化项目",
        "巨灾保险项目",
        "农村危房改造",
    ):
        assert _arith(seed_findings, project) == [], project
    # 55×12+60+0.17×254 = 763.18, not 765.
    assert _arith(seed_findings, "企业退休军转干解困补助") == [
        "项目概况中的测算“55*12+60+0.17*254≈ 765 万元”"
        "按所列数字计算为763.18万元，与所写765万元不符。"
    ]
    # 14×4500×12 = 756000元 = 75.6万元, not 63; the listed items make 169.97, not 170.37.
    assert _arith(seed_findings, "老干部活动中心及老年大学经费") == [
        "项目概况中的测算“14人*4500元/月*12=63万元”按所列数字计算为75.6万元，与所写63万元不符。",
        "项目概况所列12项金额合计169.97万元，与项目总资金额170.37万元不符。",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.*×+-=≈（）()$万元人/月，。；其中合计共计约以上 ", max_size=80))
def test_any_overview_is_checked_without_error(text: str) -> None:
    computations(text)
    check([make_table(overview=text, funds=Funds(total=10, district=10))])
