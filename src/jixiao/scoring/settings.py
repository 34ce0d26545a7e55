"""Scoring and monitoring settings: ``[scoring]`` and ``[monitoring]`` of ``jixiao.toml``.

Every threshold of ``spec/evaluation.md`` §3–4 is a default here and can be changed by a
deployment; nothing in the formulas is a constant. Percentages are written as
percentages (``70`` for 70%), as a finance bureau writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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


_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, arbitrary_types_allowed=True)


class ScoringSettings(BaseModel):
    """自评评分设置 (``[scoring]``), validated by pydantic (the web reuses it as a body)."""

    model_config = _STRICT

    execution_weight: float = 10.0  # when the table states none
    execution_explain_below: float = 90.0  # percent; a lower rate needs 执行偏差原因
    budget: BudgetBasis = "initial"  # 年初预算数, or "adjusted" for 全年预算数
    over_achievement_ratio: float = 1.3  # B ≥ 1.3 × A is flagged
    # share of w deducted when flagged (0.1 = 10%)
    over_achievement_deduction: float = Field(default=0.0, ge=0, le=1)
    caps: bool = False  # the spec calls caps optional: off unless a deployment turns them on
    cap_bands: tuple[CapBand, ...] = DEFAULT_CAPS
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES
    tiers: tuple[float, float] = (80.0, 60.0)  # percent of w: 达成 from 80%, 部分达成 from 60%
    fail_on: FailOn = "error"
    # Points by first level where a table gives none (财预〔2020〕10号); 成本 counts with
    # 产出, and an indicator of no known level with the first level named here.
    default_points: dict[str, float] = Field(
        default_factory=lambda: {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    )
    # Whether a department may change those default points in its self-evaluation
    # (the template's 分值 column), keeping their sum (§4).
    points_editable: bool = False

    @field_validator("default_points", mode="before")
    @classmethod
    def _default_points(cls, v: Any) -> Any:
        if (
            not isinstance(v, dict)
            or not v
            or not all(_is_number(x) and x >= 0 for x in v.values())
        ):
            raise ValueError('应为表，如 {"产出指标" = 50, "效益指标" = 30, "满意度指标" = 10}')
        return {str(k): float(x) for k, x in v.items()}

    @field_validator("cap_bands", mode="before")
    @classmethod
    def _cap_bands(cls, v: Any) -> Any:
        return tuple(_cap(b) for b in _list(v, "cap_bands")) if isinstance(v, list) else v

    @field_validator("grades", mode="before")
    @classmethod
    def _grades(cls, v: Any) -> Any:
        return _grades(v) if isinstance(v, dict) else v

    @field_validator("tiers", mode="before")
    @classmethod
    def _tiers(cls, v: Any) -> Any:
        if isinstance(v, tuple):
            return v
        t = _list(v, "tiers")
        if len(t) != 2 or not all(_is_number(x) for x in t) or not (100 >= t[0] > t[1] >= 0):
            raise ValueError("应为 [达成下限, 部分达成下限]（百分比），如 [80, 60]")
        return (float(t[0]), float(t[1]))

    @classmethod
    def from_config(cls, config: Config | Mapping[str, Any]) -> ScoringSettings:
        """Read ``[scoring]``; an unknown key or a wrong type is a :class:`ConfigError`."""
        data = config.section("scoring") if isinstance(config, Config) else dict(config)
        return _validated(cls, _numbers(data), "scoring")


class MonitoringSettings(BaseModel):
    """运行监控设置 (``[monitoring]``): progress p in percent."""

    model_config = _STRICT

    red_below: float = 60.0
    green_from: float = 80.0
    fail_on: FailOn = "error"
    likelihoods: tuple[str, ...] = ("确定能", "有可能", "不可能")

    @model_validator(mode="after")
    def _ordered(self) -> MonitoringSettings:
        if not self.red_below <= self.green_from:
            raise ValueError("red_below 不能大于 green_from")
        return self

    @classmethod
    def from_config(cls, config: Config | Mapping[str, Any]) -> MonitoringSettings:
        """Read ``[monitoring]``; red_below must lie below green_from."""
        data = config.section("monitoring") if isinstance(config, Config) else dict(config)
        if "likelihoods" in data:
            raise ConfigError("[monitoring] 未知设置：likelihoods")
        return _validated(cls, _numbers(data), "monitoring")


_SettingsT = TypeVar("_SettingsT", bound=BaseModel)

# pydantic's error types, in the words of the configuration page.
_WORDS = {
    "extra_forbidden": "未知设置",
    "float_type": "应为数字",
    "bool_type": "应为 true 或 false",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "应在 0 到 1 之间（分值的比例）",
    "less_than_equal": "应在 0 到 1 之间（分值的比例）",
}


def _validated(cls: type[_SettingsT], data: dict[str, Any], section: str) -> _SettingsT:
    try:
        return cls.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(x) for x in err["loc"])
        ctx = err.get("ctx", {})
        words = _WORDS.get(err["type"]) or str(ctx.get("error") or err["msg"])
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"[{section}] {words}：{key}") from None
        if err["type"] == "literal_error":
            words = f"应为 {ctx.get('expected', '')}".replace(" or ", " 或 ")
        gap = "" if not key or words.startswith(("：", "的")) else " "
        raise ConfigError(f"[{section}] {key}{gap}{words}") from None


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _numbers(data: Mapping[str, Any]) -> dict[str, Any]:
    """Whole numbers as floats, as TOML writes 10 for 10.0; strict validation does the rest."""
    return {
        k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in data.items()
    }


def _list(v: Any, key: str) -> list[Any]:
    if not isinstance(v, list):
        raise ValueError("应为数组")
    return v


def _cap(b: Any) -> CapBand:
    # {from = 70, to = 80, cap = 89}: the rate band is [from, to) in percent.
    if (
        not isinstance(b, dict)
        or set(b) != {"from", "to", "cap"}
        or not all(_is_number(b[k]) for k in b)
    ):
        raise ValueError("的每一项应为 {from = 70, to = 80, cap = 89}")
    if not b["from"] < b["to"]:
        raise ValueError("：from 应小于 to")
    return CapBand(float(b["from"]), float(b["to"]), float(b["cap"]))


def _grades(v: Any) -> tuple[GradeBand, ...]:
    # {优 = 90, 良 = 80, 中 = 60}: the lowest grade (差) takes whatever falls below every band.
    if not v:
        raise ValueError('应为表，如 {"优" = 90, "良" = 80, "中" = 60, "差" = 0}')
    bands = []
    for g, m in v.items():
        if not _is_number(m):
            raise ValueError(f"的 {g} 应为数字（该等级的最低分）")
        bands.append(GradeBand(float(m), str(g)))
    bands.sort(key=lambda b: b.min, reverse=True)
    lowest = bands[-1]
    bands[-1] = GradeBand(float("-inf"), lowest.grade)
    return tuple(bands)
