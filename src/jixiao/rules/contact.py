"""Contact (联系方式): a phone number a reviewer can dial."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import TargetTable
from .base import Context, Finding, rule

# 13812345678 | 40232915 | 023-40232915 | 02340257077 | (023)40232915 | 0730-8261234
# (evaluation.md §2: a 7- or 8-digit local number, with or without a 3–4 digit area code)
_PHONE = re.compile(r"1\d{10}|(?:\(?0\d{2,3}\)?[-\s]?)?\d{7,8}")
_SPLIT = re.compile(r"[、,，;；/\s]+(?=\(?\d)")


@rule(
    code="contact.phone",
    severity="warning",
    basis=(
        "联系电话为 11 位手机号（1 开头）或 7–8 位固定电话，可带 3–4 位区号"
        "（023-40232915、0730-8261234）。"
    ),
)
def phone(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """联系电话 is a valid mobile or local number; each of several numbers is checked."""
    p = table.contact.phone
    if p is None or not p.strip():
        return
    for part in _SPLIT.split(p.strip()):
        digits = part.strip().replace("－", "-").replace("—", "-")
        if not _PHONE.fullmatch(digits):
            n = len(re.sub(r"\D", "", digits))
            yield ctx.finding(
                table,
                "contact.phone",
                f"联系电话“{part.strip()}”有{n}位数字，不是11位手机号或7–8位固定电话（可带区号）。",
            )
