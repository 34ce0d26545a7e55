"""Tables built by hand for the scoring tests."""

from __future__ import annotations

from jixiao.model import Funds, Indicator, TargetTable


def make_table(
    *indicators: Indicator,
    total: float | None = 100,
    weight: float | None = 10,
    project: str = "测试项目",
    department: str = "测试局",
) -> TargetTable:
    return TargetTable(project=project, department=department, year=2024, money_unit="万元",
                       execution_weight=weight, funds=Funds(total=total),
                       indicators=list(indicators))  # fmt: skip


def ind(
    name: str,
    op: str | None,
    number: float | None,
    score: float,
    unit: str = "",
    value: str | None = None,
) -> Indicator:
    v = value if value is not None else ("" if number is None else f"{number:g}")
    return Indicator(name=name, operator=op, number=number, value=v, unit=unit,  # type: ignore[arg-type]
                     score=score)  # fmt: skip
