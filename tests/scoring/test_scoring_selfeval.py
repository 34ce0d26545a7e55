"""One project scored end to end: execution, indicators, rescaling, caps, grades, findings.

Expected totals are worked by hand in the comments.
"""

from __future__ import annotations

import pytest
from scoring_helpers import ind, make_table

from jixiao.findings import Severity
from jixiao.scoring import Actual, ScoringSettings, SelfEvaluationReturn, score
from jixiao.scoring.formulas import TIER_MET, TIER_MISSED, TIER_PARTIAL
from jixiao.scoring.selfeval import Evaluation


def ret(
    *actuals: Actual,
    budget: float | None = 100,
    executed: float | None = 100,
    reason: str | None = None,
) -> SelfEvaluationReturn:
    return SelfEvaluationReturn(project="测试项目", department="测试局", budget=budget,
                                executed=executed, execution_reason=reason,
                                actuals=list(actuals))  # fmt: skip


def codes(ev: Evaluation) -> list[tuple[str, str | None]]:
    return [(x.code, x.indicator) for x in ev.findings]


def test_all_met_full_marks() -> None:
    t = make_table(ind("数量", "≥", 20, 50), ind("满意度", "≥", 90, 40))
    ev = score(t, ret(Actual("数量", 20), Actual("满意度", 95)))
    # 10 + 50 + 40 = 100
    assert ev.total == 100
    assert ev.grade == "优"
    assert ev.findings == []


def test_worked_project() -> None:
    t = make_table(
        ind("油烟整治", "≥", 20, 20, "家"),
        ind("排放浓度", "≤", 1, 20, "mg"),
        ind("事故次数", "=", 0, 15, "次"),
        ind("优良天数", "≥", 300, 20, "天"),
        ind("值守", "定性", None, 15, value="全天"),
    )
    r = ret(
        Actual("油烟整治", 18, reason="两家停业"),  # 20 × 18 / 20 = 18
        Actual("排放浓度", 1.25, reason="设备老化"),  # ≤ over its ceiling: 20 × 1 / 1.25 = 16
        Actual("事故次数", 0),  # = 0 met: 15
        Actual("优良天数", 330),  # 330 ≥ 300: 20; 330 < 1.3 × 300 = 390, no flag
        Actual("值守", actual_text="基本做到", tier=TIER_PARTIAL, score=10, reason="节假日缺岗"),
        executed=85,  # rate 0.85: 10 × 0.85 = 8.5
        reason="年底资金未拨付",
    )
    ev = score(t, r)
    assert [round(i.score or -1, 4) for i in ev.indicators] == [18, 16, 15, 20, 10]
    # indicators 18 + 16 + 15 + 20 + 10 = 79; total 8.5 + 79 = 87.5
    assert ev.total == pytest.approx(87.5)
    assert ev.grade == "良"
    assert ev.findings == []
    out = ev.to_json()
    assert out["execution"] == {"rate": 0.85, "score": 8.5, "budget": 100, "executed": 85,
                                "weight": 10}  # fmt: skip
    assert out["total"] == 87.5
    assert [(i["name"], i["max"], i["score"]) for i in out["indicators"]][:2] == [
        ("油烟整治", 20, 18), ("排放浓度", 20, 16),
    ]  # fmt: skip


def test_scores_rounded_in_output_only() -> None:
    t = make_table(ind("天数", "≥", 300, 90))
    ev = score(t, ret(Actual("天数", 290, reason="天气")))
    # 90 × 290 / 300 = 87 exactly; with executed 100/100 → 10 + 87 = 97
    assert ev.total == pytest.approx(97)
    t = make_table(ind("天数", "≥", 300, 20), ind("其他", "≥", 1, 70))
    ev = score(t, ret(Actual("天数", 290, reason="天气"), Actual("其他", 1)))
    # 20 × 290 / 300 = 19.3333…; total 10 + 19.3333 + 70 = 99.3333…
    assert ev.indicators[0].score == pytest.approx(19.333333333333)
    assert ev.to_json()["indicators"][0]["score"] == 19.33
    assert ev.to_json()["total"] == 99.33


