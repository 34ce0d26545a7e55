"""The whole path in a browser, three people: a department uploads and submits, a reviewer
returns it with a comment and marks a finding, the department uploads a corrected file and
re-submits, the reviewer approves and publishes, the public finds it on the portal.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao import service

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "seeds" / "004_ba3dd06106aafdcb.txt"  # 重庆市长寿区财政局's tables
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "correct-horse-42"
PROJECT = "财政信息化建设经费"

if CHROMIUM is None:
    pytest.skip("no chromium (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    import uvicorn

    from jixiao.web import create_app

    db = str(tmp_path_factory.mktemp("flow") / "flow.db")
    app = create_app(db)
    store = app.state.store
    service.add_user(store, "admin1", "admin", password=PASSWORD)
    service.add_user(store, "rev", "reviewer", departments=["重庆市长寿区财政局"],
                     password=PASSWORD)  # fmt: skip
    service.add_user(store, "fin", "department", department="重庆市长寿区财政局",
                     password=PASSWORD)  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _person(browser: Browser, base: str, name: str | None) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if name is not None:
        page.goto(f"{base}/sign-in")
        page.get_by_label("用户名").fill(name)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".who")).to_contain_text(name)
    return page


def _open(page: Page, base: str) -> None:
    page.goto(f"{base}/tables?q={PROJECT}")
    page.get_by_role("link", name=PROJECT).first.click()


def test_the_whole_path_with_three_people(
    site: tuple[str, str], browser: Browser, tmp_path: Path
) -> None:
    base, _ = site
    fin = _person(browser, base, "fin")
    # The department uploads its document and submits the table.
    fin.goto(f"{base}/import")
    fin.locator("input[type=file]").first.set_input_files(str(SEED))
    fin.get_by_role("button", name="导入").click()
    expect(fin.locator("#import-result")).to_contain_text("导入表 6 张", timeout=30_000)
    _open(fin, base)
    expect(fin.locator("#status")).to_have_text("草稿")
    fin.get_by_role("button", name="提交审核").click()
    expect(fin.locator("#status")).to_have_text("已提交")

    # The reviewer returns it, with a comment, and marks the missing goal 采纳.
    rev = _person(browser, base, "rev")
    _open(rev, base)
    rev.get_by_label("退回意见").fill("请补写当年绩效目标，并核实中断次数的目标值。")
    rev.get_by_role("button", name="退回").click()
    expect(rev.locator("#status")).to_have_text("已退回")
    goal = rev.locator("ul.findings li", has_text="未填写当年绩效目标")
    goal.get_by_role("combobox").select_option("采纳")
    goal.get_by_role("button", name="标注").click()
    expect(rev.locator("ul.findings li", has_text="未填写当年绩效目标")).to_contain_text(
        "采纳（rev）"
    )

    # The department sees the comment, uploads a corrected file and re-submits.
    _open(fin, base)
    expect(fin.locator(".comments")).to_contain_text("请补写当年绩效目标")
    before = "\t\t其他资金\t\t\t\t\n绩效指标\t指标名称"
    goal = "当年绩效目标\t保障全区财政信息系统稳定运行。\n"
    after = before.replace("绩效指标", goal + "绩效指标")
    stops = "全区财政信息系统运行长时间中断次数\t<\t"
    text = SEED.read_text(encoding="utf-8").replace(before, after, 1)
    text = text.replace(stops + "2", stops + "1")  # a ceiling lowered: a tighter target
    corrected = tmp_path / "财政局-更正.txt"
    corrected.write_text(text, encoding="utf-8")
    fin.goto(f"{base}/import")
    fin.locator("input[type=file]").first.set_input_files(str(corrected))
    fin.get_by_role("button", name="导入").click()
    expect(fin.locator("#import-result")).to_contain_text("导入表 6 张", timeout=30_000)
    fin.goto(f"{base}/tables?q={PROJECT}")
    fin.get_by_role("link", name=PROJECT).last.click()
    expect(fin.locator("#status")).to_have_text("已退回")  # the filing's status, this version
    fin.get_by_role("link", name="看各版本的变化").click()
    expect(fin.locator("main")).to_contain_text("目标降低")
    fin.go_back()
    fin.get_by_role("button", name="提交审核").click()
    expect(fin.locator("#status")).to_have_text("已提交")

    # The reviewer approves and publishes; the mark still stands where the finding holds.
    rev.goto(f"{base}/tables?q={PROJECT}")
    rev.get_by_role("link", name=PROJECT).last.click()
    rev.get_by_role("button", name="批准").click()
    expect(rev.locator("#status")).to_have_text("已批准")
    rev.get_by_role("button", name="公开").click()
    expect(rev.locator("#status")).to_have_text("已公开")

    # The public finds it on the portal.
    public = _person(browser, base, None)
    public.goto(f"{base}/public")
    public.get_by_label("搜索").fill("信息化")
    public.get_by_role("button", name="查询").click()
    public.get_by_role("link", name=PROJECT).first.click()
    expect(public.locator("main")).to_contain_text("保障全区财政信息系统稳定运行")


def test_the_path_left_an_audit_trail_that_verifies(site: tuple[str, str]) -> None:
    import sqlite3

    from typer.testing import CliRunner

    from jixiao.cli import app

    _, db = site
    with sqlite3.connect(db) as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    for step in ("sign-in", "import", "submit", "return", "mark-finding", "approve", "publish"):
        assert step in actions, step
    r = CliRunner().invoke(app, ["audit", "verify", "--db", db])
    assert r.exit_code == 0 and "校验通过" in r.output, r.output
    # Any row changed by hand: the chain says where.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone' WHERE action = 'approve'")
    r = CliRunner().invoke(app, ["audit", "verify", "--db", db])
    assert r.exit_code == 1 and "未通过" in r.output
