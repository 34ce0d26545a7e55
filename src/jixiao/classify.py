"""Indicator classification: 一级/二级指标 of each indicator, and why.

Tables in the national layout carry both levels in columns; the district
layout of the seeds carries neither (spec evaluation.md §1). Where a table
gives a level it is kept (normalised: ``产出`` → ``产出指标``); where it does
not, the level is inferred from the indicator's name, unit, operator and the
table's goal. Each answer says which cue decided, so a reviewer can correct it.

The cues are tried in order and the first that fires wins. The order encodes
what a finance-bureau reviewer reads first: ``…满意度`` is satisfaction whatever
else the name says; a deadline (``10月前拨付率``) is timeliness before it is a
rate; a unit price (``元/亩``) is cost before it is a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Indicator, TargetTable

OUTPUT = "产出指标"
OUTCOME = "效益指标"
SATISFACTION = "满意度指标"
COST_L1 = "成本指标"  # 101号 moves cost to its own first level

QUANTITY = "数量指标"
QUALITY = "质量指标"
TIMELINESS = "时效指标"
COST = "成本指标"
ECONOMIC = "经济效益指标"
SOCIAL = "社会效益指标"
ECOLOGICAL = "生态效益指标"
SUSTAINABLE = "可持续影响指标"
SERVED = "服务对象满意度指标"

#: 二级指标 → 一级指标 in the classic tree (most localities).
PARENT: dict[str, str] = {
    QUANTITY: OUTPUT,
    QUALITY: OUTPUT,
    TIMELINESS: OUTPUT,
    COST: OUTPUT,
    ECONOMIC: OUTCOME,
    SOCIAL: OUTCOME,
    ECOLOGICAL: OUTCOME,
    SUSTAINABLE: OUTCOME,
    SERVED: SATISFACTION,
}
LEVEL1 = (OUTPUT, OUTCOME, SATISFACTION, COST_L1)
LEVEL2 = tuple(PARENT)

# Short forms seen in tables: "产出", "社会效益", "满意度", "经济成本" (101号).
_L1_ALIASES = {
    "产出": OUTPUT, "效益": OUTCOME, "满意度": SATISFACTION, "成本": COST_L1,
    # 四川's 项目完成/项目效益, 东莞's 预期产出, and 效果 for 效益
    "项目完成": OUTPUT, "项目产出": OUTPUT, "预期产出": OUTPUT, "预期效果": OUTCOME,
    "项目效益": OUTCOME, "效果": OUTCOME,
    "项目效果": OUTCOME, "服务对象满意度": SATISFACTION,
}  # fmt: skip
_L2_ALIASES = {
    "数量": QUANTITY, "质量": QUALITY, "时效": TIMELINESS, "成本": COST,
    "经济效益": ECONOMIC, "社会效益": SOCIAL, "生态效益": ECOLOGICAL,
    "可持续影响": SUSTAINABLE, "可持续发展": SUSTAINABLE, "服务对象满意度": SERVED,
    "满意度": SERVED, "经济成本": COST, "社会成本": COST, "生态环境成本": COST,
}  # fmt: skip


_L2_WORDS = (
    ("满意度", SERVED), ("可持续", SUSTAINABLE), ("生态效益", ECOLOGICAL),
    ("经济效益", ECONOMIC), ("社会效益", SOCIAL), ("数量", QUANTITY), ("质量", QUALITY),
    ("时效", TIMELINESS), ("成本", COST), ("投资规模", COST), ("预算控制", COST),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Classification:
    """指标分类: the two levels of one indicator, whether the table gave them, and why."""

    level1: str
    level2: str
    given: bool
    why: str

    def to_json(self) -> dict[str, object]:
        return {"level1": self.level1, "level2": self.level2, "given": self.given, "why": self.why}


def normalize_level1(text: str | None) -> str | None:
    """``"产出"`` / ``"产出指标"`` → ``"产出指标"``; None for text that is no first level."""
    if not text:
        return None
    t = re.sub(r"\s+", "", text).removesuffix("指标")
    return _L1_ALIASES.get(t)


def normalize_level2(text: str | None) -> str | None:
    """``"社会效益"`` → ``"社会效益指标"``; None for text that is no second level."""
    if not text:
        return None
    t = re.sub(r"\s+", "", text).removesuffix("指标")
    got = _L2_ALIASES.get(t)
    if got is None:
        # "(社会公众或)服务对象满意度指标", "产出数量", "经济效益指标（10分）": the one
        # second level the text names, where it names exactly one.
        named = {l2 for word, l2 in _L2_WORDS if word in t}
        # "社会、经济、生态效益指标": one group for several second levels, none of them.
        several = sum(w in t for w in ("社会", "经济", "生态")) >= 2
        got = named.pop() if len(named) == 1 and not several else None
    return got


_MONEY_UNIT = re.compile(r"^(?:万|亿|千)?元$")
_PRICE_UNIT = re.compile(r"元\s*[/／每]")
# Units of delivered things, space-separated ("m ²" as extraction leaves it is added apart).
_COUNT_UNITS = frozenset(
    re.split(
        r"\s+",
        "个 家 人 人次 户 次 场 场次 期 批 辆 份 所 件 起 名 台 套 项 座 处 条 篇 册 本 株 头 "
        "只 棵 亩 万亩 公顷 平方米 万平方米 m² 平米 公里 千米 米 吨 万人 万人次 万 班 间 栋 "
        "张 部 支 个数 次数 人数 户数 家数 种 类 门 宗 根 盏 块 趟 天次 课时 学时 期次",
    )
) | {"m ²"}
_TIME_UNITS = frozenset(
    ["小时", "天", "日", "工作日", "个工作日", "月", "个月", "年", "周", "分钟"]
)

# (二级指标, pattern on the name, why). Tried in order; see the module docstring.
_NAME_CUES: list[tuple[str, re.Pattern[str], str]] = [
    (SERVED, re.compile(r"满意|投诉(?!举报|处置|处理|办结|受理|查处)|好评"), "名称含“满意/投诉”"),
    (
        SUSTAINABLE,
        re.compile(r"长效|可持续|持续发挥|使用年限|设计年限|使用寿命|长期|正常运行率"),
        "名称含“长效/可持续/使用年限”",
    ),
    (
        TIMELINESS,
        re.compile(
            r"及时|时限|时间|期限|时效|周期|进度|按时|按期|按月|响应|"
            r"开工|完工|\d{1,2}月(?:底|末|前|份)?|年底前|日前|年限"
        ),
        "名称含时间要求（及时/时限/…月底前）",
    ),
    (
        COST,
        re.compile(r"成本|单价|造价|费用|概算|投资控制|预算控制|资金控制|成本控制|亩均财政"),
        "名称含“成本/单价/造价/费用”",
    ),
]
# Concentrations and intensities (mg/L, μg/m³, dB): what environmental quality is measured in.
_CONCENTRATION_UNIT = re.compile(r"mg|μg|ug|微克|毫克|/[lL]$|/m[³3]|dB|分贝|NTU")
# A volume of work done: 收运量, 处理量, 开展…次 — counted output before any topic word.
_DELIVERED = re.compile(
    r"(?:收运|清运|处理|处置|转运|收集|运输|供应|供水|检测|监测|巡查|检查|服务|接诉)量$|"
    r"^(?:开展|举办|组织|召开|完成|新建|建设|改造|购置|采购|印发|发放|培训)"
)
# What the name's head noun measures, after its 指标1: prefix and (unit) suffix are cut.
_HEADS: list[tuple[str, re.Pattern[str], str]] = [
    (
        QUANTITY,
        re.compile(
            r"(?:人数|户数|个数|次数|数量|面积|长度|里程|人次|场次|总量|规模|亩数|家数|座数)$"
        ),
        "名称的中心词是数量",
    ),
    (
        QUALITY,
        re.compile(
            r"(?:合格率|达标率|通过率|验收率|准确率|正确率|完好率|优良率|查办率|处置率|办结率|"
            r"结案率|规范率|合规性|准确性)$"
        ),
        "名称的中心词是质量",
    ),
    (
        COST,
        re.compile(r"(?:标准|单价|价格|成本|人均资助|补助额|补贴额)$"),
        "名称的中心词是成本或标准",
    ),
]
# What those served end up with (完成学业, 升学, 就业): an effect, not a delivery.
_EFFECT = re.compile(r"完成学业|学业完成|升学率|入学率|巩固率|辍学|就业率|脱贫率")
_DONE_RIGHT = re.compile(r"合规|验收|合格|达标|规范|准确|完整|质量")
_AIM = re.compile(r"提高|提升|改善|促进|推动|增强")
# A qualitative target that states how long the effect lasts (长期、持续、稳步提高).
_LASTING = re.compile(r"长期|长远|长效|可持续|持续(?:影响|发挥|保障|有效)|稳步|巩固")
_NEGATIVE_EVENT = re.compile(r"事故|案件|案发|犯罪|伤亡|死亡|故障|事件|火灾|违法|失业|非法|风险")
_BENEFICIARY = re.compile(r"受益|就业|带动")
_ECONOMIC = re.compile(
    r"收入|增收|产值|税|营业|利润|销售|GDP|经济增长|经济损失|溢价|存贷款|"
    r"融资|招商|产能|产量|增产|经济|R&D|研发投入|投资额|营收|交易额|创收"
)
_ECOLOGICAL = re.compile(
    r"生态|环境|污染|污水|排放|空气|水质|PM|优良天数|森林|绿化|植被|碳|节能|减排|"
    r"削减|COD|化肥|农药|用纸|节水|节约|水土|垃圾|环保|噪声|扬尘|油烟|"
    r"资源化|回收利用|火灾受害率"
)
_QUALITY = re.compile(
    r"合格|达标|准确|完好|正确|通过率|成功率|优良|质量|验收|规范|完整|到位率|"
    r"发放率|在线率|利用率|覆盖率|精准|真实|出勤|结案率|办结率|履行率|查处率|破案率|"
    r"审核"
)
_SOCIAL = re.compile(
    r"就业|安全|保障|改善|提升|提高|促进|带动|受益|知晓|素养|健康|水平|能力|"
    r"稳定|防洪|群众|生活|救助|减轻|减少|降低|挽回|人口|社会|服务|"
    r"民生|文明|秩序|便利|出行|负担|传递|激励|推动"
)
_QUANTITY = re.compile(
    r"数量|人数|个数|户数|次数|场次|人次|面积|长度|里程|规模|数$|量$|完成率|"
    r"建档率|开展|举办|建设|新建|改造|购置|采购|发放|培训|维护|维修|补贴|补助"
)


def classify_indicator(ind: Indicator, table: TargetTable | None = None) -> Classification:
    """一级/二级指标 of one indicator: the table's own where given, else inferred with its cue."""
    return _classify(ind, table)[0]


