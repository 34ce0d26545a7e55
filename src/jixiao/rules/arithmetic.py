"""Arithmetic (测算): computations and breakdowns stated in 项目概况 add up.

Two kinds of statement are checked, with units in mind (元 vs 万元, 万人):

- a computation: ``302平米*13元/平米.月*12月=4.7112万元``, ``55*12+60+0.17*254≈765 万元``
  (LaTeX as extracted), or a product in brackets after an amount:
  ``合计75万元（300*2500）`` where 300 is 元 per person;
- a breakdown: amounts followed by ``合计/共计/总计 X`` (``…其他费用0.36万元，合计28.05万元``),
  ``X，其中 A、B`` (parts of a whole), or a list of amounts that should make the
  table's total when the overview does not restate it.

A figure is right when it agrees within the rounding of the stated result
(``13万元`` for 13.44 is right; ``63万元`` for 75.6 is not). Precision matters as
much as recall: rates (``300元/人``, ``每户500元``), amounts in brackets (``含尾款33万``)
and amounts far from any plausible sum are not taken for parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import TargetTable
from .base import Context, Finding, rule
from .common import fmt, money_scale

_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"[^\d\s*×÷+\-=≈，。；、,;:：（）()“”\"'$]{0,10}"
_FACTOR = rf"{_NUM}\s*{_UNIT}"
_EXPR = rf"{_FACTOR}(?:\s*[*×÷+\-]\s*{_FACTOR})+"
_RESULT_UNIT = r"亿元|万元|千元|元|万(?![人户亩份个次件家辆台])"
# "302平米*13元/平米.月*12月=4.7112万元", "55*12+60+0.17*254≈765 万元"
_STATED = re.compile(
    rf"(?<![\d.])(?P<expr>{_EXPR})\s*(?P<rel>=|≈|约等于|约为)\s*(?P<approx>约)?\s*"
    rf"(?P<num>{_NUM})\s*(?P<unit>{_RESULT_UNIT})?"
)
# "合计75万元（300*2500）"
_BRACKETED = re.compile(
    rf"(?<![\d.])(?P<num>{_NUM})\s*(?P<unit>{_RESULT_UNIT})\s*（\s*(?P<expr>{_EXPR})\s*）"
)
_AMOUNT = re.compile(
    rf"(?<![\d.])(?P<num>{_NUM})\s*(?P<unit>亿元|万元|千元|元|万(?=左右|余|[\s、，。；,;:：（）()]|$))"
)
_RATE_BEFORE = re.compile(r"每(?!年)[^\d，。；、]{0,6}$|按$")
_SUM_MARK = re.compile(r"(?:合计|共计|总计|小计|总额|总金额|总共|一共|共)\s*(?:约|为|：|:)?\s*$")
_APPROX_NEAR = re.compile(r"约\s*$")
_APPROX_AFTER = re.compile(r"^\s*(?:左右|余)")


def _prepare(text: str) -> str:
    """Text as the patterns expect it; positions do not need to match the original."""
    t = text.translate(str.maketrans("０１２３４５６７８９．＊×＝（）", "0123456789.*×=（）"))
    t = t.replace("(", "（").replace(")", "）")
    t = re.sub(r"\\approx", "≈", t)
    t = re.sub(r"\\times|\\cdot", "×", t)
    t = t.replace("$", "")
    return re.sub(r"(?<=\d),(?=\d{3})", "", t)


def _decimals(num: str) -> int:
    return len(num.split(".")[1]) if "." in num else 0


def _factor_scale(unit: str) -> tuple[float, bool]:
    """(multiplier, is money): ``万元/月`` → (1e4, True), ``万人`` → (1e4, False)."""
    u = unit.strip()
    scale = (
        1e8
        if u.startswith("亿")
        else 1e4
        if u.startswith("万")
        else (1e3 if u.startswith("千元") else 1.0)
    )
    return scale, "元" in u.split("/")[0]


def evaluate(expr: str) -> tuple[float, bool]:
    """Value of ``300元*2500人`` in base units (元, 人) and whether it is money."""
    money = False
    total = 0.0
    for sign, term in re.findall(r"([+\-]?)\s*([^+\-]+)", expr):
        value = 1.0
        first = True
        for op, num, unit in re.findall(rf"([*×÷]?)\s*({_NUM})\s*({_UNIT})", term):
            scale, is_money = _factor_scale(unit)
            money = money or is_money
            x = float(num) * scale
            if first or op in ("*", "×"):
                value = x if first else value * x
            elif x != 0:
                value /= x
            first = False
        total += -value if sign == "-" else value
    return total, money


@dataclass(frozen=True, slots=True)
class Computation:
    """A stated computation and what it really gives, in the stated unit."""

    text: str
    stated: float
    unit: str
    computed: float
    ok: bool


def computations(text: str, approx_relative: float = 0.001) -> list[Computation]:
    """Every computation stated in ``text``, checked."""
    t = _prepare(text)
    out: list[Computation] = []
    for m in list(_STATED.finditer(t)) + list(_BRACKETED.finditer(t)):
        expr = m.group("expr")
        if m.re is _BRACKETED and not re.search(r"[*×]", expr):
            continue  # "（2016-2020）" is a period, not a sum
        unit = m.group("unit") or ""
        stated = float(m.group("num"))
        approx = m.re is _STATED and (m.group("rel") != "=" or bool(m.group("approx")))
        value, money = evaluate(expr)
        rscale = (
            1e4
            if unit.startswith("万")
            else 1e8
            if unit.startswith("亿")
            else (1e3 if unit == "千元" else 1.0)
        )
        # Bare numbers may be in 元 or already in the stated unit: "（300*2500）" next to
        # "75万元" is 元. With a money operand the scale is fixed by the operands.
        scales = [rscale] if money or not unit else [1.0, rscale]
        tol = 0.5 * 10.0 ** -_decimals(m.group("num")) + 1e-9
        if approx:
            tol = max(tol, approx_relative * stated)
        best = min(scales, key=lambda s: abs(value / s - stated))
        computed = value / best
        ok = abs(computed - stated) <= tol
        out.append(Computation(m.group(0).strip(), stated, unit, computed, ok))
    return out


@rule(
    code="arithmetic.computation",
    severity="error",
    basis="项目概况中写明的测算（单价×数量=金额）按所列数字计算应相符，注意元与万元。",
    params={"approx_relative": (0.001, "写“≈”或“约”时允许的相对误差")},
)
def computation(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A computation stated in 项目概况 gives its stated result within rounding.

    ``302平米*13元/平米.月*12月=4.7112万元`` is right; ``14人*4500元/月*12=63万元``
    (75.6万元) is not.
    """
    if not table.overview:
        return
    for c in computations(table.overview, ctx["approx_relative"]):
        if not c.ok:
            yield ctx.finding(
                table,
                "overview",
                f"项目概况中的测算“{c.text}”按所列数字计算为{fmt(round(c.computed, 4))}"
                f"{c.unit}，与所写{fmt(c.stated)}{c.unit}不符。",
            )


