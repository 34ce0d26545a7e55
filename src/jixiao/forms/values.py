"""Cell text → typed values: numbers, operators, units, and text freed of markup.

Everything here undoes damage that publishing and extraction do to a cell and
keeps everything else as written (spec "Noisy sources").
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from ..model import Operator

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
    s = _THOUSANDS.sub("", s.translate(_FW_NUMERIC))
    vm = _VALUE.fullmatch(s.strip())
    if vm is None:
        return op, None, ""
    try:
        number = float(vm.group(1))
    except ValueError:
        return op, None, ""
    return op, number, vm.group(2).strip()


@lru_cache(maxsize=8192)
def parse_core(s: str) -> bool:
    """是否核心: ``是`` (or a tick) is core; ``否``, ``/`` and empty are not."""
    t = s.strip()
    return t in ("是", "√", "✓", "✔", "核心", "Y", "y", "yes", "Yes", "YES", "1")