def classify_table(table: TargetTable) -> list[Classification]:
    """Each indicator of the table, in order.

    An indicator decided only by a weak cue (no measure, no telling word) takes the
    first level of its neighbours when the indicators before and after it agree:
    tables list 产出, then 效益, then 满意度, and a lone 定性 row between two benefits
    is a benefit whatever its wording.
    """
    got = [_classify(i, table) for i in table.indicators]
    out = [c for c, _ in got]
    firm = [(n, c.level1) for n, (c, weak) in enumerate(got) if not weak]
    for n, (c, weak) in enumerate(got):
        if not weak:
            continue
        before = next((l1 for k, l1 in reversed(firm) if k < n), None)
        after = next((l1 for k, l1 in firm if k > n), None)
        if before is not None and before == after and before != c.level1:
            ind = table.indicators[n]
            out[n] = Classification(
                before, _inside(before, ind), False,
                f"{c.why}；前后指标均为{before}，按所在位置归入",
            )  # fmt: skip
    return out


def _classify(ind: Indicator, table: TargetTable | None) -> tuple[Classification, bool]:
    """The classification and whether it rests only on a weak cue (a default)."""
    l1 = normalize_level1(ind.level1)
    l2 = normalize_level2(ind.level2)
    if l2 is not None and ind.levels_corrected:
        return Classification(
            l1 or PARENT[l2], l2, True, f"审核人更正：{l1 or PARENT[l2]}/{l2}"
        ), False
    if l2 is not None:
        if l1 is None or (l1 != PARENT[l2] and not (l1 == COST_L1 and l2 == COST)):
            # The second level is the specific one; a first level that disagrees came from
            # a merged cell read too far down (满意度 rows under a rowspanned 效益).
            l1 = PARENT[l2]
        return Classification(l1, l2, True, f"表中给出：{ind.level1 or l1}/{ind.level2}"), False
    inferred, why, weak = _infer(ind, table)
    if l1 is not None:
        if l1 == COST_L1:
            return Classification(l1, COST, True, f"表中给出一级指标“{ind.level1}”"), False
        if PARENT[inferred] != l1:
            # The table's first level wins; pick the second level inside it.
            inferred, why = _inside(l1, ind), f"表中给出一级指标“{ind.level1}”，二级按名称推定"
        return Classification(l1, inferred, False, why), False
    return Classification(PARENT[inferred], inferred, False, why), weak


