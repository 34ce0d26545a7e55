"""The interchange form of a performance-target table (绩效目标表).

One module owns the data model; every reader, form, rule and export speaks it.
The JSON produced by :meth:`TargetTable.to_json` is the form fixed by
``spec/target-table.md`` and validated by ``target-table.schema.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

Operator = Literal["≥", "≤", "=", ">", "<", "定性"]


def json_number(x: float | None) -> int | float | None:
    """A whole number is written as a JSON integer (10, not 10.0), as the spec requires."""
    if x is None:
        return None
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


_DEFAULTS: dict[type, dict[str, Any]] = {}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, frozen=False)

    @classmethod
    def _plain_defaults(cls) -> dict[str, Any]:
        # Only immutable defaults (None, "", False): fields with a default factory
        # (lists, dicts, nested models) must be passed to `trusted` explicitly.
        found = _DEFAULTS.get(cls)
        if found is None:
            found = _DEFAULTS[cls] = {
                name: f.default
                for name, f in cls.model_fields.items()
                if f.default_factory is None and not f.is_required()
            }
        return found

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """Build from values already typed and complete, skipping validation.

        The forms and the store call this in their hot loops (10,000 tables a run):
        their values are typed by construction, and pydantic's ``model_construct``
        costs a quarter of the parse. Fields not given take their plain defaults.
        """
        defaults = cls._plain_defaults()
        if len(values) < len(defaults) or not values.keys() >= defaults.keys():
            values = {**defaults, **values}
        m = cls.__new__(cls)
        object.__setattr__(m, "__dict__", values)
        object.__setattr__(m, "__pydantic_fields_set__", set(values))
        object.__setattr__(m, "__pydantic_extra__", None)
        object.__setattr__(m, "__pydantic_private__", None)
        return m


class Funds(_Model):
    """资金: the project's money by source, in the table's money unit."""

    total: float | None = None
    superior: float | None = None  # 上级补助
    district: float | None = None  # 区级资金 (财政拨款 in the national layout)
    other: float | None = None  # 其他资金

    @classmethod
    def of(cls, amount: Callable[[str], float | None]) -> Funds:
        """Funds from a look-up by the forms' field names (``"funds.total"`` …)."""
        return cls.trusted(
            total=amount("funds.total"),
            superior=amount("funds.superior"),
            district=amount("funds.district"),
            other=amount("funds.other"),
        )


class Indicator(_Model):
    """绩效指标: one row of the indicator block."""

    name: str
    operator: Operator | None = None
    value: str = ""
    number: float | None = None
    unit: str = ""
    score: float | None = None
    core: bool = False
    level1: str | None = None  # 一级指标
    level2: str | None = None  # 二级指标
    # The 指标性质 cell as written when it is a variant (``≧``, ``》``, ``\\geq``): the
    # reviewer reports it, so it is kept; not part of the interchange form.
    operator_written: str | None = None
    # Set when a reviewer corrected this indicator's levels (审核人更正): who decided them.
    levels_corrected: bool = False


class Contact(_Model):
    """联系人 / 联系电话 under the table."""

    name: str | None = None
    phone: str | None = None


class Source(_Model):
    """Where a table was read: file, index within the file, and its line (or page) span."""

    file: str
    index: int = Field(ge=0)
    path: str | None = None
    first_line: int | None = None
    last_line: int | None = None
    page: int | None = None

    def where(self) -> str:
        """A location a person can find: ``x.txt 表 3 第 41 行``."""
        s = f"文件 {self.file} 表 {self.index + 1}"
        if self.first_line is not None:
            s += f" 第 {self.first_line} 行"
        elif self.page is not None:
            s += f" 第 {self.page} 页"
        return s


class BudgetExecution(_Model):
    """预算执行: a self-evaluation's budget row (年度资金总额), in the table's money unit."""

    planned: float | None = None  # 年初预算数
    adjusted: float | None = None  # 全年预算数
    executed: float | None = None  # 全年执行数
    weight: float | None = None  # 分值
    rate: float | None = None  # 执行率, in percent as printed (98.5 for 98.5%)
    score: float | None = None  # 得分


class IndicatorResult(_Model):
    """One indicator of a published self-evaluation: the actual beside the target, as given."""

    name: str
    actual: str | None = None  # 实际完成值, as written
    score_given: float | None = None  # 得分
    reason: str | None = None  # 偏差原因分析及改进措施


