"""`pakn staff login-link|set-password|sessions|revoke-sessions|totp`: signing in to the
staff desk from the command line — a one-time link to set a password, a password from
standard input (scripts, tests), the person's browsers and ending them, TOTP on or off."""

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from locales.catalogs import translation
from services.accounts import links, registry, sessions
from services.accounts.passwords import MIN_PASSWORD, totp_uri
from services.errors import AccountNotFound, DomainError, InvalidInput

_ = translation().gettext


async def _account(session: AsyncSession, login: str) -> Any:
    try:
        return await registry.find_account(session, login)
    except AccountNotFound as exc:
        raise DomainError(
            _("No staff member signs in as “{login}”: see pakn staff list").format(login=login)
        ) from exc


def _local(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%H:%M, %d/%m/%Y")


def desk_url(settings: Settings, path: str) -> str:
    return f"{settings.public_url}{path}"


async def login_link(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    account = await _account(session, args.login)
    now = datetime.now(UTC)
    token = await links.make_link(session, account, now)
    return "\n".join(
        [
            _(
                "A link for {login} to set a password on the staff desk; it works once, for {hours} hours:"
            ).format(login=account.login, hours=links.HOURS),
            desk_url(settings, f"/desk/password/{token}"),
            _("Send it only to that person. An older link stops working."),
        ]
    )


async def set_password(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    account = await _account(session, args.login)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        await registry.set_password(session, account, password, datetime.now(UTC), how="pakn")
    except InvalidInput as exc:
        if str(exc) == "password_too_short":
            raise DomainError(
                _("The password needs at least {count} characters; nothing was changed.").format(
                    count=MIN_PASSWORD
                )
            ) from exc
        raise
    return _("The password of {login} is set; their open sessions were ended.").format(
        login=account.login
    )


async def list_sessions(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    account = await _account(session, args.login)
    live = await sessions.live_sessions(session, account, datetime.now(UTC))
    if not live:
        return _("{login} is not signed in anywhere.").format(login=account.login)
    return "\n".join(
        _("session {id}: signed in {start}, last used {seen}").format(
            id=row.id,
            start=_local(row.created_at, settings),
            seen=_local(row.last_seen_at, settings),
        )
        for row in live
    )


async def revoke_sessions(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    account = await _account(session, args.login)
    count = await sessions.revoke_all(session, account, datetime.now(UTC))
    return _("{count} session(s) of {login} ended.").format(count=count, login=account.login)


async def totp(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    account = await _account(session, args.login)
    secret = await registry.set_totp(session, account, datetime.now(UTC), on=not args.off)
    if secret is None:
        return _("{login} signs in without a code now.").format(login=account.login)
    return "\n".join(
        [
            _(
                "{login} now needs a code from an authenticator app. Add this key to the app (or this address as a QR code):"
            ).format(login=account.login),
            secret,
            totp_uri(secret, account.login),
        ]
    )


def add_commands(members: Any) -> None:
    link = members.add_parser("login-link", help=_("a one-time link to set a desk password"))
    link.add_argument("login")
    link.set_defaults(run=login_link)
    password = members.add_parser(
        "set-password", help=_("the desk password, from the first line of standard input")
    )
    password.add_argument("login")
    password.set_defaults(run=set_password)
    listing = members.add_parser("sessions", help=_("where a person is signed in to the desk"))
    listing.add_argument("login")
    listing.set_defaults(run=list_sessions)
    revoke = members.add_parser("revoke-sessions", help=_("sign a person out everywhere"))
    revoke.add_argument("login")
    revoke.set_defaults(run=revoke_sessions)
    code = members.add_parser("totp", help=_("a new TOTP key for a person, or --off"))
    code.add_argument("login")
    code.add_argument("--off", action="store_true")
    code.set_defaults(run=totp)
