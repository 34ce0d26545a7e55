"""Findings, severities and the rule registry: what every check is made of.

A rule is one function decorated with :func:`rule` (one table at a time) or
:func:`cross_rule` (a table against those before it, e.g. duplicate filings). It yields
:class:`Finding` objects made with :meth:`Context.finding`, which fills in the
code, the configured severity and where the table came from. Rules never raise
for a problem in a table and never print.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..findings import Finding, Location, Severity
from ..model import TargetTable

if TYPE_CHECKING:
    from ..classify import Classification
    from ..scoring.settings import ScoringSettings


ParamValue = bool | int | float | str | list[str]


@dataclass(frozen=True, slots=True)
class Param:
    """A configurable parameter of a rule: its default and what it means."""

    default: ParamValue
    doc: str


TableCheck = Callable[[TargetTable, "Context"], Iterable[Finding]]
# A cross-table rule sees the tables one at a time, each with a reference (``ref``) by
# which it can have an earlier table read back (:meth:`Context.earlier`), so it keeps a
# compact key per table, never the tables themselves.
CrossCheck = Callable[[TargetTable, Any, "Context"], Iterable[Finding]]


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
    # Tables whose levels this rule saw inferred, not stated (by id, for this run).
    inferred: set[int] = field(default_factory=set, repr=False)
    # ``[scoring]`` of the same configuration: published self-evaluations are re-scored by it.
    scoring: ScoringSettings | None = field(default=None, repr=False)
    # A cross-table rule's memory over one run (its compact keys), and how it reads an
    # earlier table back by the reference it was given with it.
    state: dict[Any, Any] = field(default_factory=dict, repr=False)
    fetch: Callable[[Any], TargetTable] | None = field(default=None, repr=False)
    # A published self-evaluation re-scored (§6), shared by the rules that report on it.
    rescore: Callable[[TargetTable], Any] | None = field(default=None, repr=False)

    def earlier(self, ref: Any) -> TargetTable:
        """An earlier table of this run, read back by its reference."""
        assert self.fetch is not None, "a cross-table rule runs with a fetch"
        return self.fetch(ref)

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def levels(self, table: TargetTable) -> list[Classification]:
        """一级/二级指标 of each indicator: the table's own where given, else inferred.

        A rule that looks at inferred levels grounds its findings on a guess: they are
        then warnings at most and say so (evaluation.md §2).
        """
        classes = self.classify(table)
        if any(not c.given for c in classes):
            self.inferred.add(id(table))
        return classes

    def finding(self, table: TargetTable, field: str | None, message: str) -> Finding:
        src = table.source
        severity = self.severity
        if id(table) in self.inferred:
            severity = min(severity, Severity.WARNING)
            stated = any(i.level2 and i.level2.strip() for i in table.indicators)
            message += (
                "（部分指标的类别为系统推定：表中未列明）"
                if stated
                else "（指标类别为系统推定：表中未列一级/二级指标）"
            )
        return Finding(
            code=self.rule.code,
            severity=severity,
            location=Location(
                file=src.file if src is not None else None,
                table=src.index if src is not None else None,
                line=src.first_line if src is not None else None,
                field=field,
            ),
            project=table.project,
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
    """Register a rule across tables ``(table, ref, ctx) -> Iterable[Finding]``: called for
    each table in order, it reports on that table against the ones before it."""

    def deco(func: CrossCheck) -> CrossCheck:
        _register(code, severity, basis, params, func, cross=True)
        return func

    return deco


__all__ = [
    "REGISTRY", "Context", "Finding", "Location", "Param", "ParamValue", "Rule", "Severity",
    "cross_rule", "rule",
]  # fmt: skip
