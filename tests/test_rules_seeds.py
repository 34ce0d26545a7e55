# ruff: noqa: F811  (pytest fixtures are imported from review_support)
"""The findings a careful reviewer reports on the 36 seed tables, and none they would not."""

from __future__ import annotations

from jixiao.model import TargetTable
from jixiao.rules import Finding
from review_support import of, seed_findings, seeds  # noqa: F401


def proj(
    findings: list[Finding],
    project: str,
    prefix: str = "",
    file: str | None = None,
) -> list[tuple[str, str | None]]:
    return [(f.code, f.field) for f in of(findings, project, file) if f.code.startswith(prefix)]


def test_rural_housing_has_no_contact(seed_findings: list[Finding]) -> None:  # noqa: F811
    assert proj(seed_findings, "农村危房改造", "completeness") == [
        ("completeness.contact", "contact")
    ]


def test_tourism_fund_has_no_execution_weight(seed_findings: list[Finding]) -> None:  # noqa: F811
    assert proj(seed_findings, "文化旅游产业发展资金", "scores") == [
        ("scores.execution_weight", "execution_weight")
    ]
    # 成本控制 < 1218.05 万元 equals the total: not exceeding it.
    assert proj(seed_findings, "文化旅游产业发展资金", "cost") == []
    assert proj(seed_findings, "文化旅游产业发展资金", "direction") == []


def test_fume_control_promise_uses_le(seed_findings: list[Finding]) -> None:  # noqa: F811
    (f,) = [
        f
        for f in of(seed_findings, "餐饮行业油烟整治及达标抽测项目")
        if f.code == "direction.goal_promise"
    ]
    assert f.field == "indicators[0].operator"
    assert "完成20家餐饮企业油烟整治" in f.message and "≤20家" in f.message


def test_complaint_rate_repeats_its_unit(seed_findings: list[Finding]) -> None:  # noqa: F811
    (f,) = [f for f in of(seed_findings, "商圈管理办公室房屋租金") if f.code.startswith("values")]
    assert (f.code, f.field) == ("values.unit_repeated", "indicators[4].value")
    assert "“10%”" in f.message


def test_operator_variants(seed_findings: list[Finding]) -> None:  # noqa: F811
    variants = [f for f in seed_findings if f.code == "values.operator_variant"]
    written = {f.message.split("写作“")[1].split("”")[0] for f in variants}
    assert written == {"≧", "》", "\\geq"}
    assert proj(seed_findings, "企业退休军转干解困补助", "values") == [
        ("values.operator_variant", "indicators[3].operator"),
        ("values.operator_variant", "indicators[4].operator"),
    ]
    assert len(proj(seed_findings, "街镇居民医保工作经费", "values.operator_variant")) == 5
    assert len(proj(seed_findings, "涉密视频会议室建设项目", "values.operator_variant")) == 6


def test_catastrophe_insurance_filed_twice(seed_findings: list[Finding]) -> None:  # noqa: F811
    dups = [f for f in seed_findings if f.code == "duplicates.project"]
    assert [(f.project, f.source, f.field) for f in dups] == [
        ("巨灾保险项目", {"file": "004_ba3dd06106aafdcb.txt", "index": 0}, None)
    ]
    assert "000_b1cbcbfb32276fbb.txt 第18张表" in dups[0].message
    assert "内容完全相同" in dups[0].message


def test_phone_numbers(seed_findings: list[Finding]) -> None:  # noqa: F811
    phones = [(f.project, f.message) for f in seed_findings if f.code == "contact.phone"]
    # 406610995 has 9 digits; 023-40232915 and 02340257077 carry an area code and are fine.
    assert phones == [
        (
            "人民调解案件补贴",
            "联系电话“406610995”有9位数字，不是11位手机号或7–8位固定电话（可带区号）。",
        )
    ]


def test_finance_it_table_has_no_goal(seed_findings: list[Finding]) -> None:  # noqa: F811
    assert proj(seed_findings, "财政信息化建设经费", "completeness") == [
        ("completeness.goal", "goal")
    ]


def test_what_the_seeds_do_right_is_not_reported(
    seeds: list[TargetTable],
    seed_findings: list[Finding],  # noqa: F811
) -> None:
    # Every seed's scores add to 90, funds balance and percentages lie in 0–100.
    assert [
        f
        for f in seed_findings
        if f.code.startswith(
            (
                "scores.total",
                "funds",
                "values.percent",
                "values.missing",
                "values.qualitative",
                "cost",
                "time",
            )
        )
    ] == []
    # "2017年底前…陈案" names the cases counted, not a deadline.
    assert proj(seed_findings, "金融监管和维护项目", "time") == []


def test_errors_on_the_seeds(seed_findings: list[Finding]) -> None:  # noqa: F811
    errors = sorted({(f.project, f.code) for f in seed_findings if f.severity.value == "error"})
    assert errors == [
        ("企业退休军转干解困补助", "arithmetic.computation"),
        ("农村危房改造", "completeness.contact"),
        ("文化旅游产业发展资金", "scores.execution_weight"),
        ("老干部活动中心及老年大学经费", "arithmetic.computation"),
        ("财政信息化建设经费", "completeness.goal"),
        # Grounded on the goal's own words, not on levels: an error still.
        ("餐饮行业油烟整治及达标抽测项目", "direction.goal_promise"),
    ]
    # Findings that rest on levels the district form does not state (inferred) are
    # warnings at most, and say the levels were inferred (evaluation.md §2).
    # 开班学期数, 开设班数, 到位率, 受教育人数, 满意度: nothing says what the classes achieve.
    (f,) = [f for f in seed_findings if f.code == "coverage.output_outcome"]
    assert f.project == "老干部活动中心及老年大学经费"
    assert f.severity.value == "warning" and "推定" in f.message
