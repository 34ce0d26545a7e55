"""``jixiao user add|list|passwd|disable``: accounts, as the administrator's page has them."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .. import service
from .app import DbOption, app, console, open_store

user_app = typer.Typer(help="用户：添加、列出、改密码、停用（网页的账户）。", no_args_is_help=True)
app.add_typer(user_app, name="user")

_ROLE_WORD = {"admin": "管理员", "reviewer": "财政审核", "department": "部门填报"}


@user_app.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="用户名。")],
    role: Annotated[
        str, typer.Option(help="admin（管理员）| reviewer（财政审核）| department（部门填报）。")
    ],
    department: Annotated[str | None, typer.Option(help="部门填报用户所属的部门。")] = None,
    reviews: Annotated[
        list[str] | None, typer.Option("--reviews", help="财政审核负责的部门（可多次给出）。")
    ] = None,
    db: DbOption = None,
) -> None:
    """添加用户；打印一次性密码（只显示这一次，首次登录后须修改）。

    例：jixiao user add zhang --role department --department 区财政局
    """
    store = open_store(db, write=True)
    once = service.add_user(store, name, role, department=department,
                            departments=reviews or [], actor="命令行")  # fmt: skip
    console.print(f"已添加用户 {escape(name)}（{_ROLE_WORD.get(role, role)}）。")
    if once:
        console.print(f"一次性密码（只显示这一次）：{once}")


@user_app.command("list")
def list_cmd(db: DbOption = None) -> None:
    """列出用户（不显示密码）。"""
    store = open_store(db)
    t = Table("用户名", "角色", "部门 / 负责的部门", "状态")
    for u in service.list_users(store):
        state = "已停用" if u.disabled else "待改密码" if u.must_change else "正常"
        t.add_row(escape(u.name), _ROLE_WORD.get(u.role, u.role),
                  escape(u.department or "、".join(u.departments)), state)  # fmt: skip
    console.print(t)


@user_app.command("passwd")
def passwd_cmd(name: Annotated[str, typer.Argument(help="用户名。")], db: DbOption = None) -> None:
    """为用户设新密码（从终端读入，不回显）。"""
    store = open_store(db, write=True)
    password = getpass.getpass("新密码：")
    if getpass.getpass("再输一次：") != password:
        raise typer.BadParameter("两次输入的密码不一样")
    service.set_password(store, name, password, actor="命令行")
    console.print(f"已为 {escape(name)} 设新密码；其原有的登录都已失效。")


@user_app.command("disable")
def disable_cmd(name: Annotated[str, typer.Argument(help="用户名。")], db: DbOption = None) -> None:
    """停用用户：立即退出其所有登录，作废其 API 令牌。"""
    store = open_store(db, write=True)
    service.disable_user(store, name, actor="命令行")
    console.print(f"已停用 {escape(name)}。")


@user_app.command("tokens")
def tokens_cmd(name: Annotated[str, typer.Argument(help="用户名。")], db: DbOption = None) -> None:
    """列出用户的 API 令牌（只有编号与用途，库中不存令牌本身）。"""
    store = open_store(db)
    t = Table("编号", "用途", "生成于", "状态")
    for tid, label, made, revoked in service.api_tokens(store, name):
        t.add_row(
            str(tid), escape(label), f"{made:%Y-%m-%d %H:%M}", "已作废" if revoked else "有效"
        )
    console.print(t)


@user_app.command("revoke")
def revoke_cmd(
    name: Annotated[str, typer.Argument(help="用户名。")],
    token: Annotated[int, typer.Argument(help="令牌编号（jixiao user tokens 列出）。")],
    db: DbOption = None,
) -> None:
    """作废用户的一个 API 令牌。"""
    store = open_store(db, write=True)
    service.revoke_api_token(store, name, token, actor="命令行")
    console.print(f"已作废 {escape(name)} 的令牌 {token}。")
