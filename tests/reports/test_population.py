"""The share of residents taking part when the report's year has no population: the nearest
year's figure, named in the document; none at all, no share (never one of part of it)."""

import io

from docx import Document
from sqlalchemy import delete
from sqlmodel.ext.asyncio.session import AsyncSession

from models import CommunePopulation, ReportKind
from reports.build import ReportRequest, build_report
from reports.docx import render_docx
from reports.summary import lines as summary_lines
from services.communes import registry as communes
from tests.reports.seeds import POLICY, WARD_NOW, ward_month
from tests.reports.test_prose import NOVEMBER

SHARE = (
    "Tỷ lệ người dân tham gia phản ánh, kiến nghị của phường chiếm 0,2% tổng số dân trên "
    "địa bàn phường (tính theo số dân năm 2025)."
)


async def test_a_later_years_population_is_used_and_named(session: AsyncSession) -> None:
    ward = await ward_month(session)
    assert ward.id is not None
    await session.exec(delete(CommunePopulation))  # type: ignore[call-overload]
    await communes.set_population(session, ward, year=2026, population=9000)
    await communes.set_population(session, ward, year=2025, population=5000)
    request = ReportRequest((ward.id,), ReportKind.MONTHLY, NOVEMBER)
    report = await build_report(session, POLICY, request, now=WARD_NOW)
    assert (report.statistics.population, report.statistics.population_year) == (5000, 2025)
    assert report.sections["results"][-1] == SHARE
    document = Document(io.BytesIO(await render_docx(report)))
    assert SHARE in [p.text for p in document.paragraphs]
    assert any(line.endswith("dân số (số dân năm 2025).") for line in summary_lines(report))
    assert report.as_json()["statistics"]["population_year"] == 2025


async def test_no_population_at_all_shows_no_share(session: AsyncSession) -> None:
    ward = await ward_month(session)
    assert ward.id is not None
    await session.exec(delete(CommunePopulation))  # type: ignore[call-overload]
    request = ReportRequest((ward.id,), ReportKind.MONTHLY, NOVEMBER)
    report = await build_report(session, POLICY, request, now=WARD_NOW)
    assert report.statistics.participants and report.statistics.participation_share is None
    assert not any("tổng số dân" in text for text in report.sections["results"])
