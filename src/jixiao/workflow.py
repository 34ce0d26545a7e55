"""Versions of a filing compared: what a re-submission changed (targets raised or lowered,
indicators added or removed, funds) — what a reviewer reads before approving it again."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Indicator, TargetTable


@dataclass(frozen=True, slots=True)
class Change:
    """变化: one difference between two versions of a table, said as a reviewer says it."""

    kind: str  # 新增指标 | 删除指标 | 目标提高 | 目标降低 | 目标改写 | 资金
    what: str
    before: str | None
    after: str | None


def _target(i: Indicator) -> str:
    from .values import shown_target

    return shown_target(i.value, i.operator, i.unit)


def changes(old: TargetTable, new: TargetTable) -> list[Change]:
    """What changed from ``old`` to ``new``: indicators by name, then funds."""
    out: list[Change] = []
    before = {i.name: i for i in old.indicators}
    after = {i.name: i for i in new.indicators}
    for name, i in after.items():
        if name not in before:
            out.append(Change("新增指标", name, None, _target(i)))
    for name, i in before.items():
        if name not in after:
            out.append(Change("删除指标", name, _target(i), None))
    for name, b in before.items():
        a = after.get(name)
        if a is None or _target(a) == _target(b):
            continue
        kind = "目标改写"
        if a.number is not None and b.number is not None and a.operator == b.operator:
            up = a.number > b.number
            # A ceiling (≤) raised is a looser target; the words say which way it moved.
            kind = "目标提高" if up else "目标降低"
        out.append(Change(kind, name, _target(b), _target(a)))
    for label, x, y in (("项目总资金额", old.funds.total, new.funds.total),
                        ("上级补助", old.funds.superior, new.funds.superior),
                        ("本级资金", old.funds.district, new.funds.district),
                        ("其他资金", old.funds.other, new.funds.other)):  # fmt: skip
        if x != y:
            out.append(Change("资金", label, _n(x), _n(y)))
    return out


def _n(x: float | None) -> str | None:
    return None if x is None else f"{x:g}"
