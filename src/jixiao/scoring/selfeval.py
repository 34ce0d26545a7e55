"""自评评分: one project's year-end self-evaluation scored against its stored target table.

:func:`score` joins a :class:`SelfEvaluationReturn` to the table's indicators and applies
the formulas of :mod:`.formulas`; every problem is a :class:`Finding` (data), never an
exception and never a silent 0. Results keep full precision; :meth:`Evaluation.to_json`
rounds to two decimals.

Where ``spec/evaluation.md`` is silent the choices are (docs/configuration.md, Scoring):

- a missing 实际完成值, a 定性 score outside its tier, or a target with no number leaves
  that indicator unscored (``score`` null, an error finding); the total then counts only
  what was scored and no grade is given until the return is complete;
- a negative B scores 0 for every direction, ``= 0`` targets included: a negative count
  is a data error, not a perfect result;
- budget 0 (or none): the execution rate is undefined, S_exec is 0 and an error finding
  asks for the budget; no cap applies;
- every indicator not applicable: the indicator part is scored on execution alone,
  ``min(rate, 1) × Σw``, with an error finding so a reviewer looks at the return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..findings import Finding, Location, Severity
from ..model import Indicator, TargetTable, json_number
from ..values import shown_target
from . import formulas as f
from .returns import Actual, Origin, SelfEvaluationReturn
from .settings import ScoringSettings

_EPS = 1e-9  # float noise: 9.999999999999998 of 10 is full marks


def finding(code: str, severity: str, message: str, indicator: str | None = None) -> Finding:
    """A scoring finding: about an indicator (by name) or the return as a whole."""
    return Finding(code, Severity.parse(severity), Location(indicator=indicator), None, message)


@dataclass(slots=True)
class IndicatorResult:
    """指标得分: one indicator scored (``score`` None when it could not be)."""

    name: str
    operator: str | None
    target: float | None  # A
    target_text: str
    unit: str
    max: float  # w
    actual: float | None = None  # B
    actual_text: str | None = None
    tier: str | None = None
    score: float | None = None
    reason: str | None = None
    applicable: bool = True
    flags: list[str] = field(default_factory=list)
    level1: str | None = None
    level2: str | None = None

    @property
    def target_shown(self) -> str:
        """The target as a person reads it, operator and unit once (``≥1200户``)."""
        return shown_target(self.target_text, self.operator, self.unit)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": json_number(self.target) if self.target is not None else self.target_text,
            "actual": json_number(self.actual) if self.actual is not None else self.actual_text,
            "max": json_number(self.max),
            "score": None if self.score is None else json_number(f.round2(self.score)),
            "flags": list(self.flags),
            "operator": self.operator,
            "unit": self.unit,
            "tier": self.tier,
            "applicable": self.applicable,
            "reason": self.reason,
        }


@dataclass(slots=True)
class ExecutionResult:
    """预算执行: budget, executed, rate and S_exec."""

    budget: float | None
    executed: float | None
    weight: float
    rate: float | None = None
    score: float | None = None
    reason: str | None = None


@dataclass(slots=True)
class Evaluation:
    """自评结果: one project's scores, total, grade and findings."""

    project: str
    department: str | None
    year: int | None
    execution: ExecutionResult
    indicators: list[IndicatorResult]
    indicator_score: float  # Σ S after rescaling for not-applicable indicators
    total: float
    grade: str | None  # None while an indicator is unscored
    capped_from: float | None = None
    findings: list[Finding] = field(default_factory=list)
    origin: Origin | None = None
    money_unit: str | None = None
    # Whose points the indicators were scored out of: the table's own 分值, §4's default
    # split, or that split as the department adjusted it (a finding says why).
    points_basis: PointsBasis = "table"

    @property
    def complete(self) -> bool:
        return self.execution.score is not None and all(
            i.score is not None for i in self.indicators if i.applicable
        )

    def severity_count(self, severity: Severity | str) -> int:
        wanted = Severity.parse(severity)
        return sum(1 for x in self.findings if x.severity is wanted)

    def to_json(self) -> dict[str, Any]:
        """The JSON report of one project, scores rounded to two decimals."""
        e = self.execution
        return {
            "project": self.project,
            "department": self.department,
            "execution": {
                "rate": _rate(e.rate),
                "score": None if e.score is None else json_number(f.round2(e.score)),
                "budget": json_number(e.budget),
                "executed": json_number(e.executed),
                "weight": json_number(e.weight),
            },
            "indicators": [i.to_json() for i in self.indicators],
            "indicator_score": json_number(f.round2(self.indicator_score)),
            "total": json_number(f.round2(self.total)),
            "grade": self.grade,
            "capped_from": None
            if self.capped_from is None
            else json_number(f.round2(self.capped_from)),
            "complete": self.complete,
            "points_basis": self.points_basis,
            "findings": [x.to_json() for x in self.findings],
        }


