"""``jixiao serve``: the web application and REST API on this machine."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from .app import DbOption, app, console_err, database


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_cmd(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(help="监听地址；不要求登录（--no-accounts）时只能是本机。")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="端口。")] = 8000,
    accounts: Annotated[
        bool,
        typer.Option("--accounts/--no-accounts", help="要求登录（首次启动时创建管理员 admin）。"),
    ] = True,
) -> None:
    """网页与 API：在浏览器中打开 http://127.0.0.1:8000/ 。

    首次启动时创建管理员 admin 并打印一次性密码；此后每个页面都须登录（公开目录除外），
    服务可在任何地址上监听。--no-accounts 是单人本机使用：不要求登录，只在本机上监听。

    页面（总览、目标表、导入、审核、自评、监控）与 /api/v1 下的 REST API 用同一个数据库；
    API 文档在 /api/docs。网页所需的脚本与样式都随软件安装，不连互联网。

    例：jixiao serve --db jixiao.db --port 8000
    """
    if not accounts and not _loopback(host):
        raise typer.BadParameter(
            f"{host} 不是本机地址：不要求登录时（--no-accounts），"
            "服务只能在本机（127.0.0.1）上监听",
            param_hint="--host",
        )
    import uvicorn

    from .. import service
    from ..web import create_app

    web = create_app(database(db))
    if accounts:
        once = service.first_admin(web.state.store)
        if once:
            console_err.print(
                f"已创建管理员 admin，一次性密码（只显示这一次，首次登录后须修改）：{once}",
                soft_wrap=True,
            )
    console_err.print(f"jixiao 网页：http://{host}:{port}/  （Ctrl-C 停止）", soft_wrap=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")