def test_b_zero() -> None:
    t = make_table(ind("数量", "≥", 20, 40), ind("其他", "≥", 1, 50))
    ev = score(t, ret(Actual("数量", 0, reason="未开工"), Actual("其他", 1)))
    # 40 × 0 / 20 = 0; total 10 + 0 + 50 = 60 → 中
    assert ev.indicators[0].score == 0
    assert ev.total == 60
    assert ev.grade == "中"


def test_a_zero_positive() -> None:
    t = make_table(ind("增长", "≥", 0, 90, "%"))
    ev = score(t, ret(Actual("增长", 0)))
    # B = 0 ≥ A = 0 → 90; total 100
    assert ev.total == 100


def test_b_far_above_a_flagged() -> None:
    t = make_table(ind("培训人次", "≥", 100, 90))
    ev = score(t, ret(Actual("培训人次", 1000)))
    # 1000 ≥ 100 → 90 (no deduction by default); 1000 ≥ 1.3 × 100 = 130 → flagged
    assert ev.total == 100
    assert "over-achievement" in ev.indicators[0].flags
    assert codes(ev) == [("over-achievement", "培训人次")]
    # An explanation keeps the flag but clears the finding.
    ev = score(t, ret(Actual("培训人次", 1000, reason="需求超预期")))
    assert "over-achievement" in ev.indicators[0].flags
    assert codes(ev) == []


def test_over_achievement_deduction_configurable() -> None:
    t = make_table(ind("培训人次", "≥", 100, 90))
    s = ScoringSettings.from_config({"over_achievement_deduction": 0.1})
    ev = score(t, ret(Actual("培训人次", 130, reason="需求超预期")), s)
    # 130 ≥ 1.3 × 100 → deduct 10% of 90 = 9: 90 − 9 = 81; total 10 + 81 = 91
    assert ev.indicators[0].score == pytest.approx(81)
    assert ev.total == pytest.approx(91)


def test_negative_b() -> None:
    t = make_table(ind("数量", "≥", 20, 40), ind("投诉", "≤", 5, 50))
    ev = score(t, ret(Actual("数量", -3, reason="录入"), Actual("投诉", -1, reason="录入")))
    # both negative → 0; total 10 + 0 + 0 = 10
    assert [i.score for i in ev.indicators] == [0, 0]
    assert ev.total == 10
    assert ("actual-negative", "数量") in codes(ev)


def test_negative_b_on_zero_target_scores_zero() -> None:
    t = make_table(ind("事故", "=", 0, 90, "次"))
    ev = score(t, ret(Actual("事故", -1, reason="录入错误")))
    assert ev.indicators[0].score == 0


def test_zero_target_missed() -> None:
    t = make_table(ind("事故", "=", 0, 90, "次"))
    ev = score(t, ret(Actual("事故", 2)))
    # B = 2 > 0 → 0; total 10 + 0 = 10; a reason is missing
    assert ev.total == 10
    assert codes(ev) == [("reason-missing", "事故")]


def test_missing_b_is_an_error_not_zero() -> None:
    t = make_table(ind("数量", "≥", 20, 40), ind("其他", "≥", 1, 50))
    ev = score(t, ret(Actual("其他", 1)))
    assert ev.indicators[0].score is None
    assert ev.grade is None
    assert ("actual-missing", "数量") in codes(ev)
    assert ev.to_json()["indicators"][0]["score"] is None
    assert ev.to_json()["complete"] is False


