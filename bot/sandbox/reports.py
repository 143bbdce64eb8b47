"""The monthly and annual reports of the demo commune, from the sandbox's data, as the CLI
builds them (cli/report/build.py): this month and this year in sandbox time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.build import BuiltReport, ReportRequest, build_report
from reports.issuing import picked

if TYPE_CHECKING:  # the world builds this module's routes
    from .world import Sandbox


KINDS = {"monthly": "this_month", "annual": "this_year"}
FILE_WORDS = {"monthly": "thang", "annual": "nam"}  # the file's name: Vietnamese, no diacritics
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str
    file_name: str | None = None  # set: a download


async def _built(sandbox: Sandbox, kind: str) -> BuiltReport:
    assert sandbox.app is not None and sandbox.commune is not None
    assert sandbox.commune.id is not None
    ctx = sandbox.app.ctx
    now = ctx.clock.now()
    report_kind, period = picked(
        KINDS[kind], now.astimezone(ctx.tz).date(), sandbox.commune.report_year_start
    )
    request = ReportRequest((sandbox.commune.id,), report_kind, period)
    async with ctx.sessions() as session:
        return await build_report(session, ctx.policy, request, now=now)


async def document(sandbox: Sandbox, kind: str, form: str) -> Document:
    """kind: monthly or annual; form: html or docx."""
    built = await _built(sandbox, kind)
    if form == "html":
        from reports.html import render_html

        return Document((await render_html(built)).encode(), "text/html; charset=utf-8")
    from reports.docx import render_docx

    period = built.request.period
    name = f"bao-cao-{FILE_WORDS[kind]}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.docx"
    return Document(await render_docx(built), DOCX, name)
