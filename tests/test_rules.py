"""Each rule on small tables that break it and tables that do not."""

from __future__ import annotations

import pytest

from jixiao.model import Contact, Funds
from jixiao.rules import REGISTRY, Severity, check
from review_support import codes, good_indicators, ind, make_table


def test_clean_table_has_no_findings() -> None:
    assert check([make_table()]) == []


def test_finding_json_shape() -> None:
    t = make_table(contact=Contact())
    (f,) = check([t])
    # The one shape of a finding everywhere (review, scoring, import).
    assert f.to_json() == {
        "code": "completeness.contact",
        "severity": "error",
        "project": "油烟整治",
        "location": {
            "file": None, "table": None, "sheet": None, "page": None, "line": None,
            "field": "contact", "indicator": None,
        },
        "message": "未填写联系人和联系电话。",
    }  # fmt: skip


def test_severity_order() -> None:
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert max([Severity.WARNING, Severity.ERROR, Severity.INFO]) is Severity.ERROR


def test_every_rule_has_code_doc_and_basis() -> None:
    assert len(REGISTRY) >= 25
    for code, r in REGISTRY.items():
        assert code == r.code and "." in code and r.doc and r.basis


# -- scores -------------------------------------------------------------------------------
def test_scores_total() -> None:
    inds = good_indicators()
    inds[0].score = 25
    assert codes(check([make_table(indicators=inds)]), "scores") == [("scores.total", "indicators")]


def test_scores_execution_weight() -> None:
    assert codes(check([make_table(execution_weight=20)]), "scores") == [
        ("scores.execution_weight", "execution_weight")
    ]
    assert codes(check([make_table(execution_weight=None)]), "scores") == [
        ("scores.execution_weight", "execution_weight")
    ]


def test_national_layout_out_of_100_without_weight_is_fine() -> None:
    inds = good_indicators()
    inds[0].score = 40
    assert codes(check([make_table(indicators=inds, execution_weight=None)]), "scores") == []


# -- funds --------------------------------------------------------------------------------
def test_funds_balance() -> None:
    bad = make_table(funds=Funds(total=58, superior=38, district=19))
    (f,) = [f for f in check([bad]) if f.code == "funds.balance"]
    assert f.field == "funds.total" and "58" in f.message and "57" in f.message
    ok = make_table(funds=Funds(total=58, superior=38, district=20.005))
    assert codes(check([ok]), "funds") == []


# -- completeness -------------------------------------------------------------------------
def test_completeness_fields() -> None:
    t = make_table(
        department=" ", implementer=None, goal=None, contact=Contact(name="张三"), funds=Funds()
    )
    assert codes(check([t]), "completeness") == [
        ("completeness.department", "department"),
        ("completeness.implementer", "implementer"),
        ("completeness.goal", "goal"),
        ("completeness.contact", "contact.phone"),
        ("completeness.funds", "funds.total"),
    ]


def test_completeness_indicators() -> None:
    inds = good_indicators()[:2]
    inds[1].score = 0
    for i in inds:
        i.core = False
    assert codes(check([make_table(indicators=inds)]), "completeness") == [
        ("completeness.indicator_count", "indicators"),
        ("completeness.score", "indicators[1].score"),
        ("completeness.core", "indicators"),
    ]


def test_no_core_is_not_reported_for_national_layout() -> None:
    inds = good_indicators()
    for i in inds:
        i.core, i.level1, i.level2 = False, "产出指标", "数量指标"
    assert codes(check([make_table(indicators=inds)]), "completeness.core") == []


# -- values -------------------------------------------------------------------------------
def test_value_form() -> None:
    inds = good_indicators()
    inds[0] = ind("完成油烟整治店铺数量", "≥", None, "家", 30, value="若干", core=True)
    inds[1] = ind("整治验收合格率", "≥", 95, "", 20)
    inds[3] = ind("群众投诉下降", "定性", None, "", 15, value="/")
    assert codes(check([make_table(indicators=inds)]), "values") == [
        ("values.missing_number", "indicators[0].value"),
        ("values.missing_unit", "indicators[1].unit"),
        ("values.qualitative_text", "indicators[3].value"),
    ]


def test_unit_repeated_and_percent_range() -> None:
    inds = good_indicators()
    inds[1] = ind("整治验收合格率", "≥", 105, "%", 20)
    inds[4] = ind("周边居民满意度", "≥", 90, "%", 10, value="90%")
    assert codes(check([make_table(indicators=inds)]), "values") == [
        ("values.unit_repeated", "indicators[4].value"),
        ("values.percent_range", "indicators[1].value"),
    ]
    inds[1] = ind("营业收入同比增长", "≥", 120, "%", 20)
    assert codes(check([make_table(indicators=inds)]), "values.percent") == []


