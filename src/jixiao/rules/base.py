"""Findings, severities and the rule registry: what every check is made of.

A rule is one function decorated with :func:`rule` (one table at a time) or
:func:`cross_rule` (all tables at once, e.g. duplicate filings). It yields
:class:`Finding` objects made with :meth:`Context.finding`, which fills in the
code, the configured severity and where the table came from. Rules never raise
for a problem in a table and never print.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import total_ordering
from typing import TYPE_CHECKING, Any

from ..model import TargetTable

if TYPE_CHECKING:
    from ..classify import Classification


@total_ordering
class Severity(enum.Enum):
    """严重程度: error (must be corrected) > warning (should be looked at) > info."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        """The word a Chinese reviewer reads: 错误 / 警告 / 提示."""
        return _LABEL[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"warning"`` → WARNING; raises ValueError for anything else."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"未知的严重程度“{text}”（应为 error / warning / info）") from None


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
_LABEL = {Severity.INFO: "提示", Severity.WARNING: "警告", Severity.ERROR: "错误"}


@dataclass(frozen=True, slots=True)
class Finding:
    """审核意见: one problem a rule found in one table.

    ``field`` is the path in the interchange form (``funds.total``,
    ``indicators[2].operator``, ``indicators`` for the indicator block as a whole),
    or None when the finding is about the filing itself (a duplicate).
    """

    code: str
    severity: Severity
    source: dict[str, Any] | None
    project: str
    field: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "source": dict(self.source) if self.source is not None else None,
            "project": self.project,
            "field": self.field,
            "message": self.message,
        }


ParamValue = bool | int | float | str | list[str]


@dataclass(frozen=True, slots=True)
class Param:
    """A configurable parameter of a rule: its default and what it means."""

    default: ParamValue
    doc: str


TableCheck = Callable[[TargetTable, "Context"], Iterable[Finding]]
CrossCheck = Callable[[Sequence[TargetTable], "Context"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """审核规则: a registered check with its stable code and defaults."""

    code: str
    severity: Severity
    basis: str
    doc: str
    params: Mapping[str, Param]
    check: TableCheck | None = None
    cross: CrossCheck | None = None

    @property
    def subject(self) -> str:
        return self.code.split(".", 1)[0]


@dataclass(slots=True)
class Context:
    """What a rule sees besides the table: its settings and the shared classification."""

    rule: Rule
    severity: Severity
    params: Mapping[str, Any]
    classify: Callable[[TargetTable], list[Classification]] = field(repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def levels(self, table: TargetTable) -> list[Classification]:
        """一级/二级指标 of each indicator: the table's own where given, else inferred."""
        return self.classify(table)

    def finding(self, table: TargetTable, field: str | None, message: str) -> Finding:
        src = table.source
        return Finding(
            code=self.rule.code,
            severity=self.severity,
            source={"file": src.file, "index": src.index} if src is not None else None,
            project=table.project,
            field=field,
            message=message,
        )


REGISTRY: dict[str, Rule] = {}


def _register(
    code: str,
    severity: str,
    basis: str,
    params: Mapping[str, tuple[ParamValue, str]] | None,
    func: Callable[..., Iterable[Finding]],
    *,
    cross: bool,
) -> None:
    if code in REGISTRY:
        raise ValueError(f"rule {code} registered twice")
    if "." not in code:
        raise ValueError(f"rule code {code} must be subject.name")
    doc = inspect.cleandoc(func.__doc__ or "")
    if not doc:
        raise ValueError(f"rule {code} needs a docstring")
    REGISTRY[code] = Rule(
        code=code,
        severity=Severity.parse(severity),
        basis=basis,
        doc=doc,
        params={k: Param(v, d) for k, (v, d) in (params or {}).items()},
        check=None if cross else func,
        cross=func if cross else None,
    )


def rule(
    *,
    code: str,
    severity: str,
    basis: str,
    params: Mapping[str, tuple[ParamValue, str]] | None = None,
) -> Callable[[TableCheck], TableCheck]:
    """Register a per-table rule ``(table, ctx) -> Iterable[Finding]``."""

    def deco(func: TableCheck) -> TableCheck:
        _register(code, severity, basis, params, func, cross=False)
        return func

    return deco


def cross_rule(
    *,
    code: str,
    severity: str,
    basis: str,
    params: Mapping[str, tuple[ParamValue, str]] | None = None,
) -> Callable[[CrossCheck], CrossCheck]:
    """Register a rule over all tables at once ``(tables, ctx) -> Iterable[Finding]``."""

    def deco(func: CrossCheck) -> CrossCheck:
        _register(code, severity, basis, params, func, cross=True)
        return func

    return deco
