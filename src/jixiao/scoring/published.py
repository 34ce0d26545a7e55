"""自评复核: a published self-evaluation scored by §4 and set beside the department's own.

Departments publish their filled self-evaluation tables with the points, the actuals
and the score they gave themselves (evaluation.md §6). :func:`compare` re-scores what
the rules can score and lists each place the department was more generous than the
rules; :func:`by_department` sums that up for an auditor or a 人大 deputy.

What the rules cannot judge is taken as the department gave it, never counted against
it: a 定性 indicator (the tier is the evaluator's call), an actual that holds no
number, or an actual in another unit than its target (``1.2万人`` against ``≥200人``).
A difference is reported only beyond :data:`TOLERANCE`, because published scores and
rates are rounded to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..model import Indicator, IndicatorResult, TargetTable, json_number
from ..values import shown_target, split_value
from . import formulas as f
from .settings import ScoringSettings

TOLERANCE = 0.05  # points: two printed decimals, summed over a few rows
_SUM_TOLERANCE = 0.1  # a total against a dozen rounded parts

Kind = Literal["indicator", "execution", "total", "grade"]


@dataclass(frozen=True, slots=True)
class Difference:
    """自评差异: one place where the published self-evaluation departs from the rules."""

    kind: Kind
    position: int | None  # the indicator's place in the table, for kind "indicator"
    given: float | str
    by_rules: float | str
    message: str

    @property
    def excess(self) -> float:
        """Points given above the rules here (0 for a grade, or a total below its parts)."""
        if isinstance(self.given, str) or isinstance(self.by_rules, str):
            return 0.0
        return max(0.0, self.given - self.by_rules)

    @property
    def generous(self) -> bool:
        """More than the rules allow: a grade above its band, or points above them."""
        return self.kind == "grade" or self.excess > TOLERANCE


@dataclass(slots=True)
class PublishedComparison:
    """A published self-evaluation beside its re-scoring (自评得分 vs 复核得分)."""

    project: str
    department: str | None
    given_total: float | None  # 自评总分 as printed, else the sum of its parts
    rules_total: float | None  # the same self-evaluation scored by §4, None if it cannot be
    differences: list[Difference] = field(default_factory=list)

    @property
    def generous(self) -> bool:
        """The department gave itself more than the rules allow, somewhere."""
        return any(d.generous for d in self.differences)

    @property
    def excess(self) -> float:
        """Points given above the rules, summed over the differences (execution, indicators,
        a total above its parts); a department stricter elsewhere is not netted off."""
        return sum(d.excess for d in self.differences)


@dataclass(frozen=True, slots=True)
class DepartmentSummary:
    """部门自评复核汇总: how many self-evaluations, how many generous, by how much."""

    department: str
    evaluations: int
    generous: int
    excess: float  # points above the rules, summed over its self-evaluations


def compare(
    table: TargetTable, settings: ScoringSettings | None = None
) -> PublishedComparison | None:
    """Re-score a published self-evaluation; None for a table that carries none."""
    pub = table.self_evaluation
    if pub is None:
        return None
    s = settings or ScoringSettings()
    diffs: list[Difference] = []
    exec_rules = _execution(table, s, diffs)
    own_points = any(i.score is not None for i in table.indicators)
    parts_given: list[float | None] = [pub.budget.score]
    parts_rules: list[float | None] = [exec_rules]
    for n, (ind, res) in enumerate(zip(table.indicators, pub.indicators, strict=False)):
        given = res.score_given
        rules = _indicator_score(ind, res) if own_points else None
        parts_given.append(given)
        parts_rules.append(rules if rules is not None else given)
        if rules is not None and given is not None and given > rules + TOLERANCE:
            diffs.append(_generous_indicator(n, ind, res, given, rules))
    sum_given = _sum(parts_given)
    given_total = pub.total_given if pub.total_given is not None else sum_given
    total = pub.total_given
    if total is not None and sum_given is not None and abs(total - sum_given) > _SUM_TOLERANCE:
        diffs.append(
            Difference(
                "total", None, total, sum_given,
                f"自评总分 {_n(total)} 分，不等于各项得分之和 {_n(sum_given)} 分",
            )
        )  # fmt: skip
    if pub.grade_given and given_total is not None:
        band = f.grade(f.round2(given_total), s.grades)
        if _rank(pub.grade_given, s) > _rank(band, s):
            diffs.append(
                Difference(
                    "grade", None, pub.grade_given, band,
                    f"自评等级“{pub.grade_given.strip()}”，但总分 {_n(given_total)} 分"
                    f"按等级标准应为“{band}”",
                )
            )  # fmt: skip
    return PublishedComparison(
        project=table.project,
        department=table.department,
        given_total=given_total,
        rules_total=_sum(parts_rules),
        differences=diffs,
    )


def by_department(comparisons: Iterable[PublishedComparison]) -> list[DepartmentSummary]:
    """One line per department, most generous first."""
    acc: dict[str, list[PublishedComparison]] = {}
    for c in comparisons:
        acc.setdefault(c.department or "（未注明部门）", []).append(c)
    out = [
        DepartmentSummary(
            department=d,
            evaluations=len(cs),
            generous=sum(1 for c in cs if c.generous),
            excess=f.round2(sum(c.excess for c in cs)),
        )
        for d, cs in acc.items()
    ]
    return sorted(out, key=lambda x: (-x.excess, -x.generous, x.department))


def _execution(table: TargetTable, s: ScoringSettings, out: list[Difference]) -> float | None:
    """S_exec by the rules from the printed budget row; a difference if the given is higher."""
    assert table.self_evaluation is not None
    b = table.self_evaluation.budget
    weight = b.weight if b.weight is not None else s.execution_weight
    budget = b.adjusted if b.adjusted is not None else b.planned
    rate: float | None = None
    if b.executed is not None and budget is not None:
        rate = f.execution_rate(b.executed, budget)
    if rate is None and b.rate is not None:
        rate = b.rate / 100
    if rate is None:
        return b.score  # nothing to score it by: taken as given
    rules = f.execution_score(rate, weight)
    if b.score is not None and b.score > rules + TOLERANCE:
        pct = _n(min(rate, 1.0) * 100)
        out.append(
            Difference(
                "execution", None, b.score, rules,
                f"预算执行得分 {_n(b.score)} 分，高于执行率 {pct}% × {_n(weight)} = {_n(rules)} 分",
            )
        )  # fmt: skip
    return rules


def _indicator_score(ind: Indicator, res: IndicatorResult) -> float | None:
    """S by §4 for a quantitative indicator whose actual is a number in the target's unit."""
    if ind.score is None or ind.number is None or ind.operator == "定性" or not res.actual:
        return None
    _, actual, unit = split_value(res.actual)
    if actual is None or (unit and ind.unit and unit != ind.unit):
        return None
    w, target = ind.score, ind.number
    if actual < 0:
        return 0.0
    d = f.direction(ind.operator, target)
    if d == "reverse":
        return f.reverse_score(target, actual, w)
    if d == "zero":
        return f.zero_target_score(actual, w)
    return f.positive_score(target, actual, w)


def _generous_indicator(
    n: int, ind: Indicator, res: IndicatorResult, given: float, rules: float
) -> Difference:
    target = shown_target(ind.value, ind.operator, ind.unit)
    w = ind.score or 0.0
    if given >= w - TOLERANCE:
        msg = (
            f"实际完成值“{res.actual}”未达目标“{target}”，自评给满分 {_n(given)} 分；"
            f"按评分规则应得 {_n(rules)} 分"
        )
    else:
        msg = (
            f"实际完成值“{res.actual}”（目标“{target}”）按评分规则应得 {_n(rules)} 分，"
            f"自评给 {_n(given)} 分"
        )
    return Difference("indicator", n, given, rules, msg)


def _sum(parts: Sequence[float | None]) -> float | None:
    if not parts or any(p is None for p in parts):
        return None
    return sum(p for p in parts if p is not None)


def _rank(grade: str, s: ScoringSettings) -> int:
    """Higher for a better grade; an unknown word ranks lowest (nothing to say about it)."""
    names = [g.grade for g in sorted(s.grades, key=lambda g: g.min)]
    g = grade.strip()
    return names.index(g) if g in names else -1


def _n(x: float) -> float | int:
    v = json_number(f.round2(x))
    assert v is not None
    return v