def _rate(rate: float | None) -> float | int | None:
    # The rate is a fraction (0.85 for 85%); four places keep the percent to two decimals.
    if rate is None:
        return None
    return json_number(float(f"{_n(rate * 100) / 100:.4f}"))


def score(
    table: TargetTable, ret: SelfEvaluationReturn, settings: ScoringSettings | None = None
) -> Evaluation:
    """自评得分: T = S_exec + Σ S (rescaled for not-applicable indicators), capped, graded."""
    s = settings or ScoringSettings()
    findings: list[Finding] = []
    execution = _execution(table, ret, s, findings)
    actuals, unknown = _join(table.indicators, ret.actuals)
    for a in unknown:
        findings.append(
            finding("unknown-indicator", "error", f"目标表中没有指标“{a.indicator}”", a.indicator)
        )
    points, basis = _points_used(table, actuals, s, findings)
    results = [
        _indicator(ind, act, s, findings, w)
        for ind, act, w in zip(table.indicators, actuals, points, strict=True)
    ]

    full = sum(r.max for r in results)
    applicable = [r for r in results if r.applicable]
    applicable_w = sum(r.max for r in applicable)
    earned = sum(r.score for r in applicable if r.score is not None)
    if results and not applicable:
        # Nothing left to score against: the indicator part follows execution alone.
        rate = execution.rate if execution.rate is not None else 0.0
        indicator_score = max(0.0, min(rate, 1.0)) * full
        findings.append(
            finding(
                "all-not-applicable",
                "error",
                f"全部指标标为不适用：指标部分按预算执行率折算（{_n(indicator_score)} / "
                f"{_n(full)} 分），请核实",
            )
        )
    elif applicable_w > 0 and applicable_w < full - _EPS:
        indicator_score = f.rescale(earned, applicable_w, full)
        findings.append(
            finding(
                "rescaled",
                "info",
                f"剔除不适用指标后按 {_n(earned)} × {_n(full)} / "
                f"{_n(applicable_w)} = {_n(indicator_score)} 折算",
            )
        )
    else:
        indicator_score = earned

    total = (execution.score or 0.0) + indicator_score
    capped_from = None
    if s.caps:
        cap = f.cap_for(execution.rate, s.cap_bands)
        if cap is not None and total > cap:
            capped_from = total
            total = cap
            findings.append(
                finding(
                    "capped",
                    "info",
                    f"预算执行率 {_pct(execution.rate)}，总分由 {_n(capped_from)} 封顶为 {_n(cap)}",
                )
            )
    ev = Evaluation(
        project=table.project,
        department=table.department,
        year=table.year,
        execution=execution,
        indicators=results,
        indicator_score=indicator_score,
        total=total,
        grade=None,
        capped_from=capped_from,
        findings=findings,
        origin=ret.origin,
        money_unit=table.money_unit,
        points_basis=basis,
    )
    if ev.complete:
        # The grade follows the total as published (two decimals): 89.995 shows 90.00 and is 优.
        ev.grade = f.grade(f.round2(total), s.grades)
    else:
        findings.append(finding("incomplete", "error", "有未能评分的项目，补全后才能评定等级"))
    return ev


def _n(x: float) -> float | int:
    """A score in a message: two decimals, whole numbers without ``.0`` (3, not 3.0)."""
    v = json_number(f.round2(x))
    assert v is not None
    return v


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{_n(rate * 100)}%"


