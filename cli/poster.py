"""`pakn poster --commune 7060 [--village "Thôn Yên Phú"] [--format pdf|png|svg] --out FILE`:
the A4 poster for a notice board, its QR code opening the village's form (web/poster.py)."""

import argparse
import asyncio
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.deeplinks import commune_link
from cli import output
from config.settings import Settings
from locales.catalogs import translation
from services.communes import registry as communes
from services.communes.divisions import office_name
from services.errors import DomainError
from services.text import fold
from web.poster import FORMATS, PosterFacts, render_poster

_ = translation().gettext


async def poster(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    output.target(args.out, settings, force=args.force)  # refused before the drawing
    commune = await communes.get_commune(session, args.commune)
    form_url = f"{settings.public_url}/x/{commune.code}"
    village_name = None
    if args.village:
        villages = await communes.list_villages(session, commune.id)
        village = next((v for v in villages if fold(v.name) == fold(args.village)), None)
        if village is None:
            known = ", ".join(v.name for v in villages) or _("none yet")
            raise DomainError(
                _("{commune} has no village “{name}”; its villages: {known}.").format(
                    commune=commune.name, name=args.village, known=known
                )
            )
        form_url += f"?thon={village.id}"
        village_name = village.name
    telegram = (
        commune_link(settings.bot_username, commune.code)
        if settings.bot_username and settings.telegram_on
        else None
    )
    facts = PosterFacts(
        commune_name=office_name(commune),
        village_name=village_name,
        form_url=form_url,
        telegram_url=telegram,
        address=commune.address,
        reception=commune.reception_schedule,
    )
    drawn = await asyncio.to_thread(render_poster, facts, args.format)  # a second's drawing
    out = await asyncio.to_thread(output.write, args.out, drawn, settings, force=args.force)
    return _("Poster written to {path}: its code opens {url}").format(path=out, url=form_url)


def add_commands(groups: Any) -> None:
    command = groups.add_parser("poster", help=_("an A4 poster with the QR code of the form"))
    command.add_argument("--commune", required=True)
    command.add_argument("--village", help=_("the village whose form the code opens"))
    command.add_argument("--format", choices=FORMATS, default="pdf")
    command.add_argument("--out", required=True)
    output.add_force(command)
    command.set_defaults(run=poster)