def test_qualitative_tiers() -> None:
    t = make_table(ind("效果", "定性", None, 10, value="显著"), ind("其他", "≥", 1, 80))
    other = Actual("其他", 1)
    # 8 = 0.8 × 10 with 达成: accepted; total 10 + 8 + 80 = 98
    ev = score(t, ret(Actual("效果", tier=TIER_MET, score=8, reason="r"), other))
    assert ev.total == 98
    # 6 = 0.6 × 10 with 部分达成: accepted; total 10 + 6 + 80 = 96
    ev = score(t, ret(Actual("效果", tier=TIER_PARTIAL, score=6, reason="r"), other))
    assert ev.total == 96
    # 8 with 部分达成: 0.8w belongs to the upper tier → rejected
    ev = score(t, ret(Actual("效果", tier=TIER_PARTIAL, score=8, reason="r"), other))
    assert ev.indicators[0].score is None
    assert ("outside-tier", "效果") in codes(ev)
    assert ev.grade is None
    # 6 with 未达成: 0.6w belongs to the middle tier → rejected
    ev = score(t, ret(Actual("效果", tier=TIER_MISSED, score=6, reason="r"), other))
    assert ("outside-tier", "效果") in codes(ev)
    # 5.9 with 未达成: accepted; total 10 + 5.9 + 80 = 95.9
    ev = score(t, ret(Actual("效果", tier="未达成", score=5.9, reason="r"), other))
    assert ev.total == pytest.approx(95.9)
    # A tier without a score cannot be scored.
    ev = score(t, ret(Actual("效果", tier=TIER_MET), other))
    assert ("qualitative-score-missing", "效果") in codes(ev)


def test_reason_required_below_full_marks() -> None:
    t = make_table(ind("数量", "≥", 20, 90))
    ev = score(t, ret(Actual("数量", 10)))
    assert codes(ev) == [("reason-missing", "数量")]
    assert ev.indicators[0].flags == ["below-target", "reason-missing"]


def test_not_applicable_rescaled_78_of_80() -> None:
    t = make_table(ind("甲", "≥", 100, 40), ind("乙", "≥", 10, 40), ind("丙", "≥", 1, 10))
    r = ret(
        Actual("甲", 95, reason="r"),  # 40 × 95 / 100 = 38
        Actual("乙", 10),  # 40
        Actual("丙", None, applicable=False),
    )
    ev = score(t, r)
    # earned 38 + 40 = 78 of 80 applicable → 78 × 90 / 80 = 87.75; total 10 + 87.75 = 97.75
    assert ev.indicator_score == 87.75
    assert ev.total == 97.75
    assert ev.grade == "优"
    assert ev.to_json()["indicators"][2]["flags"] == ["not-applicable"]


def test_every_indicator_not_applicable() -> None:
    t = make_table(ind("甲", "≥", 1, 50), ind("乙", "≥", 1, 40))
    r = ret(Actual("甲", None, applicable=False), Actual("乙", None, applicable=False),
            executed=80, reason="r")  # fmt: skip
    ev = score(t, r)
    # rate 0.8: S_exec = 8; indicator part on execution alone: 0.8 × 90 = 72; total 80
    assert ev.indicator_score == pytest.approx(72)
    assert ev.total == pytest.approx(80)
    assert [x.code for x in ev.findings] == ["all-not-applicable"]
    assert ev.findings[0].severity is Severity.ERROR


def test_budget_zero() -> None:
    t = make_table(ind("甲", "≥", 1, 90))
    ev = score(t, ret(Actual("甲", 1), budget=0, executed=0))
    # no rate: S_exec 0; total 0 + 90 = 90
    assert ev.execution.rate is None
    assert ev.execution.score == 0
    assert ev.total == 90
    assert [x.code for x in ev.findings] == ["budget-zero"]


def test_execution_below_90_needs_reason() -> None:
    t = make_table(ind("甲", "≥", 1, 90))
    ev = score(t, ret(Actual("甲", 1), executed=89))
    # 10 × 0.89 = 8.9; total 98.9
    assert ev.total == pytest.approx(98.9)
    assert [x.code for x in ev.findings] == ["execution-unexplained"]
    ev = score(t, ret(Actual("甲", 1), executed=90))
    assert ev.findings == []


def test_execution_weight_default_when_table_has_none() -> None:
    t = make_table(ind("甲", "≥", 1, 90), weight=None)
    ev = score(t, ret(Actual("甲", 1), executed=50, reason="r"))
    # weight defaults to 10: 10 × 0.5 = 5; total 95
    assert ev.total == pytest.approx(95)