def test_operator_variant_as_written_or_in_value() -> None:
    inds = good_indicators()
    inds[0].operator_written = "》"
    inds[2] = ind(
        "空气质量优良天数",
        "≥",
        300,
        "天",
        15,
        value="≧300天",
        level1="效益指标",
        level2="生态效益指标",
    )
    found = [f for f in check([make_table(indicators=inds)]) if f.code == "values.operator_variant"]
    assert [(f.field, f.message) for f in found] == [
        ("indicators[0].operator", "指标“完成油烟整治店铺数量”的指标性质写作“》”，应为“≥”。"),
        ("indicators[2].operator", "指标“空气质量优良天数”的指标值中的符号写作“≧”，应为“≥”。"),
    ]
    # ">=" is the keyboard's ≥: the same operator, not reported (as written or in a value).
    inds[0].operator_written = ">="
    inds[2].value = ">=300天"
    assert not [
        f for f in check([make_table(indicators=inds)]) if f.code == "values.operator_variant"
    ]


# -- direction ----------------------------------------------------------------------------
def test_goal_promise() -> None:
    inds = good_indicators()
    inds[0] = ind("油烟整治", "≤", 20, "家", 30, core=True)
    assert codes(check([make_table(indicators=inds)]), "direction") == [
        ("direction.goal_promise", "indicators[0].operator")
    ]
    # A ceiling in the goal, or a thing to have fewer of, is not a promise to deliver.
    assert (
        codes(check([make_table(indicators=inds, goal="整治店铺控制在20家以内。")]), "direction")
        == []
    )
    inds[0] = ind("新增油烟投诉", "≤", 20, "件", 30, core=True)
    assert codes(check([make_table(indicators=inds, goal="新增油烟投诉20件。")]), "direction") == []


def test_cost_direction() -> None:
    inds = good_indicators()
    inds[2] = ind("整治成本", "≥", 8, "万元", 15)
    assert codes(check([make_table(indicators=inds)]), "direction") == [
        ("direction.cost", "indicators[2].operator")
    ]
    inds[2] = ind("整治成本", "≤", 8, "万元", 15)
    assert codes(check([make_table(indicators=inds)]), "direction") == []


# -- coverage -----------------------------------------------------------------------------
def test_coverage() -> None:
    inds = [
        ind("完成整治店铺数量", "≥", 20, "家", 45, core=True),
        ind("整治验收合格率", "≥", 95, "%", 45),
    ]
    found = codes(check([make_table(indicators=inds)]), "coverage")
    assert found == [
        ("coverage.output_outcome", "indicators"),
        ("coverage.satisfaction", "indicators"),
        ("coverage.split", "indicators"),
    ]


def test_coverage_uses_the_tables_own_levels() -> None:
    inds = good_indicators()[:4]
    for i in inds:
        i.level1, i.level2 = "产出指标", "数量指标"
    assert codes(check([make_table(indicators=inds)]), "coverage") == [
        ("coverage.output_outcome", "indicators"),
        ("coverage.satisfaction", "indicators"),
        ("coverage.split", "indicators"),
    ]
    # A satisfaction indicator filed under another level is still there: not "missing".
    inds.append(ind("周边居民满意度", "≥", 90, "%", 10, level1="产出指标", level2="质量指标"))
    assert ("coverage.satisfaction", "indicators") not in codes(
        check([make_table(indicators=inds)]), "coverage"
    )


# -- time, cost, contact --------------------------------------------------------------------
def test_time_outside_year() -> None:
    inds = good_indicators()
    inds[1] = ind("2025年6月底前完成率", "=", 100, "%", 20)
    inds[2] = ind("完成时限", "≤", 14, "月", 15)
    assert codes(check([make_table(indicators=inds)]), "time") == [
        ("time.outside_year", "indicators[1].name"),
        ("time.outside_year", "indicators[2].value"),
    ]
    inds[1] = ind("2017年底前非法集资陈案累计结案率", "≥", 50, "%", 20)
    inds[2] = ind("2024年12月底前完成率", "=", 100, "%", 15)
    assert codes(check([make_table(indicators=inds)]), "time") == []


def test_cost_exceeds_total_minds_units() -> None:
    inds = good_indicators()
    inds[2] = ind("成本控制", "≤", 12, "万元", 15)
    assert codes(check([make_table(indicators=inds)]), "cost") == [
        ("cost.exceeds_total", "indicators[2].value")
    ]
    inds[2] = ind("成本控制", "≤", 100000, "元", 15)  # 10万元 of 10万元: not exceeding
    assert codes(check([make_table(indicators=inds)]), "cost") == []


