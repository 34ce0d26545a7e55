"""Published self-evaluations re-scored by §4 beside the department's own (evaluation.md §6).

Every expected score here is worked out by hand in the comments, never by the code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import read_paths
from jixiao.model import BudgetExecution, IndicatorResult, PublishedSelfEvaluation, TargetTable
from jixiao.rules import check
from jixiao.scoring.published import by_department, compare
from review_support import ROOT, ind, make_table

REAL = ROOT / "tests" / "data" / "real"


def _published(
    total: float | None = 100, grade: str | None = "优", exec_score: float = 10, **kw: object
) -> TargetTable:
    """A national-layout self-evaluation: budget 100, executed 85; five indicators.

    Given: execution 10, then 20 + 20 + 10 + 30 + 10 = 90, total 100.
    By §4: execution min(0.85, 1) × 10 = 8.5; 培训人数 180 of ≥200 → 20 × 180/200 = 18;
    合格率 96% of ≥95% → 20; 成本 55 of ≤50 → 10 × 50/55 = 9.0909…; 满意度 92% of ≥90%
    → 30; 定性 taken as given (10). Rules total 8.5 + 18 + 20 + 9.09 + 30 + 10 = 95.59.
    """
    inds = [
        ind("培训人数", "≥", 200, "人", 20, value="≥200人"),
        ind("培训合格率", "≥", 95, "%", 20, value="≥95%"),
        ind("项目成本", "≤", 50, "万元", 10, value="≤50万元"),
        ind("学员满意度", "≥", 90, "%", 30, value="≥90%"),
        ind("培训效果", "定性", None, "", 10, value="显著"),
    ]
    results = [
        IndicatorResult(name="培训人数", actual="180人", score_given=20),
        IndicatorResult(name="培训合格率", actual="96%", score_given=20),
        IndicatorResult(name="项目成本", actual="55万元", score_given=10),
        IndicatorResult(name="学员满意度", actual="92%", score_given=30),
        IndicatorResult(name="培训效果", actual="显著", score_given=10),
    ]
    se = PublishedSelfEvaluation(
        budget=BudgetExecution(adjusted=100, executed=85, weight=10, rate=85, score=exec_score),
        indicators=results,
        total_given=total,
        grade_given=grade,
    )
    fields: dict[str, object] = {
        "layout": "national",
        "form": "自评表",
        "indicators": inds,
        "self_evaluation": se,
        **kw,
    }
    return make_table(**fields)


def test_each_generous_score_is_a_difference_with_the_rules_figure() -> None:
    c = compare(_published())
    assert c is not None
    got = {(d.kind, d.position): (d.given, round(float(d.by_rules), 2)) for d in c.differences}
    assert got == {
        ("execution", None): (10, 8.5),
        ("indicator", 0): (20, 18.0),
        ("indicator", 2): (10, 9.09),
    }
    assert c.rules_total == pytest.approx(95.5909, abs=1e-3)
    assert c.given_total == 100 and c.generous
    # 1.5 + 2 + 0.9090… points above the rules
    assert c.excess == pytest.approx(4.409, abs=1e-3)
    by_kind = {d.position: d.message for d in c.differences if d.kind == "indicator"}
    assert "未达目标“≥200人”，自评给满分 20 分" in by_kind[0] and "应得 18 分" in by_kind[0]


def test_the_review_reports_them_and_nothing_on_a_table_without_one() -> None:
    codes = [f.code for f in check([_published()]) if f.code.startswith("published.")]
    assert sorted(codes) == [
        "published.execution-above-rate",
        "published.indicator-above-rules",
        "published.indicator-above-rules",
    ]
    msg = next(f for f in check([_published()]) if f.code == "published.execution-above-rate")
    assert msg.message == "预算执行得分 10 分，高于执行率 85% × 10 = 8.5 分"
    assert compare(make_table()) is None
    assert not [f for f in check([make_table()]) if f.code.startswith("published.")]


def test_a_total_that_is_not_its_parts_and_a_grade_above_its_band() -> None:
    # Parts 10 + 90 = 100 but 92 printed; 92 is 优 — no grade finding.
    c = compare(_published(total=92))
    assert c is not None
    assert [(d.kind, d.given, d.by_rules) for d in c.differences if d.kind == "total"] == [
        ("total", 92, 100)
    ]
    assert not [d for d in c.differences if d.kind == "grade"]
    # A total below its parts is a fault, but not a generous one.
    assert not next(d for d in c.differences if d.kind == "total").generous
    # 85 is 良 (80 ≤ T < 90): 优 is above the band.
    c = compare(_published(total=85, grade="优"))
    assert c is not None
    grade = next(d for d in c.differences if d.kind == "grade")
    assert (grade.given, grade.by_rules, grade.generous) == ("优", "良", True)
    assert "按等级标准应为“良”" in grade.message
    # A department stricter than the rules is not flagged.
    c = compare(_published(exec_score=8))
    assert c is not None and not [d for d in c.differences if d.kind == "execution"]


def test_what_the_rules_cannot_judge_is_taken_as_given() -> None:
    t = _published()
    assert t.self_evaluation is not None
    # An actual in another unit than the target, and one with no number.
    t.self_evaluation.indicators[0].actual = "0.018万人"
    t.self_evaluation.indicators[2].actual = "基本完成"
    c = compare(t)
    assert c is not None
    assert [d.kind for d in c.differences] == ["execution"]
    # No 分值 of its own: full points are unknown, no indicator is judged.
    for i in t.indicators:
        i.score = None
    c = compare(t)
    assert c is not None and not [d for d in c.differences if d.kind == "indicator"]


def test_a_summary_per_department() -> None:
    a = compare(_published(department="区教委"))
    b = compare(_published(department="区教委", exec_score=8, total=98))
    clean = _published(department="区卫健委", exec_score=8)
    assert clean.self_evaluation is not None
    clean.self_evaluation.indicators[0].score_given = 18
    clean.self_evaluation.indicators[2].score_given = 9
    clean.self_evaluation.total_given = 95
    c = compare(clean)
    assert a and b and c
    got = {(s.department, s.evaluations, s.generous, s.excess) for s in by_department([a, b, c])}
    # 区教委: 4.41 + (2 + 0.91) = 7.32 points above the rules; 区卫健委 none.
    assert got == {("区教委", 2, 2, 7.32), ("区卫健委", 1, 0, 0.0)}


def _real(name: str) -> list[TargetTable]:
    path = next(REAL.rglob(name))
    return [t for t in read_paths([str(path)]) if isinstance(t, TargetTable)]


def test_real_published_self_evaluations() -> None:
    # 廊坊 2019: 执行 37.24 of 43.2 = 86.2% → 8.62, given 9; 工程资金金额 43.2 → 37.24
    # gives 10 × 37.24 / 43.2 = 8.62, given 9.
    (t,) = _real("hebei-langfang-2019-shipin-xuexiao-nuantong-ziping.html")
    codes = sorted(f.code for f in check([t]) if f.code.startswith("published."))
    assert codes == ["published.execution-above-rate", "published.indicator-above-rules"]
    # 稷山 2020: 9 + 13 + 15 + 10 + 10 + 27 + 9 = 93, printed 总分 94.
    (t,) = _real("shanxi-jishan-2020-jiandang-jiaofei-peitao-ziping.html")
    (f,) = [f for f in check([t]) if f.code.startswith("published.")]
    assert f.code == "published.total-not-sum" and "94" in f.message and "93" in f.message


def test_check_prints_the_department_summary(tmp_path: Path) -> None:
    files = [str(next(REAL.rglob(n))) for n in (
        "hebei-langfang-2019-shipin-xuexiao-nuantong-ziping.html",
        "shanxi-jishan-2020-jiandang-jiaofei-peitao-ziping.html",
    )]  # fmt: skip
    r = CliRunner().invoke(app, ["check", *files], env={"COLUMNS": "120"})
    assert "自评复核" in r.output
    line = next(x for x in r.output.splitlines() if "廊坊市发改委" in x)
    assert "0.76" in line  # 0.38 + 0.38
