"""Monitoring returns: execution lights and likelihoods, worked by hand; template round trip."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from scoring_helpers import ind, make_table

from jixiao.exports import write_monitor_template
from jixiao.scoring import (
    MonitoringReturn,
    MonitoringSettings,
    Progress,
    monitor,
    monitor_files,
)
from jixiao.store import Store


def mret(executed: float, month: int, *rows: Progress) -> MonitoringReturn:
    return MonitoringReturn(project="测试项目", department="测试局", month=month, budget=100,
                            executed=executed, indicators=list(rows))  # fmt: skip


T = make_table(ind("数量", "≥", 20, 50), ind("满意度", "≥", 90, 40))


def test_execution_lights() -> None:
    # month 6: time share 6 / 12 = 0.5
    assert monitor(T, mret(25, 6)).light == "red"  # 0.25 / 0.5 = 0.5 < 0.6
    assert monitor(T, mret(30, 6)).light == "yellow"  # 0.30 / 0.5 = 0.6
    assert monitor(T, mret(40, 6)).light == "green"  # 0.40 / 0.5 = 0.8
    rep = monitor(T, mret(45, 9))  # 0.45 / 0.75 = 0.6 → yellow
    assert rep.light == "yellow"
    assert rep.to_json()["execution"]["progress"] == 0.6


def test_thresholds_configurable() -> None:
    s = MonitoringSettings.from_config({"red_below": 50, "green_from": 70})
    assert monitor(T, mret(25, 6), s).light == "yellow"  # p = 0.5: not below 50%
    assert monitor(T, mret(35, 6), s).light == "green"  # p = 0.7


def test_likelihood_needs_reason_and_measure() -> None:
    rep = monitor(
        T,
        mret(
            50,
            6,
            Progress("数量", "完成 12 家", "有可能"),
            Progress("满意度", None, "不可能", reason="调查未开展", measure="四季度开展"),
        ),
    )
    assert [(i.name, i.light) for i in rep.indicators] == [("数量", "yellow"), ("满意度", "red")]
    assert [(x.code, x.indicator) for x in rep.findings] == [
        ("reason-missing", "数量"), ("measure-missing", "数量"),
    ]  # fmt: skip
    rep = monitor(T, mret(50, 6, Progress("数量", likelihood="确定能")))
    assert [(x.code, x.indicator) for x in rep.findings] == [("likelihood-missing", "满意度")]


def test_budget_zero_and_bad_month() -> None:
    r = mret(5, 6)
    r.budget = 0
    t = make_table(ind("数量", "≥", 1, 90), total=0)
    assert [x.code for x in monitor(t, r).findings][:1] == ["budget-zero"]
    assert [x.code for x in monitor(T, mret(5, 13)).findings][:1] == ["month-invalid"]


def test_monitor_template_round_trip(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "监控.xlsx"
    write_monitor_template(store.tables(), str(path), month=6)
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w["C1"].value == "餐饮行业油烟整治及达标抽测项目")
    assert ws["D6"].value == 6 and not ws["D6"].protection.locked
    assert ws["C6"].protection.locked
    assert any(dv.formula1 == '"确定能,有可能,不可能"' for dv in ws.data_validations.dataValidation)
    ws["E6"] = 3  # 3 of 10 by June: 0.3 / 0.5 = 0.6 → yellow
    ws["I9"] = "有可能"
    ws["J9"] = "商户配合度低"
    wb.save(path)
    run = monitor_files([str(path)], store)
    assert run.problems == []
    assert len(run.reports) == 1
    rep = run.reports[0]
    assert rep.light == "yellow"
    assert rep.indicators[0].light == "yellow"
    assert ("measure-missing", "油烟整治") in [(x.code, x.indicator) for x in rep.findings]
