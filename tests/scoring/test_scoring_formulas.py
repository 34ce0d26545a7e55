"""The formulas of spec/evaluation.md §3–4, each with cases worked by hand.

Every expected value is a literal with its arithmetic beside it, never a call to the
code under test.
"""

from __future__ import annotations

import pytest

from jixiao.scoring import formulas as f
from jixiao.scoring.settings import DEFAULT_CAPS, DEFAULT_GRADES


def test_execution_rate_and_score() -> None:
    assert f.execution_rate(85, 100) == 0.85  # 85 / 100
    assert f.execution_score(0.85, 10) == pytest.approx(8.5)  # min(0.85, 1) × 10
    assert f.execution_score(1.2, 10) == 10  # over-spent: min(1.2, 1) × 10
    assert f.execution_score(0.0, 10) == 0  # nothing spent
    assert f.execution_rate(5, 0) is None  # budget 0: no rate, never a division by zero


def test_positive_met_and_short() -> None:
    assert f.positive_score(20, 20, 20) == 20  # B = A → w
    assert f.positive_score(20, 25, 20) == 20  # B > A → w
    assert f.positive_score(20, 15, 20) == 15  # 20 × 15 / 20 = 15
    assert f.positive_score(300, 290, 20) == pytest.approx(19.333333333)  # 20 × 290 / 300


def test_positive_b_zero_and_far_above() -> None:
    assert f.positive_score(95, 0, 10) == 0  # 10 × 0 / 95 = 0
    assert f.positive_score(2, 200, 10) == 10  # far above A: capped at w


def test_positive_a_zero() -> None:
    # ≥ 0: any B ≥ 0 meets the target, and B / A is never formed.
    assert f.positive_score(0, 0, 10) == 10
    assert f.positive_score(0, 7, 10) == 10


def test_negative_b_scores_zero() -> None:
    assert f.positive_score(20, -5, 20) == 0
    assert f.reverse_score(10, -1, 20) == 0  # B ≤ A would give w; a negative B is refused


def test_zero_target() -> None:
    assert f.direction("=", 0) == "zero"
    assert f.direction(None, 0) == "zero"  # a bare "0次"
    assert f.direction("≥", 0) == "positive"
    assert f.zero_target_score(0, 15) == 15  # no accidents → w
    assert f.zero_target_score(1, 15) == 0  # one accident → 0


def test_reverse() -> None:
    assert f.direction("≤", 10) == "reverse"
    assert f.direction("<", 20) == "reverse"
    assert f.reverse_score(10, 8, 20) == 20  # under the ceiling → w
    assert f.reverse_score(10, 10, 20) == 20  # at the ceiling → w
    assert f.reverse_score(10, 12.5, 20) == 16  # over its ceiling: 20 × 10 / 12.5 = 16
    assert f.reverse_score(1, 4, 20) == 5  # 20 × 1 / 4 = 5
    assert f.reverse_score(0, 3, 10) == 0  # ≤ 0 overshot: 10 × 0 / 3 = 0


def test_tiers_boundaries() -> None:
    w = 10
    assert f.tier_of(10, w) == f.TIER_MET
    assert f.tier_of(8, w) == f.TIER_MET  # 0.8w belongs to the upper tier
    assert f.tier_of(7.99, w) == f.TIER_PARTIAL
    assert f.tier_of(6, w) == f.TIER_PARTIAL  # 0.6w belongs to the middle tier
    assert f.tier_of(5.99, w) == f.TIER_MISSED
    assert f.tier_of(0, w) == f.TIER_MISSED
    assert f.tier_of(10.5, w) is None
    assert f.tier_of(-1, w) is None
    # w = 15: 0.8 × 15 = 12 and 0.6 × 15 = 9 land exactly on their tiers despite binary floats.
    assert f.tier_of(12, 15) == f.TIER_MET
    assert f.tier_of(9, 15) == f.TIER_PARTIAL
    assert f.qualitative_score_fits(f.TIER_PARTIAL, 8, 10) is False  # 8 is 达成, not 部分达成
    assert f.qualitative_score_fits(f.TIER_MET, 8, 10) is True


def test_over_achievement() -> None:
    assert f.is_over_achievement(100, 130) is True  # 130 ≥ 1.3 × 100
    assert f.is_over_achievement(100, 129.9) is False
    assert f.is_over_achievement(0, 5) is False  # a zero target cannot be over-achieved


def test_rescale() -> None:
    assert f.rescale(78, 80, 90) == 87.75  # 78 × 90 / 80
    assert f.rescale(40, 60, 90) == 60  # 40 × 90 / 60


def test_caps() -> None:
    assert f.cap_for(0.75, DEFAULT_CAPS) == 89  # [70%, 80%)
    assert f.cap_for(0.7, DEFAULT_CAPS) == 89  # 70% is inside [70%, 80%)
    assert f.cap_for(0.8, DEFAULT_CAPS) is None  # 80% is above every band
    assert f.cap_for(0.6999, DEFAULT_CAPS) == 79  # [60%, 70%)
    assert f.cap_for(0.55, DEFAULT_CAPS) == 69  # [50%, 60%)
    assert f.cap_for(0.3, DEFAULT_CAPS) == 59  # below 50%
    assert f.cap_for(None, DEFAULT_CAPS) is None


def test_grades() -> None:
    assert f.grade(90, DEFAULT_GRADES) == "优"
    assert f.grade(89.99, DEFAULT_GRADES) == "良"
    assert f.grade(80, DEFAULT_GRADES) == "良"
    assert f.grade(79.99, DEFAULT_GRADES) == "中"
    assert f.grade(60, DEFAULT_GRADES) == "中"
    assert f.grade(59.99, DEFAULT_GRADES) == "差"
    assert f.grade(0, DEFAULT_GRADES) == "差"


def test_round2_is_half_up() -> None:
    assert f.round2(87.745) == 87.75  # round() would give 87.74 on the binary float
    assert f.round2(19.333333) == 19.33
    assert f.round2(2.675) == 2.68


def test_progress_and_lights() -> None:
    # 6 months gone, 30 of 100 spent: (30 / 100) / (6 / 12) = 0.6
    assert f.progress(30, 100, 6) == pytest.approx(0.6)
    assert f.light(0.6) == "yellow"  # 60% is the first yellow
    assert f.light(0.5999) == "red"
    assert f.light(0.8) == "green"  # 80% is the first green
    assert f.light(0.7999) == "yellow"
    assert f.progress(10, 0, 6) is None
    # 30.2 / 151 is 0.19999… in binary; shown as 20% it is judged as 20%: 0.2 / 0.25 = 80% green
    assert f.light(f.progress(30.2, 151, 3) or 0) == "green"
    # 9 months, 72 of 100: 0.72 / 0.75 = 0.96 → green
    assert f.progress(72, 100, 9) == pytest.approx(0.96)
