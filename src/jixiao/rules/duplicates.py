"""Duplicates (重复申报): the same project filed twice."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from ..model import TargetTable
from .base import Context, Finding, cross_rule


def _key(t: TargetTable) -> tuple[str, str, int | None]:
    norm = re.sub(r"\s+", "", t.project)
    return norm, re.sub(r"\s+", "", t.department or ""), t.year


def _where(t: TargetTable) -> str:
    s = t.source
    return f"{s.file} 第{s.index + 1}张表" if s is not None else "另一张表"


_LABELS = {
    "region": "地区", "year": "年度", "kind": "类别", "label": "表号", "department": "主管部门",
    "implementer": "实施单位", "execution_weight": "预算执行率权重", "money_unit": "金额单位",
    "funds": "资金", "overview": "项目概况", "basis": "立项依据", "goal": "当年绩效目标",
    "indicators": "绩效指标", "extra": "其他栏目", "contact": "联系方式",
}  # fmt: skip


def differences(a: TargetTable, b: TargetTable) -> list[str]:
    """Fields (interchange-form paths) in which two filings differ."""
    ja: dict[str, Any] = a.to_json(with_source=False)
    jb: dict[str, Any] = b.to_json(with_source=False)
    out: list[str] = []
    for k in ja:
        if k in ("funds", "contact"):
            out.extend(f"{k}.{s}" for s in ja[k] if ja[k][s] != jb[k][s])
        elif k == "indicators":
            ia, ib = ja[k], jb[k]
            if len(ia) != len(ib):
                out.append("indicators")
            else:
                out.extend(
                    f"indicators[{n}]"
                    for n, (x, y) in enumerate(zip(ia, ib, strict=True))
                    if x != y
                )
        elif k in ("overview", "basis", "goal"):
            if re.sub(r"\s+", "", ja[k] or "") != re.sub(r"\s+", "", jb[k] or ""):
                out.append(k)
        elif ja[k] != jb[k]:
            out.append(k)
    return out


@cross_rule(
    code="duplicates.project",
    severity="warning",
    basis="同一项目（同一主管部门、同一年度、同名）只申报一次；重复的列明差异。",
)
def project(t: TargetTable, ref: Any, ctx: Context) -> Iterator[Finding]:
    """The same project filed twice: reported on the later filing, with what differs."""
    # The run keeps one compact key per filing — a digest of (project, department, year)
    # to the first filing's reference — and reads the first filing back only when a
    # later one repeats it, so a store of any size is reviewed in flat memory.
    first: dict[bytes, Any] = ctx.state
    key = _key(t)
    digest = hashlib.blake2b(repr(key).encode(), digest_size=12).digest()
    if digest not in first:
        first[digest] = ref
        return
    orig = ctx.earlier(first[digest])
    if _key(orig) != key:  # two keys with one digest: never seen, but not a duplicate
        return
    diff = differences(orig, t)
    if diff:
        shown = "、".join(_path_label(d) for d in diff[:8]) + ("等" if len(diff) > 8 else "")
        what = f"不同之处：{shown}"
    else:
        what = "两份内容完全相同"
    yield ctx.finding(t, None, f"项目“{t.project}”与{_where(orig)}重复申报，{what}。")


def _path_label(path: str) -> str:
    head = re.match(r"[a-z_]+", path)
    label = _LABELS.get(head.group(0), path) if head else path
    return f"{label}（{path}）"
