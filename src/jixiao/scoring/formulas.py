"""The formulas of ``spec/evaluation.md`` §3–4, one per function, pure and typed.

Each takes numbers and returns a number (or a tier, a grade, a light); findings,
matching and rounding live elsewhere. Scores keep full precision here and are
rounded only where they are shown (:func:`round2`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from .settings import CapBand, GradeBand

Direction = Literal["positive", "zero", "reverse", "qualitative"]
Light = Literal["red", "yellow", "green"]

TIER_MET = "达成年度指标"
TIER_PARTIAL = "部分达成年度指标并具有一定效果"
TIER_MISSED = "未达成年度指标且效果较差"
TIERS: tuple[str, str, str] = (TIER_MET, TIER_PARTIAL, TIER_MISSED)


def round2(x: float) -> float:
    """四舍五入到分: half-up on the decimal the number shows, as a finance bureau rounds.

    ``round(87.745, 2)`` gives 87.74 on binary floats; this gives 87.75.
    """
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def direction(operator: str | None, target: float | None) -> Direction:
    """指标方向: ≥ > = and none are positive, ≤ < reverse, ``= 0`` (or a bare 0) a zero target."""
    if operator == "定性":
        return "qualitative"
    if operator in ("≤", "<"):
        return "reverse"
    if operator in ("=", None) and target == 0:
        return "zero"
    return "positive"


def execution_rate(executed: float, budget: float) -> float | None:
    """预算执行率 = 执行数 / 预算数; None where the budget is 0 or less (nothing to divide by)."""
    if budget <= 0:
        return None
    return executed / budget


def execution_score(rate: float, weight: float) -> float:
    """预算执行率得分 S_exec = min(rate, 1) × weight; a negative rate (refunds) scores 0."""
    return max(0.0, min(rate, 1.0)) * weight


def positive_score(target: float, actual: float, weight: float) -> float:
    """正向指标 (≥ > = 无符号): w if B ≥ A, else w × B / A; a negative B scores 0.

    With A ≤ 0 any B ≥ 0 meets the target, so the quotient is never reached with A = 0.
    """
    if actual < 0:
        return 0.0
    if actual >= target:
        return weight
    return weight * actual / target


def zero_target_score(actual: float, weight: float) -> float:
    """``= 0`` 指标 (事故、投诉次数): w when B ≤ 0, else 0. A negative B is refused before this."""
    return weight if actual <= 0 else 0.0


def reverse_score(target: float, actual: float, weight: float) -> float:
    """反向指标 (≤ <): w if B ≤ A, else w × A / B; a negative B scores 0."""
    if actual < 0:
        return 0.0
    if actual <= target:
        return weight
    # A ceiling below 0 that a non-negative B overshoots earns nothing, not a negative score.
    return max(0.0, weight * target / actual)


def tier_of(
    score: float, weight: float, met_from: float = 80.0, partial_from: float = 60.0
) -> str | None:
    """定性档次 of a score: [0.8w, w] 达成, [0.6w, 0.8w) 部分达成, [0, 0.6w) 未达成.

    None outside [0, w].

    The bounds are compared as ``score × 100 ≥ w × percent`` so 8 of 10 lands in 达成
    exactly, without 0.8 × 10 = 8.000000000000002 pushing it down a tier.
    """
    if score < 0 or score > weight:
        return None
    if score * 100 >= weight * met_from:
        return TIER_MET
    if score * 100 >= weight * partial_from:
        return TIER_PARTIAL
    return TIER_MISSED


def qualitative_score_fits(
    tier: str, score: float, weight: float, met_from: float = 80.0, partial_from: float = 60.0
) -> bool:
    """A 定性 score lies inside the tier the evaluator chose (else it is rejected)."""
    return tier_of(score, weight, met_from, partial_from) == tier


def is_over_achievement(target: float, actual: float, ratio: float = 1.3) -> bool:
    """超额完成: B ≥ 1.3 × A, for a positive target above 0.

    A ceiling (≤) or a zero target cannot be over-achieved upward; it is only missed.
    """
    return target > 0 and actual >= ratio * target


def rescale(earned: float, applicable: float, full: float) -> float:
    """不适用指标剔除后折算: earned × full / applicable, e.g. 78 × 90 / 80 = 87.75."""
    return earned * full / applicable


def percent(rate: float) -> float:
    """A rate as the percentage a person reads (two decimals): 30.2 / 151 → 20.0, not 19.999….

    Thresholds are compared with this figure, so a rate shown as 80.00% is never judged
    below 80% because of binary noise.
    """
    return round2(rate * 100)


def cap_for(rate: float | None, bands: tuple[CapBand, ...]) -> float | None:
    """执行率封顶: the cap of the band [low, high) (percent) holding the rate, or None."""
    if rate is None:
        return None
    p = percent(rate)
    for b in bands:
        if b.low <= p < b.high:
            return b.cap
    return None


def grade(total: float, bands: tuple[GradeBand, ...]) -> str:
    """评价等级: the first band whose minimum the total reaches (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差)."""
    for b in bands:
        if total >= b.min:
            return b.grade
    return bands[-1].grade


def progress(executed: float, budget: float, month: int) -> float | None:
    """执行进度 p = (执行数 / 预算数) / (月份 / 12); None where the budget is 0 or less."""
    if budget <= 0:
        return None
    return (executed / budget) / (month / 12)


def light(p: float, red_below: float = 60.0, green_from: float = 80.0) -> Light:
    """红黄绿灯: p < 60% red, 60–80% yellow, ≥ 80% green (percent thresholds)."""
    pct = percent(p)
    if pct < red_below:
        return "red"
    if pct < green_from:
        return "yellow"
    return "green"


def default_points(
    levels: Sequence[str | None], split: Mapping[str, float], total: float = 90.0
) -> list[float]:
    """Points of indicators whose table gives none (财预〔2020〕10号, evaluation.md §4).

    ``levels`` is each indicator's 一级指标 (成本 already counted as 产出); ``split`` the
    points of each first level, the first being where an indicator of no known level
    counts (产出 50, 效益 30, 满意度 10). Inside a level the points are equal, rounded
    to two decimals, the last indicator taking the remainder; a level with no
    indicators passes its points to the others in proportion, so the sum stays ``total``.
    """
    if not levels or not split:
        return [0.0] * len(levels)
    first = next(iter(split))
    known = [lv if lv is not None and lv in split else first for lv in levels]
    present = set(known)
    weight = sum(split[lv] for lv in present) or 1.0
    out = [0.0] * len(levels)
    for lv in present:
        idx = [n for n, k in enumerate(known) if k == lv]
        share = total * split[lv] / weight
        each = round2(share / len(idx))
        for n in idx[:-1]:
            out[n] = each
        out[idx[-1]] = round2(share - each * (len(idx) - 1))
    return out
