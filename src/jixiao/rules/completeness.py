"""Completeness (完整性): who, what, why, how scored, and whom to call."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import TargetTable
from .base import Context, Finding, rule
from .common import district_form, fmt, form_has, has_points

_BASIS = "财预〔2015〕88号 完整性：主管部门、实施单位、项目名称、绩效目标和联系人齐全。"


def _blank(s: str | None) -> bool:
    return s is None or not s.strip()


@rule(code="completeness.department", severity="error", basis=_BASIS)
def department(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """主管部门 is filled in."""
    if _blank(table.department) and form_has(table, "department"):
        yield ctx.finding(table, "department", "未填写主管部门。")


@rule(code="completeness.implementer", severity="error", basis=_BASIS)
def implementer(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """实施单位 is filled in — on the district form, which has the row; other forms (部门整体,
    many 区域 and 申报 forms) have none, and a table is not short of a row its form lacks."""
    if district_form(table) and _blank(table.implementer) and form_has(table, "implementer"):
        yield ctx.finding(table, "implementer", "未填写实施单位。")


@rule(code="completeness.project", severity="error", basis=_BASIS)
def project(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """项目名称 is filled in."""
    if _blank(table.project):
        yield ctx.finding(table, "project", "未填写项目名称。")


@rule(code="completeness.goal", severity="error", basis=_BASIS)
def goal(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """当年绩效目标 (年度目标) is filled in: indicators without a goal cannot be judged."""
    if _blank(table.goal) and form_has(table, "goal"):
        yield ctx.finding(table, "goal", "未填写当年绩效目标。")


@rule(code="completeness.contact", severity="error", basis=_BASIS)
def contact(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """联系人 and 联系电话 are given, so the reviewer can ask.

    On other forms than the district one the contact is optional (most national forms
    have no such row): only a name without a phone, or a phone without a name, is said.
    """
    c = table.contact
    if not district_form(table) and _blank(c.name) and _blank(c.phone):
        return
    if _blank(c.name) and not form_has(table, "contact.name"):
        return  # 联系电话 alone: the form has no 联系人 row
    if _blank(c.phone) and not form_has(table, "contact.phone"):
        return
    if _blank(c.name) and _blank(c.phone):
        yield ctx.finding(table, "contact", "未填写联系人和联系电话。")
    elif _blank(c.name):
        yield ctx.finding(table, "contact.name", "未填写联系人。")
    elif _blank(c.phone):
        yield ctx.finding(table, "contact.phone", f"联系人“{c.name}”未填写联系电话。")


@rule(
    code="completeness.funds",
    severity="error",
    basis="项目资金须填写项目总资金额（年度资金总额），且大于 0。",
)
def funds(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """项目总资金额 is filled in and positive."""
    f = table.funds
    t = f.total
    parts_given = any(x is not None for x in (f.superior, f.district, f.other))
    if t is None and form_has(table, "funds.total") and not parts_given:
        yield ctx.finding(table, "funds.total", "未填写项目总资金额。")
    elif t is not None and t <= 0:
        yield ctx.finding(table, "funds.total", f"项目总资金额为{fmt(t)}，应大于0。")


@rule(
    code="completeness.indicator_count",
    severity="error",
    basis="绩效指标不少于 3 项。",
    params={"minimum": (3, "指标至少几项")},
)
def indicator_count(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """At least 3 indicators (绩效指标)."""
    n = len(table.indicators)
    if n < ctx["minimum"]:
        yield ctx.finding(table, "indicators", f"仅有{n}项绩效指标，至少应有{ctx['minimum']}项。")


@rule(code="completeness.score", severity="error", basis="每项指标分值为正数。")
def score(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """Every indicator has a positive 分值 (on a form that has a 分值 column at all)."""
    if not has_points(table):
        return
    for i, ind in enumerate(table.indicators):
        if ind.score is None:
            yield ctx.finding(table, f"indicators[{i}].score", f"指标“{ind.name}”未填写分值。")
        elif ind.score <= 0:
            yield ctx.finding(
                table,
                f"indicators[{i}].score",
                f"指标“{ind.name}”的分值为{fmt(ind.score)}，应为正数。",
            )


@rule(code="completeness.core", severity="warning", basis="至少有一项核心指标（是否核心：是）。")
def core(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """At least one indicator is marked core (是否核心).

    Only on the district form: the others have no 是否核心 column, so nothing is marked.
    """
    if not table.indicators or any(i.core for i in table.indicators):
        return
    if not district_form(table) or not form_has(table, "indicators.core"):
        return
    yield ctx.finding(table, "indicators", "没有标为核心的指标，至少应有一项核心指标。")
