"""The web application in a real browser: Playwright driving Debian's chromium.

The server runs in a thread on a free loopback port over a fresh database. What a
department and a reviewer do: upload the seed documents, search, open a table and see a
known finding on its cell, correct an inferred level, download an XLSX and read it back,
fill a self-evaluation and see its grade. ``JIXIAO_SCREENSHOTS=docs/screenshots`` also
saves the main pages for the README.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    pytest.skip("no chromium (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from jixiao.web import create_app

    db = tmp_path_factory.mktemp("web") / "web.db"
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port,
                                        log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(accept_downloads=True, locale="zh-CN",
                                      viewport={"width": 1280, "height": 900})  # fmt: skip
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page
        assert errors == [], errors  # no script error, no content-policy violation
        browser.close()


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("JIXIAO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


_UPLOADED: set[str] = set()  # the servers (of this worker) the seeds are uploaded to


def _upload(server: str, page: Page) -> None:
    page.goto(f"{server}/import")
    page.locator("input[type=file]").first.set_input_files([str(p) for p in SEEDS])
    expect(page.locator("#chosen")).to_have_text("已选择 2 个文件")
    page.get_by_role("button", name="导入").click()
    result = page.locator("#import-result")
    expect(result).to_contain_text("读取文件 2 个，导入表 36 张", timeout=30_000)
    _UPLOADED.add(server)


@pytest.fixture
def seeded(server: str, browser_page: Page) -> None:
    """The seeds on the server: uploaded by test 1, or here when pytest-xdist gave this
    worker the later tests but not the first (each worker has a server of its own)."""
    if server not in _UPLOADED:
        _upload(server, browser_page)


def test_1_upload_the_seed_documents(server: str, browser_page: Page) -> None:
    _upload(server, browser_page)
    _shot(browser_page, "import")


def test_2_search_and_open_a_table_with_its_finding(
    server: str, browser_page: Page, seeded: None
) -> None:
    page = browser_page
    page.goto(f"{server}/tables")
    _shot(page, "tables")
    page.get_by_label("搜索").fill("信息化")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#rows")).to_contain_text("共 1 张表")
    page.get_by_role("link", name="财政信息化建设经费").click()
    goal = page.locator("#f-goal")
    expect(goal).to_have_class("text flagged sev-error")
    expect(goal).to_contain_text("未填写当年绩效目标")
    _shot(page, "table")


def test_3_correct_an_inferred_level(server: str, browser_page: Page, seeded: None) -> None:
    page = browser_page
    page.goto(f"{server}/tables?q=劝导")
    page.get_by_role("link", name="全区安全劝导站经费").click()
    row = page.locator("#f-indicators-1")
    expect(row).to_contain_text("推定")
    row.get_by_role("combobox").select_option("效益指标/社会效益指标")
    row.get_by_role("button", name="更正").click()
    row = page.locator("#f-indicators-1")
    expect(row).to_contain_text("已更正")
    expect(row).to_contain_text("社会效益指标")
    page.reload()  # stored, not only shown
    expect(page.locator("#f-indicators-1")).to_contain_text("已更正")


def test_4_download_an_xlsx_and_read_it_back(
    server: str, browser_page: Page, seeded: None, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(f"{server}/tables?department=财政局")
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    path = tmp_path / "tables.xlsx"
    info.value.save_as(path)
    values = [c for ws in load_workbook(path).worksheets for row in ws.iter_rows(values_only=True)
              for c in row]  # fmt: skip
    assert "财政信息化建设经费" in values


def test_5_fill_a_self_evaluation_and_see_its_grade(
    server: str, browser_page: Page, seeded: None, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(f"{server}/selfeval")
    page.get_by_label("主管部门").select_option("重庆市生态环境局")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载自评表（XLSX）").click()
    path = tmp_path / "自评表.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path)
    ws = wb.worksheets[-1]
    ws["E6"] = 10  # 全年执行数: the whole budget
    for r in range(9, ws.max_row + 1):
        key = str(ws[f"A{r}"].value or "")
        if key.startswith("ind:") and key.endswith(":q"):
            ws[f"I{r}"] = float(str(ws[f"F{r}"].value).lstrip("≥≤<>="))
        elif key.startswith("ind:"):
            ws[f"J{r}"], ws[f"K{r}"] = "达成年度指标", ws[f"H{r}"].value
    filled = tmp_path / "填好的自评表.xlsx"
    wb.save(filled)
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="评分").click()
    result = page.locator("#selfeval-result")
    expect(result).to_contain_text("总分", timeout=30_000)
    expect(result.locator(".grade").first).to_have_text("优")
    _shot(page, "selfeval")


def test_6_the_overview_draws_its_charts(server: str, browser_page: Page, seeded: None) -> None:
    page = browser_page
    page.goto(f"{server}/")
    expect(page.locator("#chart-departments canvas")).to_have_count(1)
    expect(page.get_by_role("table").first).to_contain_text("重庆市长寿区财政局")
    _shot(page, "overview")
    page.goto(f"{server}/review?severity=error")
    expect(page.locator("main")).to_contain_text("意见 6 条")
    _shot(page, "review")