def _execution(
    table: TargetTable, ret: SelfEvaluationReturn, s: ScoringSettings, out: list[Finding]
) -> ExecutionResult:
    weight = table.execution_weight if table.execution_weight is not None else s.execution_weight
    budget = ret.budget
    if s.budget == "adjusted" and ret.adjusted_budget is not None:
        budget = ret.adjusted_budget
    if budget is None:
        budget = table.funds.total
        if budget is not None:
            out.append(
                finding(
                    "budget-from-table",
                    "info",
                    f"未填预算数，按目标表资金总额 {json_number(budget)} 计",
                )
            )
    ex = ExecutionResult(
        budget=budget, executed=ret.executed, weight=weight, reason=ret.execution_reason
    )
    if ret.executed is None:
        out.append(finding("executed-missing", "error", "未填全年执行数，无法计算预算执行率"))
        return ex
    if ret.executed < 0:
        out.append(
            finding(
                "executed-negative", "error", f"全年执行数为负数（{json_number(ret.executed)}）"
            )
        )
    rate = None if budget is None else f.execution_rate(ret.executed, budget)
    if rate is None:
        out.append(
            finding("budget-zero", "error", "预算数为 0 或未填，执行率无法计算，预算执行得分记 0")
        )
        ex.score = 0.0
        return ex
    ex.rate = rate
    ex.score = f.execution_score(rate, weight)
    if f.percent(rate) < s.execution_explain_below and not ret.execution_reason:
        out.append(
            finding(
                "execution-unexplained",
                "warning",
                f"预算执行率 {_pct(rate)} 低于 "
                f"{json_number(s.execution_explain_below)}%，需说明原因",
            )
        )
    if rate > 1 + _EPS:
        out.append(
            finding("execution-over-budget", "warning", f"执行数超过预算数（执行率 {_pct(rate)}）")
        )
    return ex


def _join(
    indicators: list[Indicator], actuals: list[Actual]
) -> tuple[list[Actual | None], list[Actual]]:
    """Pair each indicator with its row: by the template's position key where the name agrees,
    else by name (the first unused row of that name)."""
    out: list[Actual | None] = [None] * len(indicators)
    rest: list[Actual] = []
    for a in actuals:
        p = a.position
        if (
            p is not None
            and 0 <= p < len(indicators)
            and out[p] is None
            and (indicators[p].name.strip() == a.indicator)
        ):
            out[p] = a
        else:
            rest.append(a)
    unknown = []
    for a in rest:
        for n, ind in enumerate(indicators):
            if out[n] is None and ind.name.strip() == a.indicator:
                out[n] = a
                break
        else:
            unknown.append(a)
    return out, unknown


_TIER_WORDS = {
    f.TIER_MET: f.TIER_MET, "达成": f.TIER_MET, "达成年度指标": f.TIER_MET,
    f.TIER_PARTIAL: f.TIER_PARTIAL, "部分达成": f.TIER_PARTIAL,
    f.TIER_MISSED: f.TIER_MISSED, "未达成": f.TIER_MISSED,
}  # fmt: skip


def points_of(table: TargetTable, s: ScoringSettings) -> tuple[list[float | None], bool]:
    """Each indicator's points (w), and whether they are the default split.

    A table with a 分值 column keeps its own (an indicator left blank stays None and is
    reported); a table without one gets §4's default split by first level, the
    table's own levels where it states them, else the inferred ones.
    """
    own = [i.score for i in table.indicators]
    if any(p is not None for p in own) or not table.indicators:
        return own, False
    from ..classify import classify_table, normalize_level1

    levels = []
    for c in classify_table(table):
        lv = normalize_level1(c.level1)
        levels.append(_OUTPUT if lv == _COST_L1 else lv)
    return list(f.default_points(levels, s.default_points)), True


_OUTPUT, _COST_L1 = "产出指标", "成本指标"


