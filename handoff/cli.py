"""Gateway administration.

    python -m handoff.cli migrate
    python -m handoff.cli user add NAME --role volunteer|supervisor|editor [--password-stdin] [--alias A] [--capacity N]
    python -m handoff.cli user disable NAME
    python -m handoff.cli user list

There is no self-registration: console accounts exist only through this command.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sys
from collections.abc import Awaitable, Callable

from handoff.console.auth import hash_password
from handoff.settings import Settings, load_settings
from handoff.store.accounts import AccountRepo
from handoff.store.db import make_engine, make_sessionmaker
from handoff.store.migrate import upgrade_head
from handoff.store.models import ROLES

MIN_PASSWORD = 10
USERNAME_RE = re.compile(r"^[\w.@-]{2,80}$")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("passwords differ")
    return first


async def _with_repo(settings: Settings, fn: Callable[[AccountRepo], Awaitable[int]]) -> int:
    engine = make_engine(settings.database_url)
    try:
        return await fn(AccountRepo(make_sessionmaker(engine)))
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handoff.cli", description="Kynnys gateway administration")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database (alembic upgrade head)")
    user = sub.add_parser("user", help="console accounts").add_subparsers(dest="action", required=True)
    add = user.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add.add_argument("--alias", help="name young people see (the volunteer can change it)")
    add.add_argument("--capacity", type=int, help="concurrent chats (default VOLUNTEER_CAPACITY)")
    dis = user.add_parser("disable", help="disable an account and end its sessions")
    dis.add_argument("name")
    user.add_parser("list", help="list accounts")
    args = parser.parse_args(argv)
    settings = load_settings()

    if args.command == "migrate":
        upgrade_head(settings.database_url)
        print("database is up to date")
        return 0

    if args.action == "add":
        if not USERNAME_RE.match(args.name):
            print("username: 2–80 characters: letters, digits, '.', '_', '-', '@'", file=sys.stderr)
            return 2
        password = _read_password(args.password_stdin)
        if len(password) < MIN_PASSWORD:
            print(f"password must be at least {MIN_PASSWORD} characters", file=sys.stderr)
            return 2

        async def add_user(repo: AccountRepo) -> int:
            if await repo.by_username(args.name) is not None:
                print(f"account {args.name!r} exists", file=sys.stderr)
                return 1
            await repo.add(args.name, hash_password(password), args.role, alias=args.alias, capacity=args.capacity)
            print(f"created {args.role} {args.name}")
            return 0

        return int(asyncio.run(_with_repo(settings, add_user)))

    if args.action == "disable":
        async def disable(repo: AccountRepo) -> int:
            if not await repo.disable(args.name):
                print(f"no account {args.name!r}", file=sys.stderr)
                return 1
            print(f"disabled {args.name}")
            return 0

        return int(asyncio.run(_with_repo(settings, disable)))

    async def list_users(repo: AccountRepo) -> int:
        for vol in await repo.all():
            state = "disabled" if vol.disabled else "active"
            print(f"{vol.username}\t{vol.role}\t{vol.alias or '-'}\t{state}")
        return 0

    return int(asyncio.run(_with_repo(settings, list_users)))


if __name__ == "__main__":
    sys.exit(main())
