"""Parts of the report that are there only when the data (or the commune) has something to
say: "no complaint about administrative rules or acts", as seed 000 writes it, and section 4
"Đề xuất, kiến nghị", left out when it is empty."""

import io

from docx import Document
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Kind, ReportKind
from reports.build import BuiltReport, ReportRequest, build_report
from reports.docx import render_docx
from reports.html import render_html
from services.cases import tickets
from services.desk.templates import find_category
from services.people import residents
from tests.reports.seeds import POLICY, WARD_NOW, nov, ward_month
from tests.reports.test_prose import NOVEMBER

NONE_ADMINISTRATIVE = (
    "Trong tháng 11 năm 2024, UBND phường không nhận được phản ánh, kiến nghị của người dân "
    "về quy định hành chính, hành vi hành chính."
)
PROPOSALS = "4. Đề xuất, kiến nghị:"


async def _report(session: AsyncSession, ward_id: int, **own: str) -> BuiltReport:
    request = ReportRequest((ward_id,), ReportKind.MONTHLY, NOVEMBER, sections=own)
    return await build_report(session, POLICY, request, now=WARD_NOW)


async def _texts(report: BuiltReport) -> list[str]:
    document = Document(io.BytesIO(await render_docx(report)))
    return [p.text for p in document.paragraphs]


async def test_no_administrative_case_is_said_and_one_is_not_hidden(
    session: AsyncSession,
) -> None:
    ward = await ward_month(session)
    assert ward.id is not None
    report = await _report(session, ward.id)
    assert report.sections["situation"][-1] == NONE_ADMINISTRATIVE
    assert NONE_ADMINISTRATIVE in await _texts(report)
    assert NONE_ADMINISTRATIVE in await render_html(report)

    field = await find_category(session, ward.id, "thu_tuc_hanh_chinh")
    person = await residents.get_or_create_by_telegram(session, 900, full_name="Q", username=None)
    await tickets.submit_ticket(
        session, commune=ward, resident=person, policy=POLICY, now=WARD_NOW,
        draft=tickets.TicketDraft(kind=Kind.REPORT, category_id=field.id, text="Thủ tục chậm",
                                  received_at=nov(21), channel=Channel.TELEGRAM),
    )  # fmt: skip
    report = await _report(session, ward.id)
    assert not any("hành vi hành chính" in text for text in report.sections["situation"])
    assert report.statistics.received_by_category["Thủ tục hành chính"] == 1


async def test_section_4_is_left_out_when_empty(session: AsyncSession) -> None:
    ward = await ward_month(session)
    assert ward.id is not None
    with_proposals = await _report(session, ward.id)
    assert PROPOSALS in await _texts(with_proposals)
    assert PROPOSALS in await render_html(with_proposals)
    without = await _report(session, ward.id, proposals="-")
    texts = await _texts(without)
    assert without.sections["proposals"] == [] and PROPOSALS not in texts
    assert "3. Hạn chế, khó khăn:" in texts and texts.count("-") == 0
    assert PROPOSALS not in await render_html(without)
