"""The report as a printable HTML page (A4, Times New Roman): the .docx's content, plus a
chart of cases received and answered per month embedded as a data: URI. Autoescaped."""

import asyncio
import base64
from functools import cache
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reports.chart import monthly_png
from reports.context import document_context
from reports.docx import TEMPLATE

if TYPE_CHECKING:
    from reports.build import BuiltReport

HEADINGS = {
    "direction": "1. Công tác chỉ đạo, điều hành:",
    "situation": "2. Tình hình và kết quả cụ thể:",
    "difficulties": "3. Hạn chế, khó khăn:",
    "proposals": "4. Đề xuất, kiến nghị:",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE.parent),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


async def render_html(report: "BuiltReport") -> str:
    png = await asyncio.to_thread(
        monthly_png,
        report.request.period,
        report.statistics.received_by_month,
        report.answered_by_month,
    )
    context = document_context(report)
    context["chart"] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    context["headings"] = HEADINGS
    return _environment().get_template("report.html.j2").render(context)