def _inside(level1: str, ind: Indicator) -> str:
    name = ind.name
    if level1 == SATISFACTION:
        return SERVED
    if level1 == OUTCOME:
        if _ECONOMIC.search(name):
            return ECONOMIC
        if _ECOLOGICAL.search(name):
            return ECOLOGICAL
        if re.search(r"长效|可持续|长期|持续|长远", name):
            return SUSTAINABLE
        return SOCIAL
    if re.search(r"及时|时限|时间|期限|月底|月前|日前", name):
        return TIMELINESS
    if _is_money(ind.unit) and ind.operator in ("≤", "<"):
        return COST
    if re.search(r"成本|单价|标准|费用|经费|资金", name) and (
        _is_money(ind.unit) or "元" in ind.unit
    ):
        return COST
    if ind.unit in ("%", "％") or _QUALITY.search(name):
        return QUALITY
    return QUANTITY


def _is_money(unit: str) -> bool:
    return bool(_MONEY_UNIT.match(unit.strip()))


def _infer(ind: Indicator, table: TargetTable | None) -> tuple[str, str, bool]:
    """(二级指标, why, weak): what the indicator measures first, its topic words after."""
    name = re.sub(r"\s+", "", ind.name)
    unit = ind.unit.strip()
    op = ind.operator
    for level2, pattern, why in _NAME_CUES:
        m = pattern.search(name)
        if m:
            return level2, f"{why}：“{m.group(0)}”", False
    if _CONCENTRATION_UNIT.search(unit):
        return ECOLOGICAL, f"单位“{unit}”是浓度或强度，衡量环境质量", False
    core = _core(name)
    for level2, pattern, why in _HEADS:
        m = pattern.search(core)
        if m and not _head_overruled(level2, name, ind):
            return level2, f"{why}（“{m.group(0)}”）", False
    if (
        unit in _COUNT_UNITS
        and op != "定性"
        and not _BENEFICIARY.search(name)
        and _promised(ind, table)
    ):
        return QUANTITY, f"当年绩效目标写明要完成的“{fmt_number(ind.number)}{unit}”", False
    if _PRICE_UNIT.search(unit) and not _ECONOMIC.search(name):
        return COST, f"单位“{unit}”是单价或标准", False
    if _is_money(unit):
        if "标准" in name:
            return COST, f"名称含“标准”且单位为“{unit}”", False
        if op in ("≤", "<"):
            return COST, f"金额（{unit}）用“{op}”，是成本控制", False
        if _ECONOMIC.search(name):
            return ECONOMIC, f"名称含经济效益词“{_ECONOMIC.search(name).group(0)}”", False  # type: ignore[union-attr]
        if re.search(r"经费|资金|补助|补贴|奖补|支出|发放|投资|金额", name) and op not in (
            ">",
            "≥",
        ):
            return COST, f"名称是资金支出、单位为“{unit}”", False
    if name.endswith("费") and ind.number is not None and unit not in ("%", "％"):
        return COST, f"名称是一项费用（“{name[-3:]}”）", False
    m = _DELIVERED.search(name)
    if m and op != "定性" and unit not in ("%", "％") and not _BENEFICIARY.search(name):
        # 收运量、处理量、开展…次: a volume of work done is an output whatever its topic.
        return QUANTITY, f"名称是完成的工作量（“{m.group(0)}”），单位“{unit or '个'}”", False
    m = _ECONOMIC.search(name)
    if m:
        return ECONOMIC, f"名称含经济效益词“{m.group(0)}”", False
    m = _NEGATIVE_EVENT.search(name)
    if m:
        return SOCIAL, f"名称是要压减的事件“{m.group(0)}”", False
    m = _ECOLOGICAL.search(name)
    if m:
        return ECOLOGICAL, f"名称含生态环境词“{m.group(0)}”", False
    if op == "定性" and ind.value.strip():
        m = _DONE_RIGHT.search(name)
        if m and not _AIM.match(name):
            return QUALITY, f"名称是工作做得对不对（“{m.group(0)}”）", False
        m = _LASTING.search(ind.value)
        if m:
            return SUSTAINABLE, f"目标值说的是持续多久（“{m.group(0)}”）", False
        # A qualitative target states an effect (提升…、是、显著), not a delivered count.
        return SOCIAL, "定性指标表述的是效果，按社会效益", True
    m = _BENEFICIARY.search(name)
    if m:
        return SOCIAL, f"名称是受益或带动的人（“{m.group(0)}”），按社会效益", False
    if unit in _COUNT_UNITS or name.endswith(("数", "数量")):
        m = _QUANTITY.search(name)
        if m or _promised(ind, table):
            return (
                QUANTITY,
                f"以“{unit or '个数'}”计的交付数量"
                + (f"（名称含“{m.group(0)}”）" if m else "（目标中写明）"),
                False,
            )
    m = _EFFECT.search(name)
    if m:
        return SOCIAL, f"名称是服务对象得到的结果（“{m.group(0)}”）", False
    m = _QUALITY.search(name)
    if m:
        return QUALITY, f"名称含质量词“{m.group(0)}”", False
    m = _SOCIAL.search(name)
    if m:
        return SOCIAL, f"名称含社会效益词“{m.group(0)}”", True
    if unit in _COUNT_UNITS:
        return QUANTITY, f"以“{unit}”计的数量", False
    if unit in _TIME_UNITS:
        return TIMELINESS, f"单位“{unit}”是时间", False
    if unit in ("%", "％"):
        return QUALITY, "百分比且无其他线索，按质量", True
    m = _QUANTITY.search(name)
    if m:
        return QUANTITY, f"名称含“{m.group(0)}”", True
    return QUANTITY, "无明确线索，按数量", True


