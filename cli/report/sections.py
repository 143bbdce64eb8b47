"""`pakn report section show|set|reset`: a commune's own text for a section of its
reports, checked before it is saved, or the default template."""

import argparse
import asyncio
import importlib
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

import reports
from config.settings import Settings
from locales.catalogs import translation
from services.communes import registry as communes
from services.errors import InvalidInput
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


def _compiles(body: str) -> None:
    """Without reports.sections.check (an older reports package): the template must compile."""
    from jinja2.sandbox import SandboxedEnvironment

    SandboxedEnvironment().parse(body)


def _check(section: str, body: str) -> None:
    from jinja2 import TemplateSyntaxError

    try:
        module: Any = importlib.import_module("reports.sections")
    except ModuleNotFoundError as exc:
        if exc.name != "reports.sections":
            raise
        module = None
    try:
        getattr(module, "check", _compiles)(body)
    except (InvalidInput, TemplateSyntaxError) as exc:
        syntax = exc if isinstance(exc, TemplateSyntaxError) else exc.__cause__
        if isinstance(syntax, TemplateSyntaxError):
            raise InvalidInput(
                _("the text has a template syntax error on line {line}: {error}").format(
                    line=syntax.lineno, error=syntax.message
                )
            ) from exc
        raise InvalidInput(
            _("section {section}: {detail}").format(section=section, detail=exc)
        ) from exc


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
        _check(name, body)
        await report_settings.set_section(session, commune.id, name, body)
        return _("Section {section} of {commune} now uses the text of {file}.").format(
            file=args.file, **where
        )
    if args.section_action == "reset":
        await report_settings.set_section(session, commune.id, name, None)
        return _("Section {section} of {commune} uses the default text again.").format(**where)
    own = (await report_settings.section_overrides(session, commune.id)).get(name)
    if own is not None:
        return "\n".join([_("Section {section} of {commune}, its own text:").format(**where), own])
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