@dataclass(slots=True)
class _Amount:
    value: float  # in the table's money unit
    text: str
    decimals: int
    approx: bool
    start: int
    clause: int
    sentence: int
    marked: bool = False
    above: bool = False  # "以上…合计": everything before


@dataclass(slots=True)
class _Problem:
    text: str


def _blank_computations(t: str) -> str:
    """Drop the left side of computations (keeping results) and bracketed products."""
    chars = list(t)
    for m in _STATED.finditer(t):
        for k in range(m.start("expr"), m.start("num")):
            chars[k] = " "
    return "".join(chars)


def _levels(t: str) -> tuple[str, list[tuple[int, str]]]:
    """Top-level text (brackets blanked) and each top-level bracket's inner text with its start."""
    top = list(t)
    groups: list[tuple[int, str]] = []
    depth = 0
    start = 0
    for k, ch in enumerate(t):
        if ch == "（":
            if depth == 0:
                start = k
            depth += 1
        elif ch == "）" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append((start, t[start + 1 : k]))
                for j in range(start, k + 1):
                    top[j] = " "
                continue
        if depth > 0:
            top[k] = " "
    return "".join(top), groups


def _amounts(t: str, table_scale: float) -> list[_Amount]:
    out: list[_Amount] = []
    for m in _AMOUNT.finditer(t):
        after = t[m.end() :]
        if re.match(r"\s*[/／]\s*(?!年)", after):
            continue  # 300元/人 is a rate; 9.7757万元/年 is this year's amount
        before = t[max(0, m.start() - 10) : m.start()]
        if _RATE_BEFORE.search(re.split(r"[，。；、,;\s]", before)[-1]):
            continue
        unit = m.group("unit")
        scale = money_scale(unit) or 1e4  # a bare "万" in money context is 万元
        value = float(m.group("num")) * scale / table_scale
        head = t[: m.start()]
        clause_text = re.split(r"[；;。\n]", head)[-1]
        out.append(
            _Amount(
                value=value,
                text=m.group(0).strip(),
                decimals=_decimals(m.group("num")),
                approx=bool(
                    _APPROX_NEAR.search(head[-3:])
                    or _APPROX_AFTER.match(after)
                    or "约" in clause_text[-12:]
                ),
                start=m.start(),
                clause=len(re.findall(r"[；;。\n]", head)),
                sentence=len(re.findall(r"[。\n]", head)),
                marked=bool(_SUM_MARK.search(head[-8:])),
                above="以上" in clause_text,
            )
        )
    return out