def _points_used(
    table: TargetTable, actuals: list[Actual | None], s: ScoringSettings, out: list[Finding]
) -> tuple[list[float | None], PointsBasis]:
    """Each indicator's w and whose points they are, with a finding saying why.

    The table's own 分值 are never changed by a return. Default points (§4) may be
    adjusted by the department where ``[scoring] points_editable`` allows, as long as
    none is negative and their sum stays; otherwise the defaults stand, with an error.
    """
    points, defaulted = points_of(table, s)
    changed = [
        (ind.name, a.points)
        for ind, a, p in zip(table.indicators, actuals, points, strict=True)
        if a is not None and a.points is not None and (p is None or abs(a.points - p) > _EPS)
    ]
    names = "、".join(f"“{n}” {_n(v)} 分" for n, v in changed if v is not None)
    if not defaulted:
        if changed:
            msg = f"自评表中的分值与目标表不一致（{names}），按目标表分值评分"
            out.append(finding("points-changed", "warning", msg))
        return points, "table"
    split = "、".join(f"{k.removesuffix('指标')} {_n(v)}" for k, v in s.default_points.items())
    msg = f"目标表没有分值：按一级指标默认分值评分（{split} 分，级内平均）"
    out.append(finding("default-points", "info", msg))
    if not changed:
        return points, "default"
    if not s.points_editable:
        out.append(finding("points-not-editable", "error",
                           f"本部署不允许调整默认分值（{names}），按默认分值评分"))  # fmt: skip
        return points, "default"
    edited = [
        a.points if a is not None and a.points is not None else p
        for a, p in zip(actuals, points, strict=True)
    ]
    want = sum(p or 0.0 for p in points)
    got = sum(p or 0.0 for p in edited)
    if any(p is not None and p < 0 for p in edited) or abs(got - want) > 0.005:
        out.append(finding("points-sum", "error",
                           f"调整后的分值合计 {_n(got)} 分，应为 {_n(want)} 分（且不得为负），"
                           "按默认分值评分"))  # fmt: skip
        return points, "default"
    out.append(finding("points-adjusted", "info",
                       f"按部门调整后的分值评分（{names}；合计 {_n(want)} 分不变）"))  # fmt: skip
    return edited, "adjusted"


PointsBasis = Literal["table", "default", "adjusted"]


def _indicator(
    ind: Indicator,
    a: Actual | None,
    s: ScoringSettings,
    out: list[Finding],
    points: float | None = None,
) -> IndicatorResult:
    name = ind.name
    w = points if points is not None else 0.0
    r = IndicatorResult(
        name=name,
        operator=ind.operator,
        target=ind.number,
        target_text=ind.value,
        unit=ind.unit,
        max=w,
        level1=ind.level1,
        level2=ind.level2,
    )
    if points is None:
        out.append(finding("weight-missing", "error", "目标表中该指标没有分值", name))
        r.flags.append("weight-missing")
    if a is None:
        out.append(finding("actual-missing", "error", "未填实际完成值", name))
        r.flags.append("actual-missing")
        return r
    r.actual, r.actual_text, r.reason, r.applicable = (
        a.actual,
        a.actual_text,
        a.reason,
        a.applicable,
    )
    if not a.applicable:
        r.flags.append("not-applicable")
        return r
    if points is None:
        return r
    qualitative = ind.operator == "定性" or ind.number is None
    if qualitative:
        if ind.operator != "定性" and (a.tier or a.score is not None):
            out.append(
                finding(
                    "scored-as-qualitative",
                    "info",
                    f"指标值“{ind.value}”无数值，按定性档次评分",
                    name,
                )
            )
        elif ind.operator != "定性":
            out.append(
                finding(
                    "target-missing",
                    "error",
                    f"指标值“{ind.value}”无数值，无法计算；请按定性档次给分",
                    name,
                )
            )
            r.flags.append("target-missing")
            return r
        _qualitative(r, a, s, out)
    else:
        _quantitative(r, ind, a, s, out)
    if r.score is not None and r.score < w - _EPS and not a.reason:
        out.append(
            finding(
                "reason-missing",
                "warning",
                f"得分 {_n(r.score)} 低于分值 {json_number(w)}，需填写偏差原因",
                name,
            )
        )
        r.flags.append("reason-missing")
    return r


