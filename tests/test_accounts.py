"""Accounts, roles and the workflow over HTTP: who may see and do what, and how sign-in holds.

Five people on a store of the seeds: an administrator, a reviewer assigned to one
department, a user of that department, a user of another department, and the public.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jixiao import service
from jixiao.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
FIN = "重庆市长寿区财政局"  # 7 tables in the seeds
ECO = "重庆市生态环境局"
PASSWORD = "correct-horse-42"


class People:
    def __init__(self, db: str) -> None:
        self.db = db
        self.app = create_app(db)
        store = self.app.state.store
        # The seeds imported before any account: an administrator's import.
        for p in SEEDS:
            with p.open("rb") as f:
                service.import_upload(store, p.name, f)
        service.add_user(store, "admin1", "admin", password=PASSWORD)
        service.add_user(store, "rev", "reviewer", departments=[FIN], password=PASSWORD)
        service.add_user(store, "fin", "department", department=FIN, password=PASSWORD)
        service.add_user(store, "eco", "department", department=ECO, password=PASSWORD)
        self.ids = {s.project: s.id for s in store.summaries()}

    def client(self, name: str | None) -> TestClient:
        c = TestClient(self.app, follow_redirects=False)
        c.get("/sign-in")
        if name is not None:
            r = c.post("/sign-in", data={"name": name, "password": PASSWORD},
                       headers=self.csrf(c))  # fmt: skip
            assert r.status_code in (200, 303) and "jixiao_session" in c.cookies, r.text
        return c

    @staticmethod
    def csrf(c: TestClient) -> dict[str, str]:
        return {"X-CSRF-Token": c.cookies["jixiao_csrf"], "HX-Request": "true"}


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> People:
    return People(str(tmp_path_factory.mktemp("acc") / "acc.db"))


FIN_TABLE = "财政信息化建设经费"
ECO_TABLE = "餐饮行业油烟整治及达标抽测项目"


def _sees(c: TestClient, people: People, project: str) -> bool:
    tid = people.ids[project]
    page = c.get(f"/tables/{tid}").status_code == 200
    api = c.get(f"/api/v1/tables/{tid}").status_code == 200
    assert page == api
    return page


def test_the_authorisation_matrix(people: People) -> None:
    # (who, sees a FIN table, sees an ECO table, listed tables, may upload, may review FIN)
    expect = {
        None: (False, False, 0),
        "admin1": (True, True, 36),
        "rev": (True, False, 7),
        "fin": (True, False, 7),
        "eco": (False, True, 1),
    }
    for who, (fin, eco, listed) in expect.items():
        c = people.client(who)
        assert _sees(c, people, FIN_TABLE) is fin, who
        assert _sees(c, people, ECO_TABLE) is eco, who
        assert c.get("/api/v1/tables").json()["total"] == listed, who
    # Pages that need a signed-in user send the public to the sign-in page.
    public = people.client(None)
    for url in ("/", "/tables", "/import", "/review", "/selfeval", "/monitor", "/admin/users"):
        r = public.get(url)
        assert r.status_code == 303 and r.headers["location"].startswith(("/sign-in", "/public"))
    assert public.get("/api/v1/evaluations").status_code == 401
    # Only an administrator manages users; a reviewer does not upload.
    assert people.client("rev").get("/admin/users").status_code == 403
    assert people.client("admin1").get("/admin/users").status_code == 200
    r = people.client("rev").post("/api/v1/documents", headers={"X-Requested-With": "t"},
                                  files=[("files", ("a.txt", io.BytesIO(b"x")))])  # fmt: skip
    assert r.status_code in (401, 403)


def test_a_department_cannot_reach_another_ones_draft_by_id(people: People) -> None:
    eco = people.client("eco")
    tid = people.ids[FIN_TABLE]
    assert eco.get(f"/api/v1/tables/{tid}").status_code == 404
    assert eco.get(f"/tables/{tid}/source").status_code == 404
    assert eco.get(f"/tables/{tid}/changes").status_code in (403, 404)
    r = eco.post(f"/tables/{tid}/step/submit", headers=people.csrf(eco))
    assert r.status_code in (400, 403, 404)
    r = eco.post(f"/tables/{tid}/levels", headers=people.csrf(eco),
                 data={"position": "0", "level": "产出指标/数量指标"})  # fmt: skip
    assert r.status_code == 403


def test_a_department_uploads_only_its_own_tables(people: People) -> None:
    eco = people.client("eco")
    seed = next(p for p in SEEDS if "004_" in p.name)  # 财政局's tables
    r = eco.post("/api/v1/documents", headers={"X-Requested-With": "t"},
                 files=[("files", ("mine.txt", seed.read_bytes() + b"\n"))])  # fmt: skip
    got = r.json()
    assert got["tables"] == 0 and got["files"][0]["status"] == "refused"
    assert "不是你的部门" in got["files"][0]["findings"][0]["message"]


def test_the_workflow_path_and_the_portal(people: People) -> None:
    fin, rev, public = people.client("fin"), people.client("rev"), people.client(None)
    tid = people.ids[FIN_TABLE]
    # A reviewer cannot approve a draft; the department submits it.
    assert rev.post(f"/tables/{tid}/step/approve", headers=people.csrf(rev)).status_code == 400
    r = fin.post(f"/tables/{tid}/step/submit", headers=people.csrf(fin))
    assert r.status_code == 200 and "已提交" in r.text
    # The reviewer returns it with a comment, and marks a finding.
    r = rev.post(f"/tables/{tid}/step/return", headers=people.csrf(rev),
                 data={"comment:goal": "请补上年度目标"})  # fmt: skip
    assert "已退回" in r.text and "请补上年度目标" in r.text
    r = rev.post(f"/tables/{tid}/mark", headers=people.csrf(rev),
                 data={"code": "completeness.goal", "field": "goal", "mark": "采纳"})  # fmt: skip
    assert "采纳" in r.text
    r = rev.post(
        f"/tables/{tid}/mark",
        headers=people.csrf(rev),
        data={"code": "coverage.satisfaction", "field": "indicators", "mark": "不采纳"},
    )
    assert r.status_code == 400 and "理由" in r.text
    # Re-submitted, approved, published: the public finds it.
    assert "已提交" in fin.post(f"/tables/{tid}/step/submit", headers=people.csrf(fin)).text
    assert "已批准" in rev.post(f"/tables/{tid}/step/approve", headers=people.csrf(rev)).text
    assert "已公开" in rev.post(f"/tables/{tid}/step/publish", headers=people.csrf(rev)).text
    portal = public.get("/public", params={"q": "信息化"}).text
    assert FIN_TABLE in portal
    assert public.get(f"/public/tables/{tid}").status_code == 200
    assert public.get(f"/public/tables/{people.ids[ECO_TABLE]}").status_code == 404
    assert public.get("/api/v1/tables").json()["total"] == 1


def test_the_published_data_package_validates(people: People, tmp_path: Path) -> None:
    from frictionless import validate

    data = people.client(None).get("/public/datapackage.zip").content
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in descriptor["resources"]} == {"tables", "indicators"}
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_sign_in_is_limited_and_sessions_are_fresh_and_expire(people: People) -> None:
    c = TestClient(people.app, follow_redirects=False)
    c.get("/sign-in")
    # Session fixation: a session value set before signing in is replaced, never adopted.
    c.cookies.set("jixiao_session", "planted-by-an-attacker", domain="testserver.local")
    assert c.get("/tables").status_code == 303  # a made-up session is no one's
    r = c.post("/sign-in", data={"name": "fin", "password": PASSWORD}, headers=People.csrf(c))
    issued = r.cookies["jixiao_session"]
    assert issued != "planted-by-an-attacker" and len(issued) > 30
    assert c.get("/tables").status_code == 200
    # Expiry: a session past its time is the public's.
    with sqlite3.connect(people.db) as db:
        db.execute("UPDATE sessions SET expires_at = ?", (datetime.now(UTC) - timedelta(1),))
    assert c.get("/tables").status_code == 303
    # Brute force: five wrong passwords, then even the right one is refused for a while.
    b = TestClient(people.app, follow_redirects=False)
    b.get("/sign-in")
    for _ in range(5):
        r = b.post("/sign-in", data={"name": "eco", "password": "wrong-password-1"},
                   headers=People.csrf(b))  # fmt: skip
        assert "用户名或密码不对" in r.text
    r = b.post("/sign-in", data={"name": "eco", "password": PASSWORD}, headers=People.csrf(b))
    assert "次数过多" in r.text and "jixiao_session" not in b.cookies


def test_no_secret_is_stored_in_clear(people: People) -> None:
    c = people.client("fin")
    token = c.post("/tokens", data={"label": "脚本"}, headers=People.csrf(c)).text
    secret = token.split('<pre class="token">')[1].split("</pre>")[0]
    api = TestClient(people.app)
    assert (
        api.get("/api/v1/tables", headers={"Authorization": f"Bearer {secret}"}).json()["total"]
        == 7
    )
    # Revoked from the page, the token no longer opens anything.
    (tid, label, _, revoked), *_ = people.app.state.store.tokens("fin")
    assert label == "脚本" and revoked is None
    c.post(f"/tokens/{tid}/revoke", headers=People.csrf(c))
    refused = api.get("/api/v1/tables", headers={"Authorization": f"Bearer {secret}"})
    public = api.get("/api/v1/tables").json()["total"]
    assert refused.json()["total"] == public < 7  # the public's view, no more fin's
    dump = "\n".join(sqlite3.connect(people.db).iterdump())
    assert PASSWORD not in dump and secret not in dump and c.cookies["jixiao_session"] not in dump
    assert "$argon2id$" in dump


def test_text_is_text_on_every_page_that_shows_it(people: People) -> None:
    admin = people.client("admin1")
    payload = "<b>&lt;img src=x onerror=alert(1)&gt;</b>全区安全劝导站经费"
    seed = next(p for p in SEEDS if "000_" in p.name)
    hostile = seed.read_text(encoding="utf-8").replace("全区安全劝导站经费", payload, 1)
    admin.post("/api/v1/documents", headers={"X-Requested-With": "t"},
               files=[("files", ("x.txt", hostile.encode("utf-8")))])  # fmt: skip
    found = admin.get("/api/v1/tables", params={"q": "onerror", "limit": 200}).json()
    tid = max(s["id"] for s in found["items"])
    for url in (f"/tables/{tid}", "/tables?q=onerror", "/review", "/"):
        html = admin.get(url).text
        assert "<img src=x" not in html, url
    assert "&lt;img src=x onerror=alert(1)&gt;" in admin.get(f"/tables/{tid}").text


def test_an_administrator_assigns_departments_and_reads_the_settings(people: People) -> None:
    admin = people.client("admin1")
    store = people.app.state.store
    service.add_user(store, "rev2", "reviewer", departments=[ECO], password=PASSWORD)
    r = admin.post("/admin/users/rev2/departments", headers=People.csrf(admin),
                   data={"departments": f"{FIN}，{ECO}"})  # fmt: skip
    assert r.status_code == 200
    assert store.user("rev2").departments == tuple(sorted([FIN, ECO]))
    each = [admin.get("/api/v1/tables", params={"department": d}).json()["total"]
            for d in (FIN, ECO)]  # fmt: skip
    assert people.client("rev2").get("/api/v1/tables").json()["total"] == sum(each)
    # A department user has exactly one department; a reviewer may not do this.
    r = admin.post("/admin/users/fin/departments", headers=People.csrf(admin),
                   data={"departments": f"{FIN},{ECO}"})  # fmt: skip
    assert r.status_code == 400 and "只有一个部门" in r.text
    rev = people.client("rev")
    r = rev.post("/admin/users/rev2/departments", headers=People.csrf(rev),
                 data={"departments": FIN})  # fmt: skip
    assert r.status_code == 403
    page = admin.get("/admin/settings").text
    assert "completeness.goal" in page and "default_points" in page
    assert people.client("rev").get("/admin/settings").status_code == 403


def test_an_administrator_reads_and_downloads_the_audit_trail(people: People) -> None:
    admin = people.client("admin1")
    page = admin.get("/admin/audit", params={"action": "sign-in"}).text
    assert "校验通过" in page and "admin1" in page
    data = admin.get("/admin/audit.json").json()
    assert any(e["action"] == "sign-in" for e in data)
    assert people.client("rev").get("/admin/audit").status_code == 403
    # The download itself is in the trail.
    assert "export" in admin.get("/admin/audit", params={"action": "export"}).text


def test_a_return_comment_on_one_field(people: People) -> None:
    fin, rev = people.client("fin"), people.client("rev")
    tid = people.ids["经济证券化项目"]
    fin.post(f"/tables/{tid}/step/submit", headers=People.csrf(fin))
    r = rev.post(f"/tables/{tid}/step/return", headers=People.csrf(rev),
                 data={"field": "indicators", "comment": "请补满意度指标"})  # fmt: skip
    assert "已退回" in r.text and "（indicators）：请补满意度指标" in r.text


def test_the_self_evaluation_path(people: People, tmp_path: Path) -> None:
    from jixiao.accounts import Viewer
    from jixiao.scoring import ScoringSettings

    store = people.app.state.store
    ret = tmp_path / "自评.json"
    ret.write_text(json.dumps([{
        "project": FIN_TABLE, "department": FIN, "budget": 163.41, "executed": 163.41,
        "actuals": [{"indicator": "全区财政系统类软件维护及使用个数", "actual": 10},
                    {"indicator": "全区财政信息系统运行长时间中断次数", "actual": 1},
                    {"indicator": "重大信息安全事故", "actual": 0}],
    }], ensure_ascii=False), encoding="utf-8")  # fmt: skip
    # Another department's user cannot file it; its own can, and it is 已提交.
    eco = Viewer("eco", "department", ECO)
    run = service.evaluate_for(store, eco, [str(ret)], ScoringSettings())
    assert not run.scored and run.problems[0].message == "不是你部门的项目，自评未保存"
    run = service.evaluate_for(store, Viewer("fin", "department", FIN), [str(ret)],
                               ScoringSettings())  # fmt: skip
    (record,) = [r for r in service.list_evaluations(store) if r.project == FIN_TABLE]
    assert store.evaluation_status(record.id) == "已提交"
    # The reviewer 复核 then 确认, in that order only; then the public portal shows it.
    rev = people.client("rev")
    r = rev.post(f"/selfeval/{record.id}/confirm", headers=People.csrf(rev))
    assert r.status_code == 400 and "不能确认" in r.text
    for step in ("review", "confirm"):
        assert (
            rev.post(f"/selfeval/{record.id}/{step}", headers=People.csrf(rev)).status_code == 200
        )
    assert store.evaluation_status(record.id) == "已确认"
    assert FIN_TABLE in people.client(None).get("/public").text.split("已确认的绩效自评")[1]
