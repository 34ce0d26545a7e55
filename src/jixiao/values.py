"""Cell text → typed values: numbers, operators, units, amounts, and text freed of markup.

A neutral module (it imports only the model's types): the forms read cells with it,
and the rules and scoring read values the same way without loading the forms.

Everything here undoes damage that publishing and extraction do to a cell and
keeps everything else as written (spec "Noisy sources").
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from .model import Operator

# Fullwidth digits are digits: "３５" → "35". Only digits in `value`; numeric fields
# also take the fullwidth point, percent sign and minus.
_FW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FW_NUMERIC = str.maketrans("０１２３４５６７８９．％－＋，", "0123456789.%-+,")

# "1 500" → "1500", "9 8" → "98": a space between two digits is extraction noise.
_DIGIT_SPACE = re.compile(r"(?<=\d)[ \u00a0\u3000]+(?=\d)")
# "1,053" / "9,207.5" → thousands separators (only in groups of three).
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_FULL_NUMBER = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*")

# Real markup only: a tag name in ASCII letters. "<关于…的意见>" is a document title, not a tag.
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_BREAK_TAGS = frozenset(
    {"p", "br", "div", "li", "ol", "ul", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"}
)
_SPACE_AROUND_BREAK = re.compile(r"[ \t\u00a0\u3000]*\n[ \t\u00a0\u3000\n]*")


@lru_cache(maxsize=16384)
def clean_cell(s: str) -> str:
    """:func:`clean_text` for short cells, whose texts repeat across tables (units, scores)."""
    return clean_text(s)


def clean_text(s: str) -> str:
    """Cell text without markup: block tags become line breaks, other tags go.

    ``"<p>甲</p> <p>乙</p>"`` → ``"甲\\n乙"``; entities are unescaped only where markup was.
    """
    if "<" not in s and "&" not in s:
        return s.strip()
    if "<" in s:

        def sub(m: re.Match[str]) -> str:
            return "\n" if m.group(1).lower() in _BREAK_TAGS else ""

        s2 = _TAG.sub(sub, s)
        if s2 != s:
            s = html.unescape(s2)
    elif re.search(r"&(?:[a-z]+|#\d+);", s):
        s = html.unescape(s)
    s = s.replace("\u00a0", " ")
    s = _SPACE_AROUND_BREAK.sub("\n", s)
    return s.strip()


@lru_cache(maxsize=8192)
def normalize_digits(s: str) -> str:
    """Fullwidth digits to ASCII and spaces between digits dropped; the rest as written."""
    s = s.translate(_FW_DIGITS)
    if " " in s or "\u00a0" in s or "\u3000" in s:
        s = _DIGIT_SPACE.sub("", s)
    return s


@lru_cache(maxsize=8192)
def parse_number(s: str | None) -> float | None:
    """A numeric cell: ``"1,053"`` → 1053.0, ``"３５"`` → 35.0, ``""`` → None.

    A cell that holds no number (``"见附件"``) gives None; the rules report it.
    """
    if s is None:
        return None
    s = s.strip()
    if not s:
        return None
    s = s.translate(_FW_NUMERIC)
    s = _DIGIT_SPACE.sub("", s)
    s = _THOUSANDS.sub("", s)
    m = _FULL_NUMBER.fullmatch(s)
    if m is None:
        return None
    try:
        return float(m.group(1))
    except ValueError:
        return None


# Operator variants met in the field → the six of the spec.
_OPERATORS: dict[str, Operator] = {
    "≥": "≥", "≧": "≥", "》": "≥", "\\geq": "≥", "\\ge": "≥", ">=": "≥", "＞=": "≥",
    "＞＝": "≥", "≥=": "≥", "大于等于": "≥", "大于或等于": "≥", "不低于": "≥", "不少于": "≥",
    "≤": "≤", "≦": "≤", "\\leq": "≤", "\\le": "≤", "<=": "≤", "＜=": "≤", "＜＝": "≤",
    "小于等于": "≤", "小于或等于": "≤", "不高于": "≤", "不超过": "≤", "不多于": "≤",
    "至少": "≥", "不小于": "≥", "不大于": "≤", "最多": "≤", "控制在": "≤",
    "=": "=", "＝": "=", "==": "=", "等于": "=",
    ">": ">", "＞": ">", "大于": ">", "高于": ">",
    "<": "<", "＜": "<", "小于": "<", "低于": "<",
    "定性": "定性", "定性指标": "定性",
}  # fmt: skip

# Leading symbols of a value such as "≥95%" (longest first so "\geq" wins over "\ge").
_LEADING_OP = re.compile(
    "^(" + "|".join(re.escape(k) for k in sorted(_OPERATORS, key=len, reverse=True)
                    if k != "定性" and k != "定性指标") + r")\s*"
)  # fmt: skip


@lru_cache(maxsize=8192)
def normalize_operator(s: str | None) -> Operator | None:
    """``"≧"`` → ``"≥"``, ``"》"`` → ``"≥"``, ``"\\geq"`` → ``"≥"``; None when it is no operator."""
    if not s:
        return None
    key = s.strip().replace(" ", "")
    return _OPERATORS.get(key)


def is_operator_variant(s: str | None) -> bool:
    """True when the cell states an operator in a non-standard form (``≧``, ``》``)."""
    if not s:
        return False
    key = s.strip()
    return key in _OPERATORS and _OPERATORS[key] != key


_VALUE = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([^\d]*)")
# An operator stated in words after the number: "95%以上", "3个工作日以内", "10万元以下".
_TRAILING_WORDS: tuple[tuple[str, Operator], ...] = (
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"),
)  # fmt: skip
# A number that is a date or a deadline, not a quantity: "2024年", "12月底前", "6月30日前".
_DATE_UNIT = re.compile(
    r"^(?:月(?:份|底|末|中旬|上旬|下旬)(?:前|以前|之前)?|月(?:前|以前|之前)|日(?:前|以前|之前)|号前)$"
)


@lru_cache(maxsize=8192)
def split_value(value: str) -> tuple[Operator | None, float | None, str]:
    """Operator, number and unit of a value cell.

    ``"≥95%"`` → ("≥", 95.0, "%"); ``"10辆"`` → (None, 10.0, "辆"); ``"20"`` →
    (None, 20.0, ""); ``"基本建立"`` → (None, None, ""). A value with more than one
    number (``"2024年12月"``) is qualitative: its number is None.
    """
    s = value.strip()
    op: Operator | None = None
    m = _LEADING_OP.match(s)
    if m:
        op = _OPERATORS[m.group(1)]
        s = s[m.end() :]
    plus_minus = s.startswith(("±", "+/-", "+-"))
    if plus_minus:
        s = s.lstrip("±+/-")
    s = _THOUSANDS.sub("", s.translate(_FW_NUMERIC))
    vm = _VALUE.fullmatch(s.strip())
    if vm is None:
        return op, None, ""
    try:
        number = float(vm.group(1))
    except ValueError:
        return op, None, ""
    unit = vm.group(2).strip().rstrip("。；;，,")
    for words, word_op in _TRAILING_WORDS:
        if unit.endswith(words):
            unit = unit[: -len(words)].strip()
            op = op or word_op
            break
    if plus_minus and op is None:
        op = "≤"  # "±3%以内" bounds a deviation: at most 3%
    if _DATE_UNIT.match(unit) or (1900 <= number <= 2100 and unit.startswith("年")):
        return op, None, ""  # a date or deadline: qualitative
    return op, number, unit


# Amounts as written: "854", "854万", "20万元", "3,309,840.00", "１２.５ 万元".
_AMOUNT = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(元|千元|万元|万|亿元|亿)?")
_MONEY_FACTORS: dict[str, float] = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}


def money_unit_name(unit: str | None) -> str | None:
    """``"万"`` → ``"万元"``; the unit names a money unit line or label uses, else None."""
    if not unit:
        return None
    u = unit.strip()
    if u in ("万", "亿"):
        u += "元"
    return u if u in _MONEY_FACTORS else None


@lru_cache(maxsize=8192)
def parse_amount(s: str | None) -> tuple[float | None, str | None]:
    """An amount and the money unit written with it: ``"854万"`` → (854.0, "万元").

    ``"919.00"`` → (919.0, None); text that is no amount (``"见附件"``) → (None, None).
    """
    if not s:
        return None, None
    t = _DIGIT_SPACE.sub("", s.strip().translate(_FW_NUMERIC))
    t = _THOUSANDS.sub("", t.replace("，", ","))
    m = _AMOUNT.fullmatch(t.strip())
    if m is None:
        # "854万(高标准农田建设400万元，…)": the amount, then what it is made of.
        m = _AMOUNT.match(t.strip())
        rest = t.strip()[m.end() :].lstrip() if m is not None else ""
        if m is None or not rest.startswith(("(", "（")):
            return None, None
    try:
        n = float(m.group(1))
    except ValueError:
        return None, None
    return n, money_unit_name(m.group(2))


def convert_amount(n: float, unit: str | None, into: str | None) -> float:
    """An amount written in ``unit`` expressed in ``into`` (``20000 元`` → ``2 万元``)."""
    if unit is None or into is None or unit == into:
        return n
    a, b = _MONEY_FACTORS.get(unit), _MONEY_FACTORS.get(into)
    if a is None or b is None:
        return n
    return round(n * a / b, 6)


@lru_cache(maxsize=8192)
def parse_core(s: str) -> bool:
    """是否核心: ``是`` (or a tick) is core; ``否``, ``/`` and empty are not."""
    t = s.strip()
    return t in ("是", "√", "✓", "✔", "核心", "Y", "y", "yes", "Yes", "YES", "1")


def shown_target(value: str, operator: str | None, unit: str) -> str:
    """A target as a person reads it, its operator and unit once: ``≥780元/人·月``.

    In the national layout the value cell already holds its operator and unit; in the
    district layout they stand in columns of their own. Either way a message or a
    report quotes the target once, never ``≥≥780``.
    """
    text = value.strip()
    has_op, _, has_unit = split_value(text)
    op = "" if has_op is not None or operator in (None, "定性") else operator or ""
    tail = "" if has_unit or not unit or text.endswith(unit) else unit
    return f"{op}{text}{tail}"
