"""`pakn report section show|set|reset`: a commune's own text for a section of its
reports (plain text with placeholders, checked before it is saved), or the default template."""

import argparse
import asyncio
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

import reports
from config.settings import Settings
from locales.catalogs import translation
from services.communes import registry as communes
from services.errors import DomainError, InvalidInput
from services.reporting import placeholders
from services.reporting import settings as report_settings

_ = translation().gettext
DEFAULT_SECTIONS = Path(reports.__file__).resolve().parent / "templates" / "sections"


def _section(name: str) -> str:
    if name not in report_settings.SECTIONS:
        raise InvalidInput(
            _("“{name}” is not a section; the sections are: {names}").format(
                name=name, names=", ".join(report_settings.SECTIONS)
            )
        )
    return name


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            _("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from exc
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("{file} is not UTF-8 text: save it as UTF-8").format(file=path)
        ) from exc


async def section_command(
    session: AsyncSession, args: argparse.Namespace, settings: Settings
) -> str:
    commune = await communes.get_commune(session, args.commune)
    assert commune.id is not None
    name, where = _section(args.section), {"section": args.section, "commune": commune.name}
    if args.section_action == "set":
        body = await asyncio.to_thread(_read, Path(args.file))
        if not body.strip():
            raise InvalidInput(
                _("{file} is empty; to use the default text: pakn report section reset").format(
                    file=args.file
                )
            )
        try:
            await report_settings.set_section(session, commune.id, name, body)
        except placeholders.SectionTextRefused as exc:
            raise DomainError(
                _("section {section}: {detail}").format(
                    section=name, detail=placeholders.describe(exc, _)
                )
            ) from exc
        return _("Section {section} of {commune} now uses the text of {file}.").format(
            file=args.file, **where
        )
    if args.section_action == "reset":
        await report_settings.set_section(session, commune.id, name, None)
        return _("Section {section} of {commune} uses the default text again.").format(**where)
    own = (await report_settings.section_overrides(session, commune.id)).get(name)
    if own is not None:
        head = _("Section {section} of {commune}, its own text:").format(**where)
        if not placeholders.usable(own):
            head = _(
                "Section {section} of {commune} has its own text, saved with template code "
                "(conditions, loops or filters) that a section can no longer hold: reports use "
                "the default text instead. Write it again as plain text with placeholders "
                "(docs/report-sections.md) and set it with pakn report section set."
            ).format(**where)
        return "\n".join([head, own])
    path = DEFAULT_SECTIONS / f"{name}.j2"
    try:
        default = await asyncio.to_thread(path.read_text, encoding="utf-8")
    except FileNotFoundError:
        return _(
            "Section {section} of {commune} uses the default text (its template {file} is "
            "not installed)."
        ).format(file=path, **where)
    head = _("Section {section} of {commune} uses the default text:").format(**where)
    return "\n".join([head, default.rstrip("\n")])