def _tol(stated: _Amount, parts: list[_Amount], base: float, approx_relative: float) -> float:
    tol = max(base, 0.5 * 10.0**-stated.decimals)
    if stated.approx or any(p.approx for p in parts):
        tol = max(tol, approx_relative * abs(stated.value))
    return tol + 1e-9


def _check_level(
    t: str,
    table_scale: float,
    whole: _Amount | None,
    ctx: Context,
    problems: list[_Problem],
) -> tuple[list[_Amount], list[_Amount]]:
    """Subtotals and 其中 lists at one bracket level; returns (all amounts, items left)."""
    amounts = _amounts(t, table_scale)
    base, rel, gap = ctx["tolerance"], ctx["approx_relative"], ctx["plausible_gap"]
    pending: list[_Amount] = []
    # 其中: parts that follow a whole, in the same sentence.
    qz_whole: _Amount | None = None
    qz_parts: list[_Amount] = []
    qz_sentence = -1
    if whole is not None and t.lstrip().startswith("其中"):
        qz_whole, qz_sentence = whole, -2  # the whole bracket is the list

    def close_qizhong() -> None:
        nonlocal qz_whole, qz_parts
        if qz_whole is not None and qz_parts:
            s = sum(p.value for p in qz_parts)
            tol = _tol(qz_whole, qz_parts, base, rel)
            over = s > qz_whole.value + tol
            under = (
                len(qz_parts) >= 2
                and qz_whole.value - s > tol
                and (qz_whole.value - s) <= gap * qz_whole.value
            )
            if over or under:
                problems.append(
                    _Problem(
                        f"项目概况中“{qz_whole.text}”其中所列{len(qz_parts)}项"
                        f"（{'、'.join(p.text for p in qz_parts)}）合计{fmt(round(s, 4))}，"
                        f"与{qz_whole.text}不符。"
                    )
                )
            for p in qz_parts:
                if p in pending:
                    pending.remove(p)
        qz_whole, qz_parts = None, []

    prev_end = 0
    for a in amounts:
        between = t[prev_end : a.start]
        prev_end = a.start + len(a.text)
        if qz_whole is not None and qz_sentence >= 0 and a.sentence != qz_sentence:
            close_qizhong()
        if "其中" in between:
            close_qizhong()
            same = [p for p in pending if p.sentence == a.sentence]
            if same:
                qz_whole, qz_sentence = same[-1], a.sentence
        if a.marked:
            if qz_whole is not None and qz_whole.value == a.value:
                close_qizhong()
            scopes = (
                [pending]
                if a.above
                else [
                    [p for p in pending if p.clause == a.clause],
                    [p for p in pending if p.sentence == a.sentence],
                ]
            )
            matched: list[_Amount] | None = None
            widest: list[_Amount] = []
            for scope in scopes:
                if len(scope) >= 2:
                    widest = scope
                for k in range(len(scope) - 1 if len(scope) >= 2 else 0):
                    part = scope[k:]
                    if abs(sum(p.value for p in part) - a.value) <= _tol(a, part, base, rel):
                        matched = part
                        break
                if matched:
                    break
            if matched is None and widest:
                s = sum(p.value for p in widest)
                if abs(s - a.value) <= gap * a.value:
                    problems.append(
                        _Problem(
                            f"项目概况所列{len(widest)}项金额"
                            f"（{'、'.join(p.text for p in widest)}）"
                            f"合计{fmt(round(s, 4))}，与所写“{a.text}”不符。"
                        )
                    )
                    matched = widest
            for p in matched or []:
                pending.remove(p)
                if p in qz_parts:
                    qz_parts.remove(p)
            pending.append(a)
            continue
        if qz_whole is not None and a is not qz_whole:
            qz_parts.append(a)
        pending.append(a)
    close_qizhong()
    return amounts, pending


