"""The web face over HTTP: pages, the API's envelope, uploads, escaping, forgery, corrections.

The browser itself is driven in tests/test_web_browser.py; here the requests are made
with Starlette's test client against an application on a fresh database.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jixiao.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))


def _client(db: str) -> TestClient:
    client = TestClient(create_app(db))
    client.get("/")  # the forgery cookie
    return client


def _token(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["jixiao_csrf"]}


def _upload(client: TestClient, *files: tuple[str, bytes], api: bool = False) -> object:
    parts = [("files", (name, io.BytesIO(data))) for name, data in files]
    if api:
        return client.post("/api/v1/documents", files=parts, headers={"X-Requested-With": "t"})
    return client.post("/import", files=parts, headers=_token(client))


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    c = _client(str(tmp_path / "web.db"))
    r = _upload(c, *((p.name, p.read_bytes()) for p in SEEDS))
    assert r.status_code == 200  # type: ignore[attr-defined]
    return c


def _id_of(client: TestClient, project: str) -> int:
    page = client.get("/api/v1/tables", params={"project": project}).json()
    (item,) = [i for i in page["items"] if i["project"] == project][:1]
    return int(item["id"])


def test_the_pages_answer_in_chinese(client: TestClient) -> None:
    for url in ("/", "/tables", "/import", "/review", "/selfeval", "/monitor", "/api/docs"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "script-src 'self'" in r.headers["content-security-policy"]
    home = client.get("/").text
    assert "总览" in home and "36 张目标表" in home
    # Every script and style is served from the package: nothing from the internet.
    for src in re.findall(r'(?:src|href)="([^"]+)"', home):
        assert not src.startswith(("http:", "https:", "//")), src
        assert client.get(src).status_code == 200 if src.startswith("/static/") else True


def test_search_filters_and_pages(client: TestClient) -> None:
    r = client.get("/tables", params={"q": "油烟"})
    assert "共 1 张表" in r.text and "餐饮行业油烟整治及达标抽测项目" in r.text
    # An indicator's name finds its table (Chinese substring, no segmenter).
    r = client.get("/tables", params={"q": "劝导员数量"})
    assert "全区安全劝导站经费" in r.text
    # Only tables with an error finding: the seeds have six errors, one in each of six tables.
    r = client.get("/tables", params={"errors": "true"})
    assert "共 6 张表" in r.text and "财政信息化建设经费" in r.text
    api = client.get("/api/v1/tables", params={"limit": 10, "offset": 30}).json()
    assert api["total"] == 36 and len(api["items"]) == 6 and api["offset"] == 30
    assert client.get("/api/v1/tables", params={"limit": 201}).status_code == 422


def test_a_table_shows_its_findings_on_their_cells(client: TestClient) -> None:
    tid = _id_of(client, "财政信息化建设经费")
    page = client.get(f"/tables/{tid}").text
    # The missing goal is marked on the goal's own cell, with its message.
    cell = re.search(r'<td colspan="5" id="f-goal" class="text flagged sev-error">(.*?)</td>',
                     page, re.S)  # fmt: skip
    assert cell is not None and "未填写当年绩效目标" in cell.group(1)
    api = client.get(f"/api/v1/tables/{tid}").json()
    assert api["table"]["project"] == "财政信息化建设经费"
    assert any(f["code"] == "completeness.goal" for f in api["findings"])
    assert all(lv["given"] is False for lv in api["levels"])  # district form: inferred


def test_document_text_is_shown_as_text(client: TestClient) -> None:
    # The seeds' cells hold literal <p> and <ol> markup; an upload may hold a script.
    tid = _id_of(client, "全区安全劝导站经费")
    page = client.get(f"/tables/{tid}").text
    assert "&lt;p&gt;" in page or "<p>按重庆市" not in page
    # Markup in a cell is dropped and its entities unescaped, so this cell's text really
    # is "<script>alert(1)</script>打非" once read.
    payload = "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>打非"
    hostile = SEEDS[1].read_text(encoding="utf-8").replace("打非专项项目", payload)
    _upload(client, ("hostile.txt", hostile.encode("utf-8")))
    listing = client.get("/tables", params={"q": "打非"}).text
    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;打非" in listing


def test_a_change_without_the_forgery_token_is_refused(client: TestClient) -> None:
    tid = _id_of(client, "全区安全劝导站经费")
    data = {"position": "0", "level": "效益指标/社会效益指标"}
    assert client.post(f"/tables/{tid}/levels", data=data).status_code == 403
    bad = {"X-CSRF-Token": "forged"}
    assert client.post(f"/tables/{tid}/levels", data=data, headers=bad).status_code == 403
    r = client.post("/api/v1/documents", files=[("files", ("a.txt", io.BytesIO(b"x")))])
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"


def test_a_corrected_level_is_used_and_kept_across_reimport(
    client: TestClient, tmp_path: Path
) -> None:
    tid = _id_of(client, "全区安全劝导站经费")
    r = client.post(f"/tables/{tid}/levels", headers=_token(client),
                    data={"position": "1", "level": "效益指标/社会效益指标"})  # fmt: skip
    assert r.status_code == 200 and "已更正" in r.text
    levels = client.get(f"/api/v1/tables/{tid}").json()["levels"]
    assert (levels[1]["level2"], levels[1]["given"]) == ("社会效益指标", True)
    assert levels[1]["why"].startswith("审核人更正")
    # The same document imported again (as a changed file): the correction stays.
    seed = next(p for p in SEEDS if "000_" in p.name)
    _upload(client, (seed.name, seed.read_bytes() + b"\n"))
    tid2 = _id_of(client, "全区安全劝导站经费")
    assert client.get(f"/api/v1/tables/{tid2}").json()["levels"][1]["level2"] == "社会效益指标"
    bad = client.post(f"/tables/{tid}/levels", headers=_token(client),
                      data={"position": "1", "level": "产出指标/社会效益指标"})  # fmt: skip
    assert bad.status_code == 400 and "不是指标体系中的" in bad.text


def test_hostile_uploads_get_a_line_and_change_nothing(client: TestClient) -> None:
    before = client.get("/api/v1/tables").json()["total"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "0" * 200_000_000)
    r = _upload(client, ("bomb.docx", bomb.getvalue()), ("a.exe", b"MZ\x90\x00"),
                ("empty.txt", b""), api=True)  # fmt: skip
    got = r.json()  # type: ignore[attr-defined]
    assert [f["status"] for f in got["files"]] == ["refused"] * 3
    assert all(f["findings"] and f["findings"][0]["message"] for f in got["files"])
    assert client.get("/api/v1/tables").json()["total"] == before
    page = _upload(client, ("a.exe", b"MZ"))
    assert "未能导入" in page.text  # type: ignore[attr-defined]


def test_downloads_read_back_and_hold_no_formula(client: TestClient) -> None:
    r = client.get("/tables/download.xlsx", params={"department": "财政局"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "财政信息化建设经费" in [c.value for c in cells]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # the operator "=" is text
    data = json.loads(client.get("/api/v1/exports/tables", params={"q": "油烟"}).content)
    assert [t["project"] for t in data] == ["餐饮行业油烟整治及达标抽测项目"]
    review = client.get("/review/download.xlsx", params={"severity": "error"})
    rows = list(load_workbook(io.BytesIO(review.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 6  # header and the six errors of the seeds


def test_a_self_evaluation_round_trip(client: TestClient) -> None:
    r = client.get("/selfeval/template.xlsx", params={"department": "重庆市生态环境局"})
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[-1]
    ws["E6"] = 10  # 全年执行数 = budget
    for row in range(9, ws.max_row + 1):
        if str(ws[f"A{row}"].value or "").startswith("ind:"):
            target = ws[f"F{row}"].value
            ws[f"I{row}"] = float(str(target).lstrip("≥≤<>=")) if target else 1
    out = io.BytesIO()
    wb.save(out)
    r = client.post("/selfeval", headers=_token(client),
                    files=[("files", ("自评.xlsx", out.getvalue()))])  # fmt: skip
    assert r.status_code == 200 and "总分" in r.text
    assert client.get("/api/v1/evaluations").json()


def test_errors_are_one_envelope(client: TestClient) -> None:
    r = client.get("/api/v1/tables/999999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/api/v1/tables", params={"year": "abc"})
    assert r.status_code == 422 and set(r.json()["error"]) == {"code", "message", "location"}
    assert client.get("/tables/999999").status_code == 404


def test_serve_listens_on_loopback_only() -> None:
    from typer.testing import CliRunner

    from jixiao.cli import app

    # Without accounts only the loopback address; with them (the default) any.
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--no-accounts"])
    assert r.exit_code != 0 and "本机" in r.output