def _head_overruled(level2: str, name: str, ind: Indicator) -> bool:
    """A head noun that does not say what was delivered: people who benefit (受益人数), a
    count to keep down (事故次数 ≤ 5, 风险次数 = 0), an environmental standard met."""
    if level2 == QUANTITY:
        kept_down = ind.operator in ("≤", "<") or ind.number == 0
        # 防范非法集资宣传覆盖人次: a count delivered about an event, not the event itself.
        return bool(_BENEFICIARY.search(name) or _ECONOMIC.search(name) or kept_down)
    if level2 == QUALITY:
        return re.search(r"环保|生态|污染|排放", name) is not None
    return False


def _core(name: str) -> str:
    """The name without its numbering (``指标1:``) and trailing brackets (``(亩)``)."""
    core = re.sub(r"^指标\d+[:：]?", "", name)
    while True:
        cut = re.sub(r"[（(][^（()）]*[）)]$", "", core)
        if cut == core or not cut:
            return core
        core = cut


def fmt_number(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _promised(ind: Indicator, table: TargetTable | None) -> bool:
    """The goal names this count (``完成20家``): a delivered output."""
    if table is None or not table.goal or ind.number is None:
        return False
    n = f"{ind.number:g}"
    return re.search(rf"(?<![\d.]){re.escape(n)}\s*{re.escape(ind.unit)}", table.goal) is not None


__all__ = [
    "LEVEL1",
    "LEVEL2",
    "PARENT",
    "Classification",
    "classify_indicator",
    "classify_table",
    "normalize_level1",
    "normalize_level2",
]
