"""What a person asks of the store: which tables, in what order, which page.

One model for every face: the command line fills it from options, the web from a
query string, the API from a request body; the store turns it into one SQL query.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Sort = Literal["source", "project", "department", "funds", "year", "indicators"]

T = TypeVar("T")


class TableQuery(BaseModel):
    """目标表查询: filters, Chinese substring search, sorting and paging."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    department: str | None = None  # substring of 主管部门
    project: str | None = None  # substring of 项目名称
    exact_project: bool = False  # the project name exactly (``show``)
    search: str | None = None  # substring of project, department or any indicator's name
    year: int | None = None
    kind: str | None = None
    layout: str | None = None  # "district" | "national" | "flat"
    form: str | None = None  # 目标表 | 自评表 | 部门整体
    # Who is asking decides what they may see: only these departments (exact names), and
    # for the public only published filings. Set by the service, never from a query string.
    departments: tuple[str, ...] | None = None
    published_only: bool = False
    sort: Sort = "source"
    descending: bool = False
    limit: int | None = Field(default=None, ge=1, le=10_000)
    offset: int = Field(default=0, ge=0)


class Page(BaseModel, Generic[T]):
    """One page of results and how many there are in all."""

    items: list[T]
    total: int
    offset: int = 0
    limit: int | None = None
