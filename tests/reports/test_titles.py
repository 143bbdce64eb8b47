"""The subject line as a person sets it: an annual period that is not the calendar year says
its dates, and the title breaks before "của xã …" and "(từ ngày …)", never leaving
"năm 2024" alone on a line (in the .docx, the printed PDF and the HTML)."""

import asyncio
import io
import subprocess
from pathlib import Path

from docx import Document
from sqlmodel.ext.asyncio.session import AsyncSession

from models import ReportKind
from reports.build import BuiltReport, ReportRequest, build_report
from reports.docx import render_docx
from reports.html import render_html
from reports.pdf import render_pdf
from services.communes import registry as communes
from services.statistics import periods
from tests.reports.seeds import POLICY, SEED_NOW
from tests.reports.test_build import _soffice_or_skip

LINES = [
    "Kết quả tiếp nhận phản ánh, kiến nghị",
    "của xã Thống Nhất năm 2024",
    "(từ ngày 15/12/2023 đến ngày 14/12/2024)",
]


async def _sector_year(session: AsyncSession) -> BuiltReport:
    commune = await communes.add_commune(session, "7060", year=2024)
    await communes.update_commune(session, commune, report_year_start="12-15")
    assert commune.id is not None
    period = periods.annual(2024, "12-15")
    request = ReportRequest((commune.id,), ReportKind.ANNUAL, period)
    return await build_report(session, POLICY, request, now=SEED_NOW)


async def test_a_sector_year_says_its_dates_in_a_title_broken_by_sense(
    session: AsyncSession,
) -> None:
    report = await _sector_year(session)
    assert report.title == " ".join(LINES)
    assert report.sections["basis"][0].endswith(
        "năm 2024 (từ ngày 15/12/2023 đến ngày 14/12/2024) như sau:"
    )
    document = Document(io.BytesIO(await render_docx(report)))
    texts = [p.text.replace("\u00a0", " ") for p in document.paragraphs]
    assert texts[texts.index("BÁO CÁO") + 1].split("\n") == LINES
    page = (await render_html(report)).replace("\u00a0", " ")
    assert "<br>".join(LINES) in page


async def test_the_printed_title_never_leaves_the_year_alone(
    session: AsyncSession, tmp_path: Path
) -> None:
    _soffice_or_skip()
    pdf = await render_pdf(await render_docx(await _sector_year(session)))
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    text = await asyncio.to_thread(
        subprocess.run, ["pdftotext", "-layout", str(source), "-"], capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    lines = [line.strip() for line in text.stdout.splitlines() if line.strip()]
    title = lines.index("BÁO CÁO") + 1
    assert lines[title : title + 3] == LINES
