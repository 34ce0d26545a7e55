"""Users of the web application for ``benchmarks/bench_web.py`` (locust, headless).

Each user browses the listing at random pages, searches by a Chinese word of a project,
department or indicator name, opens tables and uses the API the same way, waiting
0.5–2 s between requests as a person reading a page does. What the store holds (how
many tables, their numbers, words to search for) comes from the JSON file named by
``JIXIAO_BENCH_PLAN``, written by the benchmark.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

_PLAN: dict[str, Any] = {}


def plan() -> dict[str, Any]:
    if not _PLAN:
        with open(os.environ["JIXIAO_BENCH_PLAN"], encoding="utf-8") as f:
            _PLAN.update(json.load(f))
    return _PLAN


class Reader(FastHttpUser):
    """A person at a finance bureau going through the tables."""

    wait_time = between(0.5, 2.0)

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif not r.content:
                r.failure("empty body")

    def _page(self) -> int:
        return random.randint(1, max(1, plan()["tables"] // 50))

    def _id(self) -> int:
        ids: list[int] = plan()["ids"]
        return random.choice(ids)

    @task(4)
    def list_page(self) -> None:
        self._get(f"/tables?page={self._page()}", "list /tables?page=N")

    @task(1)
    def list_sorted(self) -> None:
        sort = random.choice(["project", "department", "funds", "year", "indicators"])
        desc = random.choice(["true", "false"])
        self._get(f"/tables?sort={sort}&desc={desc}&page={self._page()}", "list sorted")

    @task(3)
    def search(self) -> None:
        word = random.choice(plan()["words"])
        self._get(f"/tables?q={word}", "search /tables?q=…")

    @task(1)
    def search_next_page(self) -> None:
        word = random.choice(plan()["words"])
        self._get(f"/tables?q={word}&page={random.randint(2, 5)}", "search page 2–5")

    @task(4)
    def table(self) -> None:
        self._get(f"/tables/{self._id()}", "table /tables/ID")

    @task(2)
    def api_list(self) -> None:
        offset = random.randint(0, max(0, plan()["tables"] - 50))
        self._get(f"/api/v1/tables?offset={offset}&limit=50", "api /api/v1/tables")

    @task(1)
    def api_search(self) -> None:
        word = random.choice(plan()["words"])
        self._get(f"/api/v1/tables?q={word}&limit=50", "api /api/v1/tables?q=…")

    @task(1)
    def api_table(self) -> None:
        self._get(f"/api/v1/tables/{self._id()}", "api /api/v1/tables/ID")
