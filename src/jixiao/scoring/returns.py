"""What departments send back: self-evaluation returns (自评表) and monitoring returns (监控表).

These are the inputs of scoring, whatever they were read from (a filled template
or JSON); :mod:`.workbooks` and :func:`selfeval_from_json` build them. ``origin``
says where one came from so every message can name the file and sheet.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..model import json_number
from ..values import split_value


@dataclass(frozen=True, slots=True)
class Origin:
    """来源: the file and sheet (and row) a return was read from."""

    file: str
    sheet: str | None = None
    row: int | None = None

    def where(self) -> str:
        s = f"文件 {self.file}"
        if self.sheet is not None:
            s += f" 表 “{self.sheet}”"
        if self.row is not None:
            s += f" 第 {self.row} 行"
        return s

    def at(self, row: int | None) -> Origin:
        return Origin(self.file, self.sheet, row)


class ReturnError(InputError):
    """A return that cannot be read: not a template, or a cell that is not what it must be.

    Prints as ``文件 x.xlsx 表 “油烟整治” 第 12 行：实际完成值“约20”不是数字``.
    """

    def __init__(self, message: str, origin: Origin) -> None:
        super().__init__(message, file=origin.file, line=origin.row)
        self.origin = origin

    def __str__(self) -> str:
        return f"{self.origin.where()}：{self.message}"


@dataclass(frozen=True, slots=True)
class TableKey:
    """The stored table a template was written from: department, project and source."""

    department: str | None
    project: str
    file: str | None = None
    index: int | None = None


@dataclass(slots=True)
class Actual:
    """实际完成情况: one indicator row of a self-evaluation return."""

    indicator: str
    actual: float | None = None  # 实际完成值 B, for a quantitative indicator
    actual_text: str | None = None  # the cell as written (定性 indicators carry text)
    tier: str | None = None  # 定性档次
    score: float | None = None  # 得分 chosen by the evaluator (定性 only)
    reason: str | None = None  # 偏差原因分析及改进措施
    applicable: bool = True  # 是否适用
    position: int | None = None  # the indicator's place in the table, from the template key
    row: int | None = None
    points: float | None = None  # 分值 as the return shows it (a default split may be edited)


@dataclass(slots=True)
class SelfEvaluationReturn:
    """自评表: a department's year-end return for one project."""

    project: str
    department: str | None
    budget: float | None  # 年初预算数
    executed: float | None  # 全年执行数
    adjusted_budget: float | None = None  # 全年预算数 (调整后预算)
    execution_reason: str | None = None  # 执行率偏差原因
    actuals: list[Actual] = field(default_factory=list)
    key: TableKey | None = None
    origin: Origin = field(default_factory=lambda: Origin("<json>"))


@dataclass(slots=True)
class Progress:
    """指标执行情况: one indicator row of a monitoring return."""

    indicator: str
    progress: str | None = None  # 执行情况 (text: "完成 12 家", "60%")
    likelihood: str | None = None  # 完成目标可能性: 确定能 / 有可能 / 不可能
    reason: str | None = None  # 原因
    measure: str | None = None  # 举措 (纠偏措施)
    position: int | None = None
    row: int | None = None


@dataclass(slots=True)
class MonitoringReturn:
    """监控表: a department's mid-year return for one project."""

    project: str
    department: str | None
    month: int | None  # 截至月份 N of 1–N月执行数
    budget: float | None  # 年初预算数
    executed: float | None  # 1–N月执行数
    expected: float | None = None  # 全年预计执行数
    indicators: list[Progress] = field(default_factory=list)
    key: TableKey | None = None
    origin: Origin = field(default_factory=lambda: Origin("<json>"))


# No amount, count or rate in a return comes near this; 1e27 (or inf, nan) is a slip of
# the keyboard or a hostile file, and would overflow every sum and format after it.
MAX_NUMBER = 1e15


class OutOfRange(ValueError):
    """A number no return can mean: its text is the ValueError's message."""

    def reason(self) -> str:
        return f"“{self}”超出可信的数值范围（绝对值应小于 1e15）"