def test_caps_off_by_default_and_on_when_configured() -> None:
    t = make_table(ind("甲", "≥", 1, 90))
    r = ret(Actual("甲", 1), executed=75, reason="r")
    # 10 × 0.75 = 7.5; total 97.5, uncapped by default
    assert score(t, r).total == pytest.approx(97.5)
    s = ScoringSettings.from_config({"caps": True})
    ev = score(t, r, s)
    # rate 75% ∈ [70%, 80%) → capped at 89 → 良
    assert ev.total == 89
    assert ev.capped_from == pytest.approx(97.5)
    assert ev.grade == "良"
    r = ret(Actual("甲", 1), executed=40, reason="r")
    # 10 × 0.4 = 4; 94 capped at 59 (below 50%) → 差
    ev = score(t, r, s)
    assert (ev.total, ev.grade) == (59, "差")


def test_grade_boundaries_through_totals() -> None:
    t = make_table(ind("甲", "≥", 100, 80), ind("乙", "≥", 1, 10))
    # 乙 met: 10; 甲 = 80 × B / 100. Total = 10 (exec) + 10 + 0.8 B.
    ev = score(t, ret(Actual("甲", 87.5, reason="r"), Actual("乙", 1)))
    # 0.8 × 87.5 = 70 → total 90 → 优
    assert (ev.total, ev.grade) == (pytest.approx(90), "优")
    ev = score(t, ret(Actual("甲", 87.4875, reason="r"), Actual("乙", 1)))
    # 0.8 × 87.4875 = 69.99 → total 89.99 → 良
    assert ev.to_json()["total"] == 89.99
    assert ev.grade == "良"


def test_configured_grade_bands() -> None:
    t = make_table(ind("甲", "≥", 100, 90))
    s = ScoringSettings.from_config({"grades": {"优秀": 95, "合格": 60, "不合格": 0}})
    ev = score(t, ret(Actual("甲", 90, reason="r")))
    # 90 × 90 / 100 = 81; total 91
    assert ev.grade == "优"
    assert score(t, ret(Actual("甲", 90, reason="r")), s).grade == "合格"


def test_unknown_indicator_reported() -> None:
    t = make_table(ind("甲", "≥", 1, 90))
    ev = score(t, ret(Actual("甲", 1), Actual("乙", 3)))
    assert ("unknown-indicator", "乙") in codes(ev)


def test_quantitative_text_actual() -> None:
    t = make_table(ind("甲", "≥", 1, 90))
    ev = score(t, ret(Actual("甲", None, actual_text="约一个")))
    assert ("actual-not-number", "甲") in codes(ev)
    assert ev.grade is None


def _national(*rows: tuple[str, str, float]) -> object:
    """A national-layout table without 分值: (name, 一级指标, target) with ≥ targets."""
    from jixiao.model import Indicator, TargetTable

    return TargetTable(
        project="测试项目", department="测试局", layout="national",
        indicators=[Indicator(name=n, operator="≥", value=f"≥{a:g}", number=a, unit="个",
                              level1=lv) for n, lv, a in rows],
    )  # fmt: skip


def test_a_table_without_points_is_scored_by_the_default_split() -> None:
    # §4's example: 4 产出 + 2 效益 + 1 满意度 → 12.5 each, 15 each and 10.
    t = _national(
        ("甲", "产出指标", 10), ("乙", "产出指标", 10), ("丙", "产出指标", 10),
        ("丁", "产出指标", 10), ("戊", "效益指标", 10), ("己", "效益指标", 10),
        ("庚", "满意度指标", 10),
    )  # fmt: skip
    r = ret(
        Actual("甲", 5, reason="进度滞后"),  # 12.5 × 5 / 10 = 6.25
        *(Actual(n, 10) for n in "乙丙丁戊己庚"),
    )
    ev = score(t, r)  # type: ignore[arg-type]
    assert [i.max for i in ev.indicators] == [12.5, 12.5, 12.5, 12.5, 15, 15, 10]
    # execution 10 (100%) + 6.25 + 3 × 12.5 + 2 × 15 + 10 = 93.75
    assert ev.total == pytest.approx(93.75)
    assert ev.grade == "优"
    assert ("default-points", None) in codes(ev) and ("weight-missing", "甲") not in codes(ev)


