from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao.ingest import read_paths
from jixiao.model import Contact, Funds, Indicator, TargetTable
from jixiao.rules import Finding, check

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"


def ind(
    name: str,
    op: str | None = "≥",
    number: float | None = 1,
    unit: str = "个",
    score: float = 18,
    value: str | None = None,
    **kw: Any,
) -> Indicator:
    """An indicator row; the value defaults to the number as written."""
    if value is None:
        value = "" if number is None else f"{number:g}"
    return Indicator(
        name=name,
        operator=op,
        value=value,
        number=number,  # type: ignore[arg-type]
        unit=unit,
        score=score,
        **kw,
    )


def good_indicators() -> list[Indicator]:
    """Five indicators a reviewer has nothing to say about: 50/30/10 of 90."""
    return [
        ind("完成油烟整治店铺数量", "≥", 20, "家", 30, core=True),
        ind("整治验收合格率", "≥", 95, "%", 20),
        ind("空气质量优良天数", "≥", 300, "天", 15),
        ind("群众投诉下降", "定性", None, "", 15, value="明显下降"),
        ind("周边居民满意度", "≥", 90, "%", 10),
    ]


def make_table(**kw: Any) -> TargetTable:
    """A clean district-layout table; keywords replace fields."""
    base: dict[str, Any] = {
        "region": "长寿区",
        "year": 2024,
        "kind": "重点专项",
        "department": "区生态环境局",
        "implementer": "区生态环境局",
        "project": "油烟整治",
        "execution_weight": 10,
        "money_unit": "万元",
        "funds": Funds(total=10, district=10),
        "overview": "对油烟扰民店铺进行整治。",
        "goal": "完成20家餐饮企业油烟整治。",
        "indicators": good_indicators(),
        "contact": Contact(name="张三", phone="13667669705"),
    }
    base.update(kw)
    return TargetTable(**base)


def codes(findings: list[Finding], prefix: str = "") -> list[tuple[str, str | None]]:
    return [(f.code, f.field) for f in findings if f.code.startswith(prefix)]


@pytest.fixture(scope="session")
def seeds() -> list[TargetTable]:
    tables = [t for t in read_paths([str(SEEDS)]) if isinstance(t, TargetTable)]
    assert len(tables) == 36
    return tables


@pytest.fixture(scope="session")
def seed_findings(seeds: list[TargetTable]) -> list[Finding]:
    return check(seeds)


def of(findings: list[Finding], project: str, file: str | None = None) -> list[Finding]:
    return [
        f
        for f in findings
        if f.project == project
        and (file is None or (f.source or {}).get("file", "").startswith(file))
    ]
