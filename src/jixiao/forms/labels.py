"""Label variants → fields: the words a table uses for each field of the interchange form.

A label is compared after dropping markup, white space, colons and a trailing
parenthesised unit, so ``"预算执行率权重（分）："``, ``"<p>立项依据</p>"`` and
``"项目 总资金额"`` all find their field. Add a variant here and every layout and
every format reads it.
"""

from __future__ import annotations

import re

from .values import clean_text

# Table-level labels (the rows above the indicator block).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "department": ("主管部门", "主管单位", "主管部门及代码", "预算部门"),
    "implementer": ("实施单位", "项目实施单位", "实施部门"),
    "project": ("项目名称",),
    "execution_weight": ("预算执行率权重", "预算执行率分值", "执行率权重", "预算执行率"),
    "funds.total": (
        "项目总资金额", "项目总金额", "项目总资金", "项目资金总额", "项目总资金额度",
        "年度资金总额", "资金总额", "总资金额",
    ),
    "funds.superior": ("上级补助", "上级资金", "上级补助资金", "其中上级补助", "其中：上级补助"),
    "funds.district": (
        "区级资金", "本级资金", "区县资金", "区级财政资金", "财政拨款", "其中财政拨款",
    ),
    "funds.other": ("其他资金", "其它资金"),
    "overview": ("项目概况", "项目基本概况", "项目简介", "项目基本情况"),
    "basis": ("立项依据", "项目立项依据", "设立依据"),
    "goal": ("当年绩效目标", "年度绩效目标", "年度目标", "本年度绩效目标"),
    "indicators": ("绩效指标", "年度绩效指标", "绩效指标体系"),
    "contact.name": ("联系人",),
    "contact.phone": ("联系电话", "电话", "联系方式"),
}  # fmt: skip

# Column headers of the indicator block.
COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("指标名称", "三级指标", "指标内容", "绩效指标名称"),
    "operator": ("指标性质", "指标方向", "运算符号", "符号"),
    "value": ("指标值", "目标值", "年度指标值", "指标目标值", "绩效指标值", "年度目标值"),
    "unit": ("指标单位", "度量单位", "计量单位", "单位"),
    "score": ("分值", "权重", "指标分值", "分值权重"),
    "core": ("是否核心", "是否核心指标", "核心指标"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
}  # fmt: skip

_STRIP = re.compile(r"[\s:：\u3000]+")
# A trailing "(分)", "（%）", "(90分)", "（万元）", "(分数)" says the unit, not the field.
_TRAILING_PAREN = re.compile(r"[（(][^（）()]{0,8}[)）]$")


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, variants in table.items():
        for v in variants:
            out[_STRIP.sub("", v)] = key
    return out


_FIELDS = _index(FIELD_LABELS)
_COLUMNS = _index(COLUMN_LABELS)
_memo_field: dict[str, str | None] = {}
_memo_column: dict[str, str | None] = {}

# Longer cells are text, never labels; checking length first keeps the hot loop cheap.
MAX_LABEL_LEN = 24


def normalize_label(text: str) -> str:
    s = _STRIP.sub("", clean_text(text)) if ("<" in text or "&" in text) else _STRIP.sub("", text)
    return _TRAILING_PAREN.sub("", s)


def field_of(text: str) -> str | None:
    """The field a label names (``"项目 总资金额"`` → ``"funds.total"``), or None."""
    if not text or len(text) > MAX_LABEL_LEN + 20:
        return None
    hit = _memo_field.get(text, "")
    if hit != "":
        return hit
    norm = normalize_label(text)
    key = _FIELDS.get(norm) if len(norm) <= MAX_LABEL_LEN else None
    if key is None and norm.startswith(("预算执行率权重", "预算执行率分值")):
        key = "execution_weight"
    if len(_memo_field) < 4096:
        _memo_field[text] = key
    return key


def column_of(text: str) -> str | None:
    """The indicator column a header names (``"分值 (90分)"`` → ``"score"``), or None."""
    if not text or len(text) > MAX_LABEL_LEN + 20:
        return None
    hit = _memo_column.get(text, "")
    if hit != "":
        return hit
    norm = normalize_label(text)
    key = _COLUMNS.get(norm) if len(norm) <= MAX_LABEL_LEN else None
    if len(_memo_column) < 4096:
        _memo_column[text] = key
    return key


# "长寿区2024年重点专项绩效目标表" → region, year, kind.
TITLE = re.compile(
    r"^\s*(?P<region>[^\d\s]*?)\s*(?P<year>\d{4})\s*年度?\s*(?P<kind>[^\s\d]*?)\s*"
    r"绩效目标(?:申报)?表\s*$"
)
# A table number printed above the title: "表十一", "表 3", "附表2".
TABLE_LABEL = re.compile(r"^\s*(附?表\s*[0-9一二三四五六七八九十百零〇]+(?:[-—–]\d+)?)\s*$")
MONEY_UNIT = re.compile(r"^\s*(?:金额)?单位\s*[:：]\s*(?P<unit>[^\s]+)\s*$")
# Page furniture: "- 12 -", "— 12 —", "第 3 页", "3/10".
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]+\s*\d+\s*[-—–]+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$"
)
CONTACT_NAME = re.compile(r"联系人(?:姓名)?\s*[:：]*\s*(?P<v>.*?)\s*(?=联系电话|电话|$)")
CONTACT_PHONE = re.compile(r"(?:联系电话|电话|联系方式)\s*[:：]*\s*(?P<v>.*?)\s*$")
