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
        str, typer.Option(help="监听地址；在有账户之前只能是本机（127.0.0.1）。")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="端口。")] = 8000,
) -> None:
    """网页与 API：在浏览器中打开 http://127.0.0.1:8000/ 。

    页面（总览、目标表、导入、审核、自评、监控）与 /api/v1 下的 REST API 用同一个数据库；
    API 文档在 /api/docs。网页所需的脚本与样式都随软件安装，不连互联网。

    例：jixiao serve --db jixiao.db --port 8000
    """
    if not _loopback(host):
        raise typer.BadParameter(
            f"{host} 不是本机地址：在有账户和权限之前，服务只能在本机（127.0.0.1）上监听",
            param_hint="--host",
        )
    import uvicorn

    from ..web import create_app

    web = create_app(database(db))
    console_err.print(f"jixiao 网页：http://{host}:{port}/  （Ctrl-C 停止）", soft_wrap=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")
