"""`pakn province add <code>`: every commune of a province registered at once, for one
deployment serving the whole province."""

import argparse
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from locales.catalogs import translation
from services.communes.provinces import add_province
from services.errors import DomainError, ProvinceNotFound

_ = translation().gettext


async def province_add(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> str:
    try:
        done = await add_province(session, args.code)
    except ProvinceNotFound as exc:
        raise DomainError(
            _(
                "No province or city has the code {code} (the 34 after 1 July 2025, "
                "e.g. 22 for Quảng Ninh)."
            ).format(code=exc)
        ) from exc
    lines = [
        _(
            "Added {added} communes and wards of {province}; {skipped} were already registered."
        ).format(added=done.added, province=done.province_name, skipped=done.skipped)
    ]
    if done.added:
        lines.append(
            _("Next, for each commune: pakn commune set CODE --population N, then its staff.")
        )
    return "\n".join(lines)


def add_commands(groups: Any) -> None:
    province = groups.add_parser("province").add_subparsers(dest="action", required=True)
    add = province.add_parser(
        "add", help=_("register all communes, wards and special zones of a province")
    )
    add.add_argument("code", help=_("province code, e.g. 22 (Quảng Ninh) or 01 (Hà Nội)"))
    add.set_defaults(run=province_add)