@pytest.mark.parametrize(
    "phone,ok",
    [
        ("13667669705", True),
        ("40232529", True),
        ("023-40232915", True),
        ("02340257077", True),
        ("(023)40232915", True),
        ("13667669705、40232529", True),
        ("406610995", False),
        ("1366766970", False),
        ("2366766970511", False),
    ],
)
def test_contact_phone(phone: str, ok: bool) -> None:
    found = codes(check([make_table(contact=Contact(name="张三", phone=phone))]), "contact")
    assert found == ([] if ok else [("contact.phone", "contact.phone")])


# -- duplicates ---------------------------------------------------------------------------
def test_duplicates_report_what_differs() -> None:
    a = make_table()
    b = make_table(funds=Funds(total=12, district=12))
    c = make_table(project="另一项目")
    found = [f for f in check([a, b, c]) if f.code == "duplicates.project"]
    assert [(f.field, f.severity) for f in found] == [(None, Severity.WARNING)]
    assert "funds.total" in found[0].message and "funds.district" in found[0].message


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("0730-8261234", True),  # a 4-digit area code and a 7-digit local number
        ("8261234", True),
        ("023-40232915", True),
        ("13667669705", True),
        ("406610995", False),
        ("1366766970", False),
    ],
)
def test_phone_numbers_of_every_length_the_spec_allows(phone: str, ok: bool) -> None:
    found = [f for f in check([make_table(contact=Contact(name="张三", phone=phone))])
             if f.code == "contact.phone"]  # fmt: skip
    assert (found == []) is ok


def test_a_message_quotes_the_target_with_its_operator_once() -> None:
    from jixiao.model import Indicator
    from jixiao.rules.common import target_text

    national = Indicator(name="补助标准", operator="≥", value="≥780元/人·月", number=780,
                         unit="元/人·月")  # fmt: skip
    district = Indicator(name="油烟整治", operator="≤", value="20", number=20, unit="家")
    words = Indicator(name="满意度", operator="≥", value="95%以上", number=95, unit="%")
    assert target_text(national) == "≥780元/人·月"
    assert target_text(district) == "≤20家"
    assert target_text(words) == "95%以上"
    cost = make_table(indicators=[*good_indicators(), Indicator(
        name="成本控制", operator="≥", value="≥5万元", number=5, unit="万元",
        level1="产出指标", level2="成本指标")])  # fmt: skip
    messages = [f.message for f in check([cost]) if f.code == "direction.cost"]
    assert messages and all("≥≥" not in m and "“≥5万元”" in m for m in messages)


def test_a_form_without_points_gets_one_info_and_nothing_about_missing_rows() -> None:
    """Rules follow the layout: a national table has no 分值, 预算执行率权重 or 是否核心."""
    from jixiao.model import Indicator

    inds = [
        Indicator(name="新建道路", operator="≥", value="≥3.5万平方米", number=3.5,
                  unit="万平方米", level1="产出指标", level2="数量指标"),
        Indicator(name="通行效率", operator="定性", value="明显提升", level1="效益指标",
                  level2="社会效益指标"),
        Indicator(name="群众满意度", operator="≥", value="≥95%", number=95, unit="%",
                  level1="满意度指标", level2="服务对象满意度指标"),
    ]  # fmt: skip
    t = make_table(indicators=inds, execution_weight=None, layout="national")
    found = check([t])
    assert [
        (f.code, f.severity) for f in found if f.code.startswith(("scores", "completeness"))
    ] == [("scores.no_points", Severity.INFO)]


@pytest.mark.parametrize(
    ("layout", "funds", "flagged"),
    [
        ("district", Funds(total=10), False),  # no source stated: nothing to compare
        ("national", Funds(total=164, district=132), False),  # 其中：市级资金 132 of 164
        ("district", Funds(total=164, district=132), True),  # the district form lists all
        ("national", Funds(total=100, district=80, other=30), True),  # parts above the total
    ],
)
def test_funds_balance_follows_the_form(layout: str, funds: Funds, flagged: bool) -> None:
    found = [
        f for f in check([make_table(layout=layout, funds=funds)]) if f.code == "funds.balance"
    ]
    assert bool(found) is flagged


def test_a_period_is_a_qualitative_target_an_empty_one_is_not() -> None:
    from jixiao.model import Indicator

    period = Indicator(name="服务周期", operator="定性", value="2023.07-2024.01")
    empty = Indicator(name="促进社会和谐", operator="定性", value="")
    found = check([make_table(indicators=[*good_indicators(), period, empty])])
    assert [f.message for f in found if f.code == "values.qualitative_text"] == [
        "定性指标“促进社会和谐”的指标值“”没有文字描述。"
    ]
