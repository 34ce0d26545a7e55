"""The evaluate / monitor / template commands: output formats and one line per bad input."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.store import Store

runner = CliRunner()


def _template(store: Store, tmp_path: Path) -> Path:
    path = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["template", "selfeval", "--db", store.url, "--department",
                              "生态环境局", "-o", str(path)])  # fmt: skip
    assert res.exit_code == 0, res.output
    return path


def test_template_department_filter(store: Store, tmp_path: Path) -> None:
    wb = load_workbook(_template(store, tmp_path))
    assert wb.sheetnames == ["填报说明", "餐饮行业油烟整治及达标抽测项目"]


def test_json_input_and_output(store: Store, tmp_path: Path) -> None:
    data = [{
        "project": "餐饮行业油烟整治及达标抽测项目", "department": "重庆市生态环境局",
        "budget": 10, "executed": 10,
        "actuals": [
            {"indicator": "油烟整治", "actual": 20},
            {"indicator": "餐饮油烟排放浓度", "actual": 1},
            {"indicator": "完成时限", "actual": 1},
            {"indicator": "全区空气环境质量优良天数", "actual": 240, "reason": "臭氧"},
            {"indicator": "城区PM2.5排放浓度达标率", "actual": 100},
        ],
    }]  # fmt: skip
    src = tmp_path / "r.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["evaluate", str(src), "--db", store.url, "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    # 10 + 20 + 20 + 15 + 20 × 240 / 300 = 16 + 15 = 96 → 优
    assert [(p["project"], p["total"], p["grade"]) for p in out] == [
        ("餐饮行业油烟整治及达标抽测项目", 96, "优"),
    ]  # fmt: skip
    assert set(out[0]) >= {"project", "department", "execution", "indicators", "total",
                           "grade", "findings"}  # fmt: skip
    assert set(out[0]["indicators"][0]) >= {"name", "target", "actual", "max", "score", "flags"}


def test_bad_inputs_one_line_each_and_others_go_on(store: Store, tmp_path: Path) -> None:
    path = _template(store, tmp_path)
    wb = load_workbook(path)
    ws = wb["餐饮行业油烟整治及达标抽测项目"]
    ws["E6"] = 10
    ws["I9"] = "约20"
    wb.save(path)
    other = Workbook()
    assert other.active is not None
    other.active["A1"] = "随便"
    not_template = tmp_path / "other.xlsx"
    other.save(not_template)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"not a zip")
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{
        "project": "全区安全劝导站经费", "department": "区应急局", "budget": 151,
        "executed": 151, "actuals": [],
    }, {"project": "没有这个项目", "department": "区应急局", "budget": 1, "executed": 1}],
        ensure_ascii=False), encoding="utf-8")  # fmt: skip
    res = runner.invoke(app, ["evaluate", str(path), str(not_template), str(garbage), str(good),
                              "--db", store.url, "--format", "json"])  # fmt: skip
    assert res.exit_code == 1
    lines = [x for x in res.stderr.splitlines() if x.startswith("错误")]
    assert lines == [
        "错误 文件 t.xlsx 表 “餐饮行业油烟整治及达标抽测项目” 第 9 行：实际完成值“约20”不是数字",
        "错误 文件 other.xlsx：不是 jixiao 自评表模板"
        "（没有带标记的工作表；请用 jixiao template 生成）",
        "错误 文件 garbage.xlsx：不是 XLSX 工作簿（无法解压）",
        "错误 文件 good.json 表 “#2”：库中没有项目“没有这个项目”"
        "（先用 jixiao import 导入其绩效目标表）",
    ]
    out = json.loads(res.stdout)
    assert [p["project"] for p in out] == ["全区安全劝导站经费"]  # scored, with its errors


def test_text_output_escapes_markup(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "r.json"
    src.write_text(json.dumps([{
        "project": "餐饮行业油烟整治及达标抽测项目", "department": "重庆市生态环境局",
        "budget": 10, "executed": 5, "execution_reason": "[bold]x[/bold]",
        "actuals": [{"indicator": "油烟整治", "actual": 10, "reason": "[red]r[/red]"}],
    }], ensure_ascii=False), encoding="utf-8")  # fmt: skip
    res = runner.invoke(app, ["evaluate", str(src), "--db", store.url])
    assert res.exit_code == 1  # unfilled indicators are errors
    assert "餐饮行业油烟整治及达标抽测项目" in res.stdout
    assert "未评级" in res.stdout


def test_monitor_json(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "m.json"
    src.write_text(json.dumps([{
        "project": "全区安全劝导站经费", "department": "区应急局", "month": 3, "budget": 151,
        "executed": 30.2,
        "indicators": [
            {"indicator": "劝导站数量", "progress": "144 个运行", "likelihood": "确定能"},
        ],
    }], ensure_ascii=False), encoding="utf-8")  # fmt: skip
    res = runner.invoke(app, ["monitor", str(src), "--db", store.url, "--format", "json"])
    out = json.loads(res.stdout)
    # 30.2 / 151 = 0.2; month 3: 0.2 / 0.25 = 0.8 → green
    assert out[0]["execution"]["progress"] == 0.8
    assert out[0]["execution"]["light"] == "green"
    assert out[0]["indicators"][0]["light"] == "green"
    assert res.exit_code == 0  # missing likelihoods are warnings only


def test_text_output_shows_a_target_operator_once(tmp_path: Path) -> None:
    # A national table whose value holds its operator (≥1200户): shown once, not "≥≥1200户".
    page = tmp_path / "t.html"
    page.write_text(
        "<html><body><p>项目支出绩效目标表</p><table>"
        "<tr><td>项目名称</td><td>危房改造</td></tr><tr><td>主管部门</td><td>住建局</td></tr>"
        "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>"
        "<tr><td>产出指标</td><td>数量指标</td><td>改造户数</td><td>≥1200户</td></tr>"
        "<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>农户满意度</td><td>≥90%</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    db = str(tmp_path / "j.db")
    assert runner.invoke(app, ["import", str(page), "--db", db]).exit_code == 0
    ret = tmp_path / "r.json"
    ret.write_text(json.dumps([{
        "project": "危房改造", "department": "住建局", "budget": 10, "executed": 10,
        "actuals": [{"indicator": "改造户数", "actual": 1000, "reason": "材料涨价"},
                    {"indicator": "农户满意度", "actual": 95}],
    }], ensure_ascii=False), encoding="utf-8")  # fmt: skip
    res = runner.invoke(app, ["evaluate", str(ret), "--db", db], env={"COLUMNS": "200"})
    assert "≥1200户" in res.stdout and "≥≥" not in res.stdout, res.stdout
