"""Label variants → fields: the words a table uses for each field of the interchange form.

A label is compared after dropping markup, white space, colons and a trailing
parenthesised unit, so ``"预算执行率权重（分）："``, ``"<p>立项依据</p>"`` and
``"项目 总资金额"`` all find their field. Add a variant here and every layout and
every format reads it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..values import clean_text

# Table-level labels (the rows above the indicator block).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "department": (
        "主管部门", "主管单位", "主管部门及代码", "预算部门", "预算部门名称", "主管部门名称",
        "部门名称", "单位名称", "主管部门及编码", "预算单位", "预算单位名称",
        "部门（单位）名称",
        "部门(单位)名称",
        "单位（部门）名称", "区县主管部门", "县级主管部门", "县区主管部门", "市县主管部门",
        "主管部门（单位）", "部门", "填报单位（盖章）", "地方主管部门", "项目主管部门",
        "主管预算部门",
        "业务主管部门", "主管处室",
    ),
    "implementer": (
        "实施单位", "项目实施单位", "实施部门", "项目单位", "执行单位", "实施主体", "项目执行单位",
        "实施单位名称", "项目实施主体", "项目承担单位", "承担单位", "项目申报单位", "申报单位",
        "用款单位", "资金使用单位",
    ),
    "project": (
        "项目名称", "项目支出名称", "专项资金名称", "专项名称", "资金名称", "项目全称",
        "转移支付名称", "转移支付项目名称", "专项资金项目名称", "政策名称", "二级项目名称",
        "项目（政策）名称", "单位（专项）名称", "单位(专项)名称", "项目(政策)名称",
        "政策（项目）名称", "项目名", "支出项目名称",
    ),
    "execution_weight": ("预算执行率权重", "预算执行率分值", "执行率权重", "预算执行率"),
    "funds.total": (
        "项目总资金额", "项目总金额", "项目总资金", "项目资金总额", "项目总资金额度",
        "年度资金总额", "资金总额", "总资金额", "年度资金", "年度预算资金总额", "年度金额",
        "预算数", "年度预算数", "全年预算数", "预算金额", "预算资金", "项目预算", "预算总额",
        "年度预算", "项目资金总额（万元）", "资金规模", "年度资金规模", "项目总投资", "总投资",
        "年度预算资金", "资金金额", "金额", "预算安排", "年度预算安排",
        "项目预算数", "本年预算数", "当年预算数", "年度资金合计", "合计金额", "项目金额",
        "项目资金总额", "年度预算金额", "项目预算金额", "当年资金总额", "当年预算", "本年预算",
        "年度预算资金总额（万元）", "本年度申请市财政预算资金", "本年度申请财政预算资金",
        "本年度申请预算资金",
    ),
    "funds.superior": (
        "上级补助", "上级资金", "上级补助资金", "其中上级补助", "其中：上级补助",
        "上级专项资金", "上级财政资金", "其中上级资金", "中央补助", "中央资金", "中央财政资金",
        "中央补助资金", "中央财政补助", "该项目支出上级资金", "上级预算金额",
        "下达中央预算内投资", "本次下达中央预算内投资", "中央预算内投资", "上级财政拨款",
        "上级转移支付", "省级补助", "中央和省级资金",
    ),
    "funds.district": (
        "区级资金", "本级资金", "区县资金", "区级财政资金", "财政拨款", "其中财政拨款",
        "财政拨款资金", "本年财政拨款", "财政资金", "其中财政资金", "本级财政资金", "当年财政拨款",
        "地方资金", "年度本级预算金额", "本级预算金额", "县级资金", "市级资金", "县级财政资金",
        "市级财政资金", "本级财政拨款",
        "一般公共预算", "一般公共预算资金", "财政拨款收入", "地方财政资金",
    ),
    "funds.other": (
        "其他资金", "其它资金", "其中其他资金", "其他来源资金", "自筹资金", "单位自筹",
        "其他来源", "社会资金", "单位自有资金",
    ),
    "overview": ("项目概况", "项目基本概况", "项目简介", "项目基本情况", "项目概述"),
    "basis": ("立项依据", "项目立项依据", "设立依据"),
    "goal": (
        "当年绩效目标", "年度绩效目标", "年度目标", "本年度绩效目标", "年度总体目标",
        "本年度目标", "当年目标", "年度预期目标", "预期目标", "年度绩效目标（预期目标）",
        "本年度绩效目标", "年度目标值", "当年度绩效目标", "年度总体绩效目标", "年度目标任务",
        "部门年度目标", "年度履职目标", "年初设定目标", "项目年度目标",
    ),
    "indicators": ("绩效指标", "年度绩效指标", "绩效指标体系"),
    # 填表人 is whom a reviewer calls; a 项目负责人 answers for the project, not the form.
    "contact.name": ("联系人", "项目联系人", "联系人姓名", "填表人", "项目经办人"),
    "contact.phone": ("联系电话", "电话", "联系方式", "联系人电话"),
}  # fmt: skip

# Labelled rows that are not fields of their own: they go to ``extra`` (label → text),
# except 总体目标, which is the goal where a table states no 年度目标. Knowing them
# tells a label from a value in a row such as ``项目类型 | 新增 | 项目属性 | 经常性``.
OVERALL_GOAL_LABELS: tuple[str, ...] = (
    "总体目标", "项目总体目标", "整体目标", "绩效目标", "项目绩效目标", "总目标",
    "总体绩效目标", "部门总体目标", "整体绩效目标", "实施期绩效目标", "实施期目标",
)  # fmt: skip
# Labels of a group of rows whose own cell holds no value (项目资金 over 年度资金总额 …).
GROUP_LABELS: tuple[str, ...] = (
    "项目资金", "资金情况", "资金来源", "项目资金情况", "资金投入", "预算情况", "项目资金来源",
    "年度预算情况", "资金安排", "项目资金安排",
)  # fmt: skip
ROW_LABELS: tuple[str, ...] = (
    "中期目标", "中长期目标", "长期目标", "项目期限", "实施期限", "项目周期", "项目类型",
    "项目类别", "项目属性", "项目起止时间", "项目负责人", "项目资金", "资金来源", "资金用途",
    "项目编码", "项目代码", "项目编号", "预算年度", "项目年度", "填报单位", "填报人",
    "审核人", "单位信息", "到位数", "资金到位数", "备注", "项目内容", "资金性质", "中央主管部门",
    "省级主管部门",
    "市级主管部门",
    "省级财政部门", "区县财政部门", "县级财政部门", "报表编号", "项目负责人及电话",
    "项目负责人及联系电话",
    "实际完成情况", "年度总体目标完成情况", "全年实际完成情况", "项目起止日期", "项目实施期",
    "实施周期", "项目地点", "实施地点", "绩效目标完成情况", "年度目标完成情况", "部门职能",
    "职能职责", "主要职能", "部门职责", "主要任务", "年度主要任务", "项目主要内容",
)  # fmt: skip

# Column headers of the indicator block.
COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "name": (
        "指标名称", "三级指标", "指标内容", "绩效指标名称", "三级指标名称", "具体指标", "指标",
        "指标项",
    ),
    "operator": ("指标性质", "指标方向", "运算符号", "符号", "计算符号", "运算符"),
    "value": (
        "指标值", "目标值", "年度指标值", "指标目标值", "绩效指标值", "年度目标值", "预期目标值",
        "绩效目标值", "年度指标值（A）", "年度指标值(A)", "指标值（目标值）", "年度目标指标值",
        "全年指标值", "计划值", "预期指标值", "指标值A", "指标值及单位", "指标值（含单位）",
        "目标值及单位",
    ),
    # A self-evaluation's own columns (自评表): the actual, the points given, the reason.
    "actual": (
        "实际完成值", "全年实际完成值", "实际完成值（B）", "实际完成值(B)", "实际值", "完成值",
        "全年完成值", "实际完成情况", "年度实际完成值", "实际完成指标值", "完成情况", "实际完成值B",
    ),
    "given": ("得分", "自评得分", "评价得分", "实际得分"),
    "reason": (
        "偏差原因分析及改进措施", "偏差原因", "偏差原因分析", "未完成原因分析",
        "原因分析及改进措施",
        "偏差原因分析和改进措施", "未完成原因和改进措施", "偏差原因及改进措施",
    ),
    "unit": ("指标单位", "度量单位", "计量单位", "单位"),
    "score": ("分值", "权重", "指标分值", "分值权重", "权重分值", "指标权重"),
    "core": ("是否核心", "是否核心指标", "核心指标"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    # Columns no field carries; knowing them keeps a header row whole and lets the
    # national layout read 定性 from 指标值类型.
    "value_type": ("指标值类型", "指标类型", "值类型", "定量/定性", "定性/定量", "指标属性"),
    "standard": ("绩效标准", "评价标准", "指标标准", "标准"),
    "note": ("指标解释", "指标说明", "指标值说明", "评分标准", "计算公式", "备注"),
}  # fmt: skip

_STRIP = re.compile(r"[\s:：\u3000]+")
# A trailing "(分)", "（%）", "(90分)", "（万元）", "(分数)" says the unit, not the field.
# A longer one says a span of years: "中期目标（2023-2025年）" is the label 中期目标.
_TRAILING_PAREN = re.compile(r"[（(][^（）()]{0,16}[)）]$")


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, variants in table.items():
        for v in variants:
            out[_STRIP.sub("", v)] = key
    return out


_FIELDS = _index(FIELD_LABELS)
_COLUMNS = _index(COLUMN_LABELS)
_OVERALL_GOAL = frozenset(_STRIP.sub("", v) for v in OVERALL_GOAL_LABELS)
_GROUP_LABELS = frozenset(_STRIP.sub("", v) for v in GROUP_LABELS)
_ROW_LABELS = frozenset(_STRIP.sub("", v) for v in ROW_LABELS) | _OVERALL_GOAL | _GROUP_LABELS
_memo_field: dict[str, str | None] = {}
_memo_column: dict[str, str | None] = {}

# Longer cells are text, never labels; checking length first keeps the hot loop cheap.
MAX_LABEL_LEN = 24


# A section number before a label: "三、目标完成情况", "1.项目名称", "（二）资金情况".
_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d)|[（(][一二三四五六七八九十\d]{1,2}[)）])"
)


def normalize_label(text: str) -> str:
    s = _STRIP.sub("", clean_text(text)) if ("<" in text or "&" in text) else _STRIP.sub("", text)
    if s[:1] in _ENUMERATION_START:
        s = _ENUMERATION.sub("", s)
    return _TRAILING_PAREN.sub("", s)


_ENUMERATION_START = frozenset("一二三四五六七八九十0123456789（(")


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
    if key is None and norm.startswith("其中") and len(norm) <= MAX_LABEL_LEN:
        # "其中：财政拨款", "其中:中央补助(万元)": a share of the total above it.
        norm = normalize_label(norm[2:])
        key = _FIELDS.get(norm)
    if key is None and norm.endswith(("预算总量", "预算总额", "支出总额")):
        key = "funds.total"  # "区级支出预算总量", "部门预算总额"
    if key is None and len(norm) <= MAX_LABEL_LEN:
        # "转移支付(项目)名称", "实施单位(盖章)": a label with a remark in brackets.
        bare = _ANY_PAREN.sub("", norm)
        key = _FIELDS.get(bare) if bare != norm else None
        if key is None:
            key = _funds_by_pattern(bare)
    if len(_memo_field) < 4096:
        _memo_field[text] = key
    return key


_ANY_PAREN = re.compile(r"[（(][^（）()]{0,16}[)）]")
# Funds labels are many and regular: "当年市级财政资金", "中央、省、市补助", "县级财政拨款".
_SUPERIOR = re.compile(
    r"^(?:当年|本年|年度)?(?:中央|省级?|上级)[、,，省市级及和]*(?:财政)?(?:补助|资金|专项资金|转移支付|拨款)(?:资金)?$"
)
_DISTRICT = re.compile(
    r"^(?:当年|本年|年度)?(?:市级?|县级?|区级?|本级|地方|区县)(?:财政)?(?:资金|拨款|财政资金|配套资金|配套)$"
)


def _funds_by_pattern(norm: str) -> str | None:
    if _SUPERIOR.match(norm):
        return "funds.superior"
    if _DISTRICT.match(norm):
        return "funds.district"
    return None


def column_of(text: str) -> str | None:
    """The indicator column a header names (``"分值 (90分)"`` → ``"score"``), or None."""
    if not text or len(text) > MAX_LABEL_LEN + 20:
        return None
    hit = _memo_column.get(text, "")
    if hit != "":
        return hit
    norm = normalize_label(text)
    key = _COLUMNS.get(norm) if len(norm) <= MAX_LABEL_LEN else None
    if key is None and len(norm) <= MAX_LABEL_LEN:
        # A self-evaluation's own columns go by many names: "全年实际值", "实际完成数",
        # "未完成原因及拟采取的改进措施".
        if "原因" in norm:
            key = "reason"
        elif "实际" in norm and norm.endswith(("值", "数", "情况")):
            key = "actual"
    if len(_memo_column) < 4096:
        _memo_column[text] = key
    return key


def row_label_of(text: str) -> str | None:
    """A label that names no field but marks a labelled row (``"项目负责人："`` → ``"项目负责人"``).

    Returns the normalised label, or None for text that is no known row label.
    """
    if not text or len(text) > MAX_LABEL_LEN + 20:
        return None
    norm = normalize_label(text)
    return norm if norm in _ROW_LABELS else None


def is_group_label(text: str) -> bool:
    """A label over a group of rows that holds no value itself (项目资金（万元）, 资金情况)."""
    return normalize_label(text) in _GROUP_LABELS


# What an unknown label ends with: a form's labels name a thing (…名称, …负责人, …期限),
# never state a value. Used only above the indicator block, where cells are label or value.
_LABEL_ENDING = re.compile(
    r"(?:名称|部门|单位|负责人|电话|方式|期限|周期|类型|类别|属性|时间|日期|金额|资金|目标|情况|依据|"
    r"概况|内容|编码|代码|编号|年度|说明|地点|范围|对象|意见|职能|职责|任务|来源|用途|性质|级次|"
    r"联系人|填报人|审核人|经办人|完成率|执行率|进度|财政预算)$"
)
_NOT_LABEL = re.compile(r"[\d，。；;,.、！？%]")


def looks_like_label(text: str) -> bool:
    """A cell that reads as a label even when no vocabulary knows it (``项目负责人及电话``)."""
    if not text or len(text) > MAX_LABEL_LEN + 8:
        return False
    norm = normalize_label(text)
    if not 2 <= len(norm) <= 14 or _NOT_LABEL.search(norm):
        return False
    return (
        field_of(text) is not None
        or norm in _ROW_LABELS
        or bool(_LABEL_ENDING.search(norm))
        or text.rstrip().endswith(("：", ":"))
    )


# Rows under a table that are signatures or notes, never indicators:
# "项目负责人：  财务负责人：", "填表人：张三  填报日期：2022年1月5日", "填表说明：…", "注：…".
SIGNATURE = re.compile(
    r"^\s*(?:(?:单位|项目|财务|部门|分管)?负责人|填表人|填报人|审核人|经办人|复核人|制表人|"
    r"填表日期|填报日期|日期|单位(?:盖章|公章)|盖章|签字|签章)\s*(?:（签字）|\(签字\))?\s*[:：]"
    r"|.{0,20}[（(](?:盖章|签字|签章|公章)[)）]|.*\d{0,4}\s*年\s+月\s+日\s*$"
)
NOTE = re.compile(
    r"^\s*(?:注|备注|说明|填表说明|填报说明)\s*[0-9１-９一二三四五六七八九十]?\s*[:：、.]"
)


def is_signature_or_note(text: str) -> bool:
    """A signature line or a note under the table (``项目负责人：``, ``填表说明：…``)."""
    return bool(SIGNATURE.match(text) or NOTE.match(text))


def is_overall_goal(text: str) -> bool:
    """总体目标 and its variants: the goal only where a table states no 年度目标."""
    return normalize_label(text) in _OVERALL_GOAL


# "长寿区2024年重点专项绩效目标表" → region, year, kind. A leading "附件2：" is not the region.
_ATTACHMENT = r"(?:[\[【][^\]】]{1,10}[\]】]\s*)?(?:附件\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*)?"
_TABLE_WORD = (
    r"绩效(?:目标(?:申报|批复|审核|审批|申请|调整|设定)?|自评|评价|目标自评|目标完成情况)"
    r"(?:指标)?(?:表|情况表|汇总表|一览表)(?:公开)?"
)
# A remark after a title: "(一级项目)", "（普通省道和农村公路）"; never a year.
_REMARK = r"(?:[（(][^（）()\d]{1,20}[)）])?"
TITLE = re.compile(
    rf"^\s*{_ATTACHMENT}(?P<region>[^\d\s]*?)\s*(?P<year>\d{{4}})\s*年度?\s*(?P<kind>[^\s\d]*?)\s*"
    rf"{_TABLE_WORD}\s*{_REMARK}$"
)
# "项目支出绩效目标申报表", "长寿区项目支出绩效目标表（2024年度）": the year, if any, after
# the title or on a line of its own below it.
_TITLE_NO_YEAR = re.compile(
    rf"^\s*{_ATTACHMENT}(?P<pre>[^\d\s，。；、,;:：]{{0,30}}?)\s*{_TABLE_WORD}\s*"
    rf"{_REMARK}\s*(?:[（(]\s*(?P<year>\d{{4}})\s*年度?\s*[)）])?\s*$"
)
# What precedes the kind in a title without a year: the longest run ending in a
# division's suffix ("重庆市长寿区项目支出" → 重庆市长寿区 | 项目支出).
_REGION = re.compile(r"^(?P<region>.+(?:省|自治区|市|区|县|旗|州|盟))(?P<kind>.*)$")
# The year of a title printed on a line of its own: "（2024年度）", "2024年".
YEAR_LINE = re.compile(r"^\s*[（(]?\s*(?P<year>\d{4})\s*年度?\s*[)）]?\s*$")
# The first half of a title broken over two lines: "长寿区2024年度" above "项目支出绩效目标表".
TITLE_HEAD = re.compile(
    r"^\s*(?P<region>[^\d\s，。；、,;:：]{0,20}?)\s*(?P<year>\d{4})\s*年度?\s*$"
)


# Every title holds this word (both title patterns need the table word): a cheap test
# that spares the patterns on the lines and rows of a table's body.
TITLE_WORD = "绩效"


class Title(NamedTuple):
    """标题: what a table's title says about it."""

    region: str | None
    year: int | None
    kind: str | None