@rule(
    code="arithmetic.breakdown",
    severity="warning",
    basis="项目概况中列明的分项金额之和应等于所写合计或项目总资金额，注意元与万元。",
    params={
        "tolerance": (0.01, "允许的误差（金额单位），合计的末位四舍五入另计"),
        "approx_relative": (0.005, "写“约”“左右”时允许的相对误差"),
        "plausible_gap": (0.2, "分项之和与合计相差超过这一比例时，视为并非分项，不报"),
    },
)
def breakdown(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """Amounts listed in 项目概况 add up to the stated 合计 or to the table's total.

    ``租金9.7757万元/年，物业费…=4.7112万元，…13.2万元，其他费用0.36万元，合计28.05万元``
    is right (28.0469 rounds to 28.05). A list compared with 项目总资金额 is one the
    overview gives without restating the total; amounts far from the total (limits,
    insured sums) are taken for something else and not reported.
    """
    if not table.overview:
        return
    table_scale = money_scale(table.money_unit or "万元")
    if table_scale is None:
        return
    t = _blank_computations(_prepare(table.overview))
    top, groups = _levels(t)
    problems: list[_Problem] = []
    amounts, pending = _check_level(top, table_scale, None, ctx, problems)
    for start, inner in groups:
        before = [
            a
            for a in amounts
            if a.start + len(a.text) <= start and not t[a.start + len(a.text) : start].strip()
        ]
        _check_level(inner, table_scale, before[-1] if before else None, ctx, problems)
    total = table.funds.total
    if (
        total is not None
        and len(pending) >= 2
        and not any(
            abs(a.value - total) <= max(ctx["tolerance"], 0.5 * 10.0**-a.decimals) for a in amounts
        )
    ):
        s = sum(p.value for p in pending)
        tol = max(ctx["tolerance"], 1e-9)
        if any(p.approx for p in pending):
            tol = max(tol, ctx["approx_relative"] * total)
        if tol < abs(s - total) <= ctx["plausible_gap"] * total:
            unit = table.money_unit or ""
            problems.append(
                _Problem(
                    f"项目概况所列{len(pending)}项金额合计{fmt(round(s, 4))}{unit}，"
                    f"与项目总资金额{fmt(total)}{unit}不符。"
                )
            )
    for p in problems:
        yield ctx.finding(table, "overview", p.text)


__all__ = ["Computation", "computations", "evaluate"]
