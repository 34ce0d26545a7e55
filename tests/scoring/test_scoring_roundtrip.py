"""Seeds → store → template → filled as a department would → evaluate → stored scores.

Totals are worked by hand from the seed tables (indicator targets and scores quoted).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jixiao import service
from jixiao.exports import write_evaluations_xlsx, write_selfeval_template
from jixiao.scoring import evaluate_files
from jixiao.scoring.formulas import TIER_PARTIAL, TIERS
from jixiao.service import list_evaluations
from jixiao.store import Store
from jixiao.store.evaluations import evaluation_scores

# Columns of the self-evaluation sheet, as a department sees them.
NAME, ACTUAL, TIER, SCORE, REASON, APPLICABLE = "D", "I", "J", "K", "L", "M"


def _sheet(wb: Any, project: str) -> Any:
    for ws in wb.worksheets:
        if ws["C1"].value == project:
            return ws
    raise AssertionError(project)


def _row(ws: Any, indicator: str) -> int:
    for r in range(9, ws.max_row + 1):
        if ws[f"{NAME}{r}"].value == indicator:
            return int(r)
    raise AssertionError(indicator)


def _fill(
    ws: Any, executed: float, rows: dict[str, dict[str, Any]], reason: str | None = None
) -> None:
    ws["E6"] = executed
    if reason:
        ws["I6"] = reason
    for name, cells in rows.items():
        r = _row(ws, name)
        for col, v in cells.items():
            ws[f"{col}{r}"] = v


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> Path:
    path = tmp_path / "自评表.xlsx"
    assert write_selfeval_template(store.tables(), str(path)) == 35  # 36 tables, 35 projects
    wb = load_workbook(path)
    _fill(_sheet(wb, "餐饮行业油烟整治及达标抽测项目"), 9.2, {
        "油烟整治": {ACTUAL: 20},
        "餐饮油烟排放浓度": {ACTUAL: 1.25, REASON: "部分商户设备老化"},
        "完成时限": {ACTUAL: 1},
        "全区空气环境质量优良天数": {ACTUAL: "270", REASON: "夏季臭氧超标"},
        "城区PM2.5排放浓度达标率": {ACTUAL: "100%"},
    })  # fmt: skip
    _fill(_sheet(wb, "全区安全劝导站经费"), 120, {
        "劝导站数量": {ACTUAL: 144},
        "劝导员数量": {ACTUAL: 240, REASON: "7 人离岗"},
        "全年农村道路交通较大及以上事故发生次数": {ACTUAL: 0},
        "值守时间": {ACTUAL: "节假日部分时段缺岗", TIER: TIER_PARTIAL, SCORE: 10.5,
                    REASON: "人手不足"},
        "劝导站举报次数": {ACTUAL: 1, REASON: "一次举报"},
        "持续减少农村道路交通一般事故": {ACTUAL: 25, REASON: "车流增加"},
        "过往行车人员满意度": {ACTUAL: 95},
    }, reason="两个街镇经费年底才拨付")  # fmt: skip
    _fill(_sheet(wb, "商圈管理办公室房屋租金"), 28.05, {
        "保证时代广场商圈办公室人员数量": {ACTUAL: 22},
        "租赁办公室时长": {ACTUAL: 12},
        "覆盖商场数": {APPLICABLE: "否"},
        "商圈人流量提升率": {ACTUAL: 0.5, REASON: "商场装修"},
        "商圈投诉率": {ACTUAL: 5},
        "办公人员满意率": {ACTUAL: 85},
    })  # fmt: skip
    wb.save(path)
    return path


def test_round_trip_totals(store: Store, filled: Path) -> None:
    run = service.evaluate(store, [str(filled)], None)
    assert run.problems == []
    assert run.blank == 32  # 35 sheets, 3 filled
    by = {e.project: e for e in run.evaluations}
    # 油烟: exec 9.2 / 10 → 9.2; 20 (≤20, B 20) + 20 × 1 / 1.25 = 16 + 15 + 20 × 270 / 300 = 18
    # + 15 = 84; total 93.2 → 优
    e = by["餐饮行业油烟整治及达标抽测项目"]
    assert e.to_json()["total"] == 93.2
    assert e.grade == "优"
    assert e.findings == []
    # 劝导站: exec 120 / 151 = 0.794702 → 7.947020; 20 + 10 × 240 / 247 = 9.716599 + 15
    # + 10.5 (部分达成, 0.7w) + 0 (= 0 target, B 1) + 10 × 20 / 25 = 8 + 10 = 73.216599;
    # total 81.163619 → 81.16 → 良
    e = by["全区安全劝导站经费"]
    assert e.to_json()["total"] == 81.16
    assert e.to_json()["execution"]["rate"] == 0.7947
    assert e.grade == "良"
    assert e.findings == []
    # 商圈: exec 10; 覆盖商场数 (10) not applicable; 20 + 20 + 10 × 0.5 / 1 = 5 + 20 + 10 = 75
    # of 80 → 75 × 90 / 80 = 84.375; total 94.375 → 94.38 → 优
    e = by["商圈管理办公室房屋租金"]
    assert e.indicator_score == 84.375
    assert e.to_json()["total"] == 94.38
    assert [x.code for x in e.findings] == ["rescaled"]

    stored = {r.project: r for r in list_evaluations(store)}
    assert set(stored) == set(by)
    assert stored["全区安全劝导站经费"].grade == "良"
    scores = evaluation_scores(store, stored["商圈管理办公室房屋租金"].id)
    assert [(n, s) for n, s, _ in scores][2] == ("覆盖商场数", None)


def test_evaluating_again_replaces(store: Store, filled: Path) -> None:
    service.evaluate(store, [str(filled)], None)
    first = {r.project: r.id for r in list_evaluations(store)}
    service.evaluate(store, [str(filled)], None)
    again = list_evaluations(store)
    assert len(again) == 3
    assert {r.project: r.id for r in again} != first  # new rows, old ones gone


def test_template_protection_and_dropdowns(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_selfeval_template(store.tables(), str(path))
    wb = load_workbook(path)
    ws = _sheet(wb, "全区安全劝导站经费")
    assert ws.protection.sheet is True
    assert ws.row_dimensions[1].hidden and ws.column_dimensions["A"].hidden
    r = _row(ws, "值守时间")
    q = _row(ws, "劝导站数量")
    locked = ["C6", "F6", f"{NAME}{r}", f"F{r}", f"H{r}", "C1", "A1", f"{TIER}{q}", f"{SCORE}{q}"]
    unlocked = ["D6", "E6", "I6", f"{ACTUAL}{r}", f"{TIER}{r}", f"{SCORE}{r}", f"{REASON}{r}",
                f"{APPLICABLE}{r}", f"{ACTUAL}{q}"]  # fmt: skip
    assert [c for c in locked if not ws[c].protection.locked] == []
    assert [c for c in unlocked if ws[c].protection.locked] == []
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation
             if dv.type == "list"}  # fmt: skip
    assert lists['"' + ",".join(TIERS) + '"'] == f"{TIER}{r}"  # only the 定性 row
    assert f"{APPLICABLE}{q}" in lists['"是,否"'].split()
    names = wb.sheetnames
    assert len(names) == len({n.lower() for n in names})
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_sheet_titles() -> None:
    from jixiao.scoring.layout import sheet_title

    taken: set[str] = set()
    long = "甲" * 40
    assert sheet_title(long, taken) == "甲" * 31
    assert sheet_title(long, taken) == "甲" * 28 + "(2)"
    assert sheet_title("a/b:c?[d]", taken) == "a_b_c__d_"
    assert sheet_title("'x'", taken) == "x"


def test_scored_workbook(store: Store, filled: Path, tmp_path: Path) -> None:
    run = evaluate_files([str(filled)], store)
    out = tmp_path / "out.xlsx"
    write_evaluations_xlsx(run.scored, str(out))
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "汇总"
    summary = list(wb["汇总"].iter_rows(min_row=3, values_only=True))
    depts = {r[0]: r for r in summary}
    # 区应急局: one project, 151 budget, 120 executed, average 81.16, one 良
    assert depts["区应急局"][1:4] == (1, 151, 120)
    assert depts["区应急局"][5] == 81.16
    assert depts["区应急局"][6:10] == (0, 1, 0, 0)
    ws = _sheet(wb, "全区安全劝导站经费")
    total_row = _row(ws, "过往行车人员满意度") + 1
    assert ws[f"{SCORE}{total_row}"].value == 81.16
    assert ws[f"{APPLICABLE}{total_row}"].value == "良"
    assert ws[f"{SCORE}{_row(ws, '劝导员数量')}"].value == 9.72  # 10 × 240 / 247 = 9.7166
    assert ws["H6"].value == 7.95  # 10 × 120 / 151 = 7.947
    assert "汇总-区应急局" in wb.sheetnames


def test_default_points_in_the_template_are_editable_only_where_allowed(tmp_path: Path) -> None:
    from jixiao.model import Indicator, TargetTable
    from jixiao.scoring import ScoringSettings, score
    from jixiao.scoring.workbooks import read_selfeval

    t = TargetTable(
        project="无分值项目", department="测试局", layout="national",
        funds={"total": 100},
        indicators=[Indicator(name=n, operator="≥", value="≥10个", number=10, unit="个",
                              level1=lv) for n, lv in
                    (("甲", "产出指标"), ("乙", "效益指标"), ("丙", "满意度指标"))],
    )  # fmt: skip
    POINTS = "H"
    for editable in (False, True):
        s = ScoringSettings.from_config({"points_editable": editable})
        path = tmp_path / f"自评表{editable}.xlsx"
        write_selfeval_template([t], str(path), s)
        wb = load_workbook(path)
        ws = _sheet(wb, "无分值项目")
        rows = {n: _row(ws, n) for n in "甲乙丙"}
        # The §4 defaults are shown: 50 / 30 / 10.
        assert [ws[f"{POINTS}{rows[n]}"].value for n in "甲乙丙"] == [50, 30, 10]
        assert ws[f"{POINTS}{rows['甲']}"].protection.locked is not editable
        _fill(ws, 100, {"甲": {ACTUAL: 10, POINTS: 45}, "乙": {ACTUAL: 10, POINTS: 35},
                        "丙": {ACTUAL: 10}})  # fmt: skip
        wb.save(path)
        (got,) = read_selfeval(str(path))
        assert not isinstance(got, Exception)
        ev = score(t, got, s)  # type: ignore[arg-type]
        assert [i.max for i in ev.indicators] == ([45, 35, 10] if editable else [50, 30, 10])
        assert ev.points_basis == ("adjusted" if editable else "default")