def parse_title(text: str) -> Title | None:
    """``"长寿区2024年项目支出绩效目标表"`` → (长寿区, 2024, 项目支出); None when it is no title."""
    if TITLE_WORD not in text:
        return None
    return _parse_title(text)


@lru_cache(maxsize=4096)
def _parse_title(text: str) -> Title | None:
    # Memoised: a document repeats its titles (one a table), and a Title is immutable.
    m = TITLE.match(text)
    if m:
        region, kind = m.group("region") or None, m.group("kind") or None
        if region is None and kind and (rm := _REGION.match(kind)) and len(rm["region"]) <= 12:
            # "2019年度宁晋县高中助学金项目…": the place after the year.
            region, kind = rm["region"], rm["kind"] or None
        elif region and (rm := _REGION.match(region)) and rm["kind"]:
            # "成安县民政局2020年度…": the place, not the office that filed it.
            region = rm["region"]
        return Title(region, int(m.group("year")), kind)
    m = _TITLE_NO_YEAR.match(text)
    if m is None:
        return None
    year = int(m.group("year")) if m.group("year") else None
    pre = m.group("pre")
    rm = _REGION.match(pre)
    if rm:
        return Title(rm.group("region"), year, rm.group("kind") or None)
    return Title(None, year, pre or None)