def test_default_points_pass_an_empty_level_on_and_keep_the_sum() -> None:
    # No 满意度 indicator: its 10 points go to 产出 and 效益 in proportion 50 : 30.
    t = _national(("甲", "产出指标", 1), ("乙", "产出指标", 1), ("丙", "产出指标", 1),
                  ("丁", "效益指标", 1), ("戊", "效益指标", 1))  # fmt: skip
    ev = score(t, ret(*(Actual(n, 1) for n in "甲乙丙丁戊")))  # type: ignore[arg-type]
    # 产出 90 × 50/80 = 56.25 → 18.75 × 3; 效益 33.75 → 16.88 + 16.87
    assert [i.max for i in ev.indicators] == [18.75, 18.75, 18.75, 16.88, 16.87]
    assert ev.total == pytest.approx(100)


def test_a_deployment_sets_its_own_split() -> None:
    t = _national(("甲", "产出指标", 1), ("乙", "效益指标", 1), ("丙", "满意度指标", 1))
    s = ScoringSettings.from_config({"default_points": {"产出指标": 60, "效益指标": 20,
                                                         "满意度指标": 10}})  # fmt: skip
    ev = score(t, ret(*(Actual(n, 1) for n in "甲乙丙")), s)  # type: ignore[arg-type]
    assert [i.max for i in ev.indicators] == [60, 20, 10]


def _three() -> object:
    # Defaults 50 / 30 / 10: one indicator in each first level.
    return _national(("甲", "产出指标", 10), ("乙", "效益指标", 10), ("丙", "满意度指标", 10))


def _returned(*points: float | None) -> SelfEvaluationReturn:
    return ret(*(Actual(n, 10, points=p) for n, p in zip("甲乙丙", points, strict=True)))


def test_default_points_cannot_be_changed_unless_the_deployment_allows() -> None:
    ev = score(_three(), _returned(40, 40, 10))  # type: ignore[arg-type]
    assert [i.max for i in ev.indicators] == [50, 30, 10]
    assert ("points-not-editable", None) in codes(ev) and ev.points_basis == "default"
    assert ev.to_json()["points_basis"] == "default"


def test_adjusted_default_points_are_used_when_their_sum_is_kept() -> None:
    s = ScoringSettings.from_config({"points_editable": True})
    ev = score(_three(), _returned(40, 40, None), s)  # type: ignore[arg-type]
    # 40 + 40 + 10 (丙 left as it was) = 90: kept; every target met → 10 + 90 = 100.
    assert [i.max for i in ev.indicators] == [40, 40, 10]
    assert ev.points_basis == "adjusted" and ("points-adjusted", None) in codes(ev)
    assert ev.total == pytest.approx(100)
    # 40 + 30 + 10 = 80: the sum is not kept, so the defaults stand.
    ev = score(_three(), _returned(40, 30, 10), s)  # type: ignore[arg-type]
    assert [i.max for i in ev.indicators] == [50, 30, 10] and ev.points_basis == "default"
    assert ("points-sum", None) in codes(ev)
    # A negative point is refused even when the sum holds.
    ev = score(_three(), _returned(100, -20, 10), s)  # type: ignore[arg-type]
    assert ("points-sum", None) in codes(ev) and ev.points_basis == "default"


def test_a_tables_own_points_are_never_changed_by_a_return() -> None:
    t = make_table(ind("甲", "≥", 10, 90))
    s = ScoringSettings.from_config({"points_editable": True})
    ev = score(t, ret(Actual("甲", 10, points=80)), s)
    assert [i.max for i in ev.indicators] == [90] and ev.points_basis == "table"
    assert ("points-changed", None) in codes(ev)
