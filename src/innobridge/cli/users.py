"""`innobridge user create|token`: accounts from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from innobridge.cli.common import console, fail, open_context
from innobridge.core.accounts import UserIn, create_api_token, principal_for, register_user
from innobridge.core.errors import AppError
from innobridge.core.principal import SYSTEM
from innobridge.core.users import Role, User

commands = typer.Typer()
user_app = typer.Typer(help="Manage users · 用户管理", no_args_is_help=True)
commands.add_typer(user_app, name="user")


@user_app.command("create")
def user_create(
    email: str,
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[
        str, typer.Option(help="member, tech_manager, programme_officer, platform_admin")
    ] = "member",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create a user with a platform role · 创建用户."""
    try:
        ctx = open_context()
        with ctx.uow() as uow:
            out = register_user(
                uow, data=UserIn(email=email, name=name, password=password), role=Role(role), actor=SYSTEM
            )
    except AppError as exc:
        fail(exc, 2)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(out.model_dump_json())


@user_app.command("token")
def user_token(email: str, name: Annotated[str, typer.Option(help="What the token is for")] = "cli") -> None:
    """Create an API token for a user (shown once) · 生成 API 令牌."""
    ctx = open_context()
    with ctx.uow() as uow:
        uid = uow.session.scalar(select(User.id).where(User.email == email.lower()))
        principal = principal_for(uow.session, uid) if uid else None
        if principal is None:
            console.print("[red]no such user · 用户不存在[/red]")
            raise typer.Exit(2)
        typer.echo(create_api_token(uow, actor=principal, name=name))