def is_title(text: str) -> bool:
    return parse_title(text) is not None


# A cell that :func:`field_of` reads as 项目名称 holds the last character of one of its
# variants (normalising only drops characters), unless an entity (&#21517;) makes one.
PROJECT_MARK = re.compile(
    "[&" + "".join(sorted({re.escape(k[-1]) for k, f in _FIELDS.items() if f == "project"})) + "]"
)


def names_project(cells: list[str]) -> bool:
    """Whether any of these cells is a 项目名称 label: :func:`field_of` on each, inlined."""
    if PROJECT_MARK.search("".join(cells)) is None:
        return False
    memo = _memo_field
    for c in cells:
        if c:
            k = memo.get(c, "")
            if k == "":
                k = field_of(c)
            if k == "project":
                return True
    return False


# A table number printed above the title: "表十一", "表 3", "附表2".
TABLE_LABEL = re.compile(r"^\s*(附?表\s*[0-9一二三四五六七八九十百零〇]+(?:[-—–]\d+)?)\s*$")
MONEY_UNIT = re.compile(
    r"^\s*[（(]?\s*(?:金额|资金)?单位\s*[:：]\s*(?P<unit>[^\s（）()]+)\s*[)）]?\s*$"
)
# The same inside a longer line: "填报单位:(盖章)  单位:万元".
MONEY_UNIT_IN_TEXT = re.compile(
    r"(?:金额|资金)?单位\s*[:：]\s*(?P<unit>(?:千|万|亿)?元)(?![^\s）)])"
)
# The money unit a funds label carries: "项目资金（万元）", "年度资金总额(万元)".
LABEL_MONEY_UNIT = re.compile(r"[（(]\s*(?P<unit>(?:十|百|千|万|亿)*元)\s*[)）]\s*[:：]?\s*$")
# A year stated beside a table: "（2022年度）", "2022年度", "预算年度：2022年", "2022年".
YEAR_CAPTION = re.compile(
    r"^\s*[（(]?\s*(?:(?:预算|填报)?年度\s*[:：]\s*)?(?P<year>(?:19|20)\d{2})\s*年度?\s*[)）]?\s*$"
)
# A year inside a longer caption or title: "2022年度", "2022年…绩效".
YEAR_IN_TEXT = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年(?:度|.{0,30}?(?:绩效|预算|项目))")
# Page furniture: "- 12 -", "— 12 —", "第 3 页", "3/10".
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]+\s*\d+\s*[-—–]+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$"
)
CONTACT_NAME = re.compile(
    r"(?:联系人(?:姓名)?|填表人|项目经办人)\s*[:：]*\s*(?P<v>.*?)\s*(?=联系电话|电话|$)"
)
CONTACT_PHONE = re.compile(r"(?:联系电话|电话|联系方式)\s*[:：]*\s*(?P<v>.*?)\s*$")