class PublishedSelfEvaluation(_Model):
    """绩效自评表 as a department published it: its actuals and the scores it gave itself.

    The targets are the table's indicators; this holds the rest, in the same order,
    so that the scoring rules can be set beside the department's own scores.
    """

    budget: BudgetExecution = Field(default_factory=BudgetExecution)
    indicators: list[IndicatorResult] = Field(default_factory=list)
    total_given: float | None = None  # 总分
    grade_given: str | None = None  # 自评等级

    def to_json(self) -> dict[str, Any]:
        b = self.budget
        return {
            "budget": {k: json_number(getattr(b, k)) for k in BudgetExecution.model_fields},
            "indicators": [
                {
                    "name": i.name,
                    "actual": i.actual,
                    "score_given": json_number(i.score_given),
                    "reason": i.reason,
                }
                for i in self.indicators
            ],
            "total_given": json_number(self.total_given),
            "grade_given": self.grade_given,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublishedSelfEvaluation:
        return cls.model_validate(data)


class TargetTable(_Model):
    """绩效目标表: one budget project's performance targets, as filed."""

    region: str | None = None
    year: int | None = None
    kind: str | None = None
    label: str | None = None
    department: str | None = None
    implementer: str | None = None
    project: str = Field(min_length=1)
    execution_weight: float | None = None
    money_unit: str | None = None
    funds: Funds = Field(default_factory=Funds)
    overview: str | None = None
    basis: str | None = None
    goal: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)
    contact: Contact = Field(default_factory=Contact)
    source: Source | None = None
    # Not part of the interchange form: how the table was read.
    layout: str | None = None  # the layout that read it: "district", "national", "flat"
    form: str | None = None  # 目标表 | 自评表 | 部门整体
    # What the reader could not place (a row with no label it knows), for the person importing.
    warnings: tuple[str, ...] = ()
    self_evaluation: PublishedSelfEvaluation | None = None  # a 自评表's actuals and scores
    # The fields this table's form has a row or column for (department, goal, funds.total,
    # contact.name …), filled in or not; None where not recorded (every field assumed).
    form_fields: tuple[str, ...] | None = None

    def to_json(self, *, with_source: bool = True) -> dict[str, Any]:
        """The interchange form: a plain dict ready for ``json.dumps``.

        Written by hand rather than ``model_dump`` because numbers must come out as
        integers where whole, and because exports of 10,000 tables call it in a loop.
        """
        f = self.funds
        out: dict[str, Any] = {
            "region": self.region,
            "year": self.year,
            "kind": self.kind,
            "label": self.label,
            "department": self.department,
            "implementer": self.implementer,
            "project": self.project,
            "execution_weight": json_number(self.execution_weight),
            "money_unit": self.money_unit,
            "funds": {
                "total": json_number(f.total),
                "superior": json_number(f.superior),
                "district": json_number(f.district),
                "other": json_number(f.other),
            },
            "overview": self.overview,
            "basis": self.basis,
            "goal": self.goal,
            "indicators": [
                {
                    "name": i.name,
                    "operator": i.operator,
                    "value": i.value,
                    "number": json_number(i.number),
                    "unit": i.unit,
                    "score": json_number(i.score),
                    "core": i.core,
                    "level1": i.level1,
                    "level2": i.level2,
                }
                for i in self.indicators
            ],
            "extra": dict(self.extra),
            "contact": {"name": self.contact.name, "phone": self.contact.phone},
        }
        if with_source and self.source is not None:
            s = self.source
            src: dict[str, Any] = {"file": s.file, "index": s.index}
            if s.first_line is not None:
                src["lines"] = [s.first_line, s.last_line]
            if s.page is not None:
                src["page"] = s.page
            out["source"] = src
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TargetTable:
        """Validate one table in the interchange form (as JSON importers and the API receive it)."""
        data = dict(data)
        src = data.pop("source", None)
        table = cls.model_validate(data)
        if isinstance(src, dict):
            lines = src.get("lines") or [None, None]
            table.source = Source(
                file=str(src.get("file", "")),
                index=int(src.get("index", 0)),
                first_line=lines[0],
                last_line=lines[1],
                page=src.get("page"),
            )
        return table