def _quantitative(
    r: IndicatorResult, ind: Indicator, a: Actual, s: ScoringSettings, out: list[Finding]
) -> None:
    name, w = ind.name, r.max
    assert ind.number is not None
    if a.actual is None:
        if a.actual_text:
            out.append(
                finding("actual-not-number", "error", f"实际完成值“{a.actual_text}”不是数字", name)
            )
        else:
            out.append(finding("actual-missing", "error", "未填实际完成值", name))
        r.flags.append("actual-missing")
        return
    if a.score is not None:
        out.append(
            finding(
                "score-ignored",
                "info",
                f"定量指标按公式计分，填写的得分 {json_number(a.score)} 未采用",
                name,
            )
        )
    A, B = ind.number, a.actual
    d = f.direction(ind.operator, A)
    if B < 0:
        out.append(
            finding(
                "actual-negative", "warning", f"实际完成值为负数（{json_number(B)}），得 0 分", name
            )
        )
        r.flags.append("negative-actual")
        r.score = 0.0
        return
    if d == "reverse":
        r.score = f.reverse_score(A, B, w)
    elif d == "zero":
        r.score = f.zero_target_score(B, w)
    else:
        r.score = f.positive_score(A, B, w)
    if r.score < w - _EPS:
        r.flags.append("below-target")
    if d == "positive" and f.is_over_achievement(A, B, s.over_achievement_ratio):
        r.flags.append("over-achievement")
        if not a.reason:
            out.append(
                finding(
                    "over-achievement",
                    "warning",
                    f"实际完成值 {json_number(B)} 达到目标值 {json_number(A)} 的 "
                    f"{json_number(s.over_achievement_ratio)} 倍以上，需说明超额原因",
                    name,
                )
            )
        if s.over_achievement_deduction > 0:
            cut = s.over_achievement_deduction * w
            r.score = max(0.0, r.score - cut)
            out.append(
                finding(
                    "over-achievement-deducted",
                    "info",
                    f"超额完成扣 {_n(cut)} 分（分值的 "
                    f"{json_number(f.round2(s.over_achievement_deduction * 100))}%）",
                    name,
                )
            )


def _qualitative(r: IndicatorResult, a: Actual, s: ScoringSettings, out: list[Finding]) -> None:
    name, w = r.name, r.max
    met, partial = s.tiers
    tier = _TIER_WORDS.get(a.tier.strip()) if a.tier else None
    if a.tier and tier is None:
        out.append(finding("tier-unknown", "error", f"评价档次“{a.tier}”不是三档之一", name))
        r.flags.append("tier-unknown")
        return
    if a.score is None:
        out.append(
            finding(
                "qualitative-score-missing",
                "error",
                "定性指标未填得分" + (f"（已选“{tier}”）" if tier else ""),
                name,
            )
        )
        r.flags.append("actual-missing")
        r.tier = tier
        return
    if tier is None:
        tier = f.tier_of(a.score, w, met, partial)
        if tier is not None:
            out.append(finding("tier-inferred", "info", f"未选评价档次，按得分归入“{tier}”", name))
            r.flags.append("tier-inferred")
    r.tier = tier
    if tier is None or not f.qualitative_score_fits(tier, a.score, w, met, partial):
        out.append(
            finding(
                "outside-tier",
                "error",
                f"得分 {json_number(a.score)} 不在“{tier or '任一档次'}”的分数范围内"
                f"（{_tier_range(tier, w, met, partial)}），不予采用",
                name,
            )
        )
        r.flags.append("outside-tier")
        return
    r.score = a.score
    if r.score < w - _EPS:
        r.flags.append("below-target")


def _tier_range(tier: str | None, w: float, met: float, partial: float) -> str:
    hi, mid = w * met / 100, w * partial / 100
    ranges = {
        f.TIER_MET: f"[{_n(hi)}, {_n(w)}]",
        f.TIER_PARTIAL: f"[{_n(mid)}, {_n(hi)})",
        f.TIER_MISSED: f"[0, {_n(mid)})",
    }
    return ranges.get(tier or "", f"[0, {_n(w)}]")


def is_qualitative(i: Indicator) -> bool:
    """A 定性 indicator, or one whose target holds no number: scored by tier, not by formula."""
    return i.operator == "定性" or i.number is None
