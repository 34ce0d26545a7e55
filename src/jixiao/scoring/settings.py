"""Scoring and monitoring settings: ``[scoring]`` and ``[monitoring]`` of ``jixiao.toml``.

Every threshold of ``spec/evaluation.md`` §3–4 is a default here and can be changed by a
deployment; nothing in the formulas is a constant. Percentages are written as
percentages (``70`` for 70%), as a finance bureau writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..config import Config
from ..errors import ConfigError

BudgetBasis = Literal["initial", "adjusted"]
FailOn = Literal["error", "warning", "never"]


@dataclass(frozen=True, slots=True)
class CapBand:
    """执行率封顶: the total is capped at ``cap`` when the rate lies in [low, high) percent."""

    low: float
    high: float
    cap: float


@dataclass(frozen=True, slots=True)
class GradeBand:
    """评价等级: ``grade`` for a total of at least ``min``."""

    min: float
    grade: str


DEFAULT_CAPS: tuple[CapBand, ...] = (
    CapBand(70, 80, 89),
    CapBand(60, 70, 79),
    CapBand(50, 60, 69),
    CapBand(0, 50, 59),
)
DEFAULT_GRADES: tuple[GradeBand, ...] = (
    GradeBand(90, "优"),
    GradeBand(80, "良"),
    GradeBand(60, "中"),
    GradeBand(float("-inf"), "差"),
)


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    """自评评分设置 (``[scoring]``)."""

    execution_weight: float = 10.0  # when the table states none
    execution_explain_below: float = 90.0  # percent; a lower rate needs 执行偏差原因
    budget: BudgetBasis = "initial"  # 年初预算数, or "adjusted" for 全年预算数
    over_achievement_ratio: float = 1.3  # B ≥ 1.3 × A is flagged
    over_achievement_deduction: float = 0.0  # share of w deducted when flagged (0.1 = 10%)
    caps: bool = False  # the spec calls caps optional: off unless a deployment turns them on
    cap_bands: tuple[CapBand, ...] = DEFAULT_CAPS
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES
    tiers: tuple[float, float] = (80.0, 60.0)  # percent of w: 达成 from 80%, 部分达成 from 60%
    fail_on: FailOn = "error"

    @classmethod
    def from_config(cls, config: Config | Mapping[str, Any]) -> ScoringSettings:
        """Read ``[scoring]``; an unknown key or a wrong type is a :class:`ConfigError`."""
        data = config.section("scoring") if isinstance(config, Config) else dict(config)
        d = cls()
        known = set(cls.__slots__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"[scoring] 未知设置：{', '.join(unknown)}")
        bands = d.cap_bands
        if "cap_bands" in data:
            bands = tuple(_cap(b) for b in _list(data["cap_bands"], "cap_bands"))
        grades = d.grades
        if "grades" in data:
            grades = _grades(data["grades"])
        tiers = d.tiers
        if "tiers" in data:
            t = _list(data["tiers"], "tiers")
            if (
                len(t) != 2
                or not all(isinstance(x, int | float) for x in t)
                or not (100 >= t[0] > t[1] >= 0)
            ):
                raise ConfigError(
                    "[scoring] tiers 应为 [达成下限, 部分达成下限]（百分比），如 [80, 60]"
                )
            tiers = (float(t[0]), float(t[1]))
        budget = data.get("budget", d.budget)
        if budget not in ("initial", "adjusted"):
            raise ConfigError(
                '[scoring] budget 应为 "initial"（年初预算数）或 "adjusted"（全年预算数）'
            )
        fail_on = data.get("fail_on", d.fail_on)
        if fail_on not in ("error", "warning", "never"):
            raise ConfigError('[scoring] fail_on 应为 "error"、"warning" 或 "never"')
        caps = data.get("caps", d.caps)
        if not isinstance(caps, bool):
            raise ConfigError("[scoring] caps 应为 true 或 false")
        deduction = _num(data, "over_achievement_deduction", d.over_achievement_deduction)
        if not 0 <= deduction <= 1:
            raise ConfigError("[scoring] over_achievement_deduction 应在 0 到 1 之间（分值的比例）")
        return cls(
            execution_weight=_num(data, "execution_weight", d.execution_weight),
            execution_explain_below=_num(
                data, "execution_explain_below", d.execution_explain_below
            ),
            budget=budget,
            over_achievement_ratio=_num(data, "over_achievement_ratio", d.over_achievement_ratio),
            over_achievement_deduction=deduction,
            caps=caps,
            cap_bands=bands,
            grades=grades,
            tiers=tiers,
            fail_on=fail_on,
        )


@dataclass(frozen=True, slots=True)
class MonitoringSettings:
    """运行监控设置 (``[monitoring]``): progress p in percent."""

    red_below: float = 60.0
    green_from: float = 80.0
    fail_on: FailOn = "error"
    likelihoods: tuple[str, ...] = field(default=("确定能", "有可能", "不可能"))

    @classmethod
    def from_config(cls, config: Config | Mapping[str, Any]) -> MonitoringSettings:
        """Read ``[monitoring]``; red_below must lie below green_from."""
        data = config.section("monitoring") if isinstance(config, Config) else dict(config)
        d = cls()
        unknown = sorted(set(data) - {"red_below", "green_from", "fail_on"})
        if unknown:
            raise ConfigError(f"[monitoring] 未知设置：{', '.join(unknown)}")
        red = _num(data, "red_below", d.red_below, section="monitoring")
        green = _num(data, "green_from", d.green_from, section="monitoring")
        if not red <= green:
            raise ConfigError("[monitoring] red_below 不能大于 green_from")
        fail_on = data.get("fail_on", d.fail_on)
        if fail_on not in ("error", "warning", "never"):
            raise ConfigError('[monitoring] fail_on 应为 "error"、"warning" 或 "never"')
        return cls(red_below=red, green_from=green, fail_on=fail_on)


def _num(data: Mapping[str, Any], key: str, default: float, *, section: str = "scoring") -> float:
    v = data.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ConfigError(f"[{section}] {key} 应为数字")
    return float(v)


def _list(v: Any, key: str) -> list[Any]:
    if not isinstance(v, list):
        raise ConfigError(f"[scoring] {key} 应为数组")
    return v


def _cap(b: Any) -> CapBand:
    # {from = 70, to = 80, cap = 89}: the rate band is [from, to) in percent.
    if (
        not isinstance(b, dict)
        or set(b) != {"from", "to", "cap"}
        or not all(isinstance(b[k], int | float) and not isinstance(b[k], bool) for k in b)
    ):
        raise ConfigError("[scoring] cap_bands 的每一项应为 {from = 70, to = 80, cap = 89}")
    if not b["from"] < b["to"]:
        raise ConfigError("[scoring] cap_bands：from 应小于 to")
    return CapBand(float(b["from"]), float(b["to"]), float(b["cap"]))


def _grades(v: Any) -> tuple[GradeBand, ...]:
    # {优 = 90, 良 = 80, 中 = 60}: the lowest grade (差) takes whatever falls below every band.
    if not isinstance(v, dict) or not v:
        raise ConfigError('[scoring] grades 应为表，如 {"优" = 90, "良" = 80, "中" = 60, "差" = 0}')
    bands = []
    for g, m in v.items():
        if isinstance(m, bool) or not isinstance(m, int | float):
            raise ConfigError(f"[scoring] grades.{g} 应为数字（该等级的最低分）")
        bands.append(GradeBand(float(m), str(g)))
    bands.sort(key=lambda b: b.min, reverse=True)
    lowest = bands[-1]
    bands[-1] = GradeBand(float("-inf"), lowest.grade)
    return tuple(bands)