def not_a_number(e: ValueError) -> str:
    """Why a cell is refused, for a message: out of range, or not a number at all."""
    return e.reason() if isinstance(e, OutOfRange) else f"“{e}”不是数字"


def _in_range(x: float, written: Any) -> float:
    if not math.isfinite(x) or abs(x) >= MAX_NUMBER:
        raise OutOfRange(written if isinstance(written, str) else f"{x:g}")
    return x


def number_of(value: Any, unit: str = "") -> float | None:
    """A filled number cell → float: 20, ``"20"``, ``"1,053"``, ``"95%"``, ``"20家"`` (own unit).

    Empty gives None; anything else (``"约20"``, ``"见附件"``) raises ValueError so the
    caller can name the cell.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float):
        return _in_range(float(value), value)
    s = str(value).strip()
    if not s:
        return None
    op, number, rest = split_value(s)
    # A trailing unit is allowed only when it is the indicator's own unit (or %).
    if op is None and number is not None and (not rest or rest == unit.strip() or rest == "%"):
        return _in_range(number, s)
    raise ValueError(s)


def text_of(value: Any) -> str | None:
    """A text cell trimmed; empty is None."""
    if value is None:
        return None
    s = str(value).strip()
    return s or None


_YES = ("是", "适用", "Y", "y", "yes", "true", "True", "1")
_NO = ("否", "不适用", "N", "n", "no", "false", "False", "0")


def applicable_of(value: Any) -> bool:
    """是否适用: 是 / 否 (true / false in JSON); empty means applicable."""
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    s = str(value).strip()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise ValueError(s)


# The JSON bodies of returns: the same shapes the API takes as request bodies.
Number = float | int | str | None  # "1,053" and "95%" are read by number_of


class ActualIn(BaseModel):
    """One indicator of a self-evaluation return (实际完成值 and what goes with it)."""

    model_config = ConfigDict(extra="ignore")

    indicator: str
    actual: Number = None
    tier: str | None = None
    score: Number = None
    reason: str | None = None
    applicable: bool | str | None = None
    points: Number = None  # 分值, where the deployment lets a department adjust default points


class SelfEvaluationIn(BaseModel):
    """A self-evaluation return as JSON (自评表)."""

    model_config = ConfigDict(extra="ignore")

    project: str
    department: str | None = None
    budget: Number = None
    executed: Number = None
    adjusted_budget: Number = None
    execution_reason: str | None = None
    actuals: list[ActualIn] = Field(default_factory=list)


class ProgressIn(BaseModel):
    """One indicator of a monitoring return (执行情况, 完成目标可能性, 原因, 举措)."""

    model_config = ConfigDict(extra="ignore")

    indicator: str
    progress: str | None = None
    likelihood: str | None = None
    reason: str | None = None
    measure: str | None = None


class MonitoringIn(BaseModel):
    """A monitoring return as JSON (监控表)."""

    model_config = ConfigDict(extra="ignore")

    project: str
    department: str | None = None
    month: Number = None
    budget: Number = None
    executed: Number = None
    expected: Number = None
    indicators: list[ProgressIn] = Field(default_factory=list)


_ModelIn = TypeVar("_ModelIn", SelfEvaluationIn, MonitoringIn)
_Out = TypeVar("_Out", SelfEvaluationReturn, MonitoringReturn)


def _items_from_json(
    data: Any,
    file: str,
    model: type[_ModelIn],
    build: Callable[[_ModelIn, Origin], _Out],
    what: str,
) -> list[_Out | ReturnError]:
    """Each item of a JSON return validated by its model; a bad item is a
    :class:`ReturnError` in its place and the other items go on."""
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        return [ReturnError(f"JSON 应为{what}对象的数组", Origin(file))]
    out: list[_Out | ReturnError] = []
    for n, item in enumerate(data):
        where = Origin(file, f"#{n + 1}")
        try:
            out.append(build(model.model_validate(item), where))
        except ValidationError as e:
            out.append(ReturnError(_problem_of(e), where))
        except ReturnError as e:
            out.append(e)
    return out


def _problem_of(e: ValidationError) -> str:
    """The first problem of a JSON item, in the words of the template."""
    err = e.errors()[0]
    loc = [str(x) for x in err["loc"]]
    if loc in (["project"], []) or err["type"] == "model_type":
        return "缺少 project（项目名称）"
    if len(loc) >= 3 and loc[2] == "indicator":
        return f"{loc[0]} 第 {int(loc[1]) + 1} 条缺少 indicator（指标名称）"
    return f"{'.'.join(loc)}：{err['msg']}"


def selfeval_from_json(data: Any, file: str) -> list[SelfEvaluationReturn | ReturnError]:
    """Self-evaluation returns from JSON: a list of :class:`SelfEvaluationIn`
    (``{"project", "department", "budget", "executed", "actuals": [{"indicator",
    "actual", "tier", "score", "reason", "applicable"}]}``, optionally
    ``adjusted_budget`` and ``execution_reason``)."""
    return _items_from_json(data, file, SelfEvaluationIn, _selfeval_item, "自评")


def _selfeval_item(item: SelfEvaluationIn, where: Origin) -> SelfEvaluationReturn:
    actuals = []
    for a in item.actuals:
        raw = a.actual
        try:
            # Text is kept as text here: whether it must be a number depends on the indicator.
            actual = None if isinstance(raw, str) and not _numeric(raw) else number_of(raw)
            score = number_of(a.score)
            points = number_of(a.points)
            applicable = applicable_of(a.applicable)
        except OutOfRange as e:
            raise ReturnError(f"指标“{a.indicator}”：{e.reason()}", where) from None
        except ValueError as e:
            raise ReturnError(f"指标“{a.indicator}”：“{e}”不是数字或是/否", where) from None
        actuals.append(
            Actual(
                indicator=a.indicator.strip(),
                actual=actual,
                actual_text=text_of(raw),
                tier=text_of(a.tier),
                score=score,
                reason=text_of(a.reason),
                applicable=applicable,
                points=points,
            )
        )
    try:
        budget = number_of(item.budget)
        executed = number_of(item.executed)
        adjusted = number_of(item.adjusted_budget)
    except ValueError as e:
        raise ReturnError(not_a_number(e), where) from None
    return SelfEvaluationReturn(
        project=item.project.strip(),
        department=text_of(item.department),
        budget=budget,
        executed=executed,
        adjusted_budget=adjusted,
        execution_reason=text_of(item.execution_reason),
        actuals=actuals,
        origin=where,
    )


def monitoring_from_json(data: Any, file: str) -> list[MonitoringReturn | ReturnError]:
    """Monitoring returns from JSON: a list of :class:`MonitoringIn` (``{"project",
    "department", "month", "budget", "executed", "expected", "indicators":
    [{"indicator", "progress", "likelihood", "reason", "measure"}]}``)."""
    return _items_from_json(data, file, MonitoringIn, _monitoring_item, "监控")


def _monitoring_item(item: MonitoringIn, where: Origin) -> MonitoringReturn:
    try:
        month = number_of(item.month)
        budget = number_of(item.budget)
        executed = number_of(item.executed)
        expected = number_of(item.expected)
    except ValueError as e:
        raise ReturnError(not_a_number(e), where) from None
    if month is not None and not month.is_integer():
        raise ReturnError(f"月份“{json_number(month)}”不是整数", where)
    return MonitoringReturn(
        project=item.project.strip(),
        department=text_of(item.department),
        month=None if month is None else int(month),
        budget=budget,
        executed=executed,
        expected=expected,
        indicators=[
            Progress(
                indicator=p.indicator.strip(),
                progress=text_of(p.progress),
                likelihood=text_of(p.likelihood),
                reason=text_of(p.reason),
                measure=text_of(p.measure),
            )
            for p in item.indicators
        ],
        origin=where,
    )


def _numeric(s: str) -> bool:
    try:
        return number_of(s) is not None
    except ValueError:
        return False
