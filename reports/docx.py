"""The report as a .docx: templates/report.docx (scripts/make_report_template.py) filled
by docxtpl with every value escaped, so names from the data appear as written and are
never read as XML or as template code."""

import asyncio
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reports.context import document_context

if TYPE_CHECKING:
    from reports.build import BuiltReport

TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.docx"


def _render(report: "BuiltReport") -> bytes:
    from docxtpl import DocxTemplate  # python-docx and lxml: ~10 MB, only for a report
    from jinja2 import Environment

    template = DocxTemplate(str(TEMPLATE))
    template.render(document_context(report), jinja_env=Environment(), autoescape=True)
    buffer = BytesIO()
    template.save(buffer)
    return buffer.getvalue()


async def render_docx(report: "BuiltReport") -> bytes:
    return await asyncio.to_thread(_render, report)
