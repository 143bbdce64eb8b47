"""`pakn superior add|list|remove`: who receives a commune's reports. Each commune names its
own superior level (the province now, the district before 1 July 2025, or their
departments), so nothing here assumes which."""

import argparse
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from locales.catalogs import translation
from models import Superior
from services.communes import registry as communes
from services.errors import DomainError, InvalidInput
from services.reporting import settings as report_settings

_ = translation().gettext


def _line(superior: Superior) -> str:
    yes, no = _("yes"), _("no")
    name = superior.name + (f" ({superior.short_name})" if superior.short_name else "")
    parts = [
        f"{superior.id}  {name}",
        _("after “Kính gửi”: {answer}").format(answer=yes if superior.addressed else no),
        _("under “Nơi nhận”: {answer}").format(answer=yes if superior.copied else no),
        _("chat {chat}").format(chat=superior.telegram_chat_id)
        if superior.telegram_chat_id is not None
        else _("no chat"),
        _("e-mail {email}").format(email=superior.email) if superior.email else _("no e-mail"),
    ]
    return "  ·  ".join(parts)


async def superior_add(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    assert commune.id is not None
    if not args.name.strip():
        raise InvalidInput(_("the superior level needs a name (--name)"))
    email = args.email.strip() if args.email is not None else None
    try:
        superior = await report_settings.add_superior(
            session,
            commune.id,
            args.name,
            short_name=args.short_name,
            addressed=not args.not_addressed,
            copied=not args.not_copied,
            telegram_chat_id=args.chat,
            email=email or None,
        )
    except InvalidInput as exc:
        if not email:
            raise
        raise InvalidInput(  # with a name given, the address is what it refused
            _("“{email}” is not an e-mail address, e.g. vanthu@quangninh.gov.vn").format(
                email=email
            )
        ) from exc
    return _("Superior level {id} added for {commune}: {name}").format(
        id=superior.id, commune=commune.name, name=superior.name
    )


async def superior_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    commune = await communes.get_commune(session, args.commune)
    assert commune.id is not None
    rows = await report_settings.superiors_for(session, commune.id)
    if not rows:
        return _(
            "{commune} has no superior level to send its reports to yet: "
            'pakn superior add --commune {code} --name "…"'
        ).format(commune=commune.name, code=commune.code)
    return "\n".join(_line(s) for s in rows)


async def superior_remove(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    assert commune.id is not None
    try:
        superior = await report_settings.remove_superior(session, commune.id, args.id)
    except InvalidInput as exc:  # the one thing it refuses: an id not among this commune's
        raise DomainError(
            _(
                "{commune} has no superior level {id}: see pakn superior list --commune {code}"
            ).format(commune=commune.name, id=args.id, code=commune.code)
        ) from exc
    return _("Superior level {id} removed: {name} no longer receives the reports.").format(
        id=superior.id, name=superior.name
    )


def add_commands(groups: Any) -> None:
    superior = groups.add_parser(
        "superior",
        help=_(
            "who receives the commune's reports: the province, the district (before "
            "1 July 2025) or one of their departments"
        ),
    ).add_subparsers(dest="action", required=True)
    add = superior.add_parser("add")
    add.add_argument("--commune", required=True)
    add.add_argument("--name", required=True, help=_("full name, as after “Kính gửi”"))
    add.add_argument("--short-name", dest="short_name", help=_("as under “Nơi nhận”"))
    add.add_argument(
        "--not-addressed",
        action="store_true",
        dest="not_addressed",
        help=_("not listed after “Kính gửi”"),
    )
    add.add_argument(
        "--not-copied", action="store_true", dest="not_copied", help=_("not under “Nơi nhận”")
    )
    add.add_argument("--chat", type=int, help=_("Telegram chat id that receives the reports"))
    add.add_argument("--email", help=_("e-mail address that receives the reports"))
    add.set_defaults(run=superior_add)
    listing = superior.add_parser("list")
    listing.add_argument("--commune", required=True)
    listing.set_defaults(run=superior_list)
    remove = superior.add_parser("remove")
    remove.add_argument("--commune", required=True)
    remove.add_argument("id", type=int)
    remove.set_defaults(run=superior_remove)
