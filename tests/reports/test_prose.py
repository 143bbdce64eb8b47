"""The report's words come from the data: a ward's month with late, pending, carried-over and
rated cases; an empty period; the commune's and the version's own sections; escaping."""

import io
import zipfile
from datetime import date

import pytest
from docx import Document
from jinja2 import TemplateAssertionError
from jinja2.sandbox import SecurityError
from lxml import etree
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Kind, ReportKind
from reports import formatting as fmt
from reports import sections
from reports.build import ReportRequest, build_report
from reports.docx import render_docx
from reports.html import render_html
from services.cases import tickets
from services.communes import registry as communes
from services.desk.templates import find_category
from services.errors import InvalidInput
from services.people import residents
from services.reporting import placeholders
from services.reporting import settings as report_settings
from services.statistics import periods
from services.statistics.figures import Period, compute
from tests.reports.seeds import POLICY, WARD_NOW, nov, ward_month
from tests.services.statistics.test_figures import NOW as STATISTICS_NOW
from tests.services.statistics.test_figures import _month

NOVEMBER = Period(date(2024, 11, 1), date(2024, 11, 30))
WARD_RESULTS = (
    "Trong tháng 11 năm 2024, UBND phường đã tiếp nhận 10 lượt phản ánh, kiến nghị của người "
    "dân qua Telegram và Điện thoại; cùng với 2 lượt từ kỳ trước chuyển sang, tổng số phản ánh, "
    "kiến nghị phải xử lý là 12 lượt. Tính đến ngày 30/11/2024, UBND phường đã giải quyết 7/11 "
    "lượt, trong đó 4 trước hạn, 1 đúng hạn và 2 quá hạn; còn 4 lượt chưa giải quyết (1 chưa "
    "đến hạn, 3 quá hạn). Trong số đã giải quyết, 1 lượt được chuyển đến cơ quan có thẩm quyền "
    "và 1 lượt không đủ điều kiện thụ lý. Ngoài ra, 1 lượt được người dân rút lại. Tỷ lệ giải "
    "quyết đúng hạn đạt 50,0%. Có 3 lượt người dân đánh giá kết quả giải quyết, tỷ lệ hài lòng "
    "đạt 66,7%."
)


async def test_a_wards_month_in_its_own_words(session: AsyncSession) -> None:
    ward = await ward_month(session)
    assert ward.id is not None
    request = ReportRequest((ward.id,), ReportKind.MONTHLY, NOVEMBER, number="15")
    report = await build_report(session, POLICY, request, now=WARD_NOW)
    assert report.sections["results"] == [
        WARD_RESULTS,
        "Tỷ lệ người dân tham gia phản ánh, kiến nghị của phường chiếm 0,2% tổng số dân trên "
        "địa bàn phường.",
    ]
    assert (
        report.title == "Kết quả tiếp nhận phản ánh, kiến nghị của phường Ba Đình tháng 11 năm 2024"
    )
    assert "(3 lượt quá hạn)" not in report.sections["difficulties"][0]
    assert "(5 lượt quá hạn)" in report.sections["difficulties"][0]  # 2 late + 3 overdue
    channel = {row.key: row for row in report.by_channel}
    assert (channel["telegram"].received, channel["telegram"].carried_over) == (9, 2)
    assert (channel["phone"].pending, channel["phone"].pending_overdue) == (1, 1)
    document = Document(io.BytesIO(await render_docx(report)))
    header = document.tables[0]
    assert [p.text for p in header.cell(0, 0).paragraphs if p.text][1] == "PHƯỜNG BA ĐÌNH"
    assert header.cell(1, 0).paragraphs[0].text == "Số: 15/BC-UBND"
    assert header.cell(1, 1).paragraphs[0].text == "Ba Đình, ngày 02 tháng 12 năm 2024"
    texts = [p.text for p in document.paragraphs]
    assert "Kính gửi: Ủy ban nhân dân Thành phố Hà Nội." in texts
    signature = [p.text for p in document.tables[-1].cell(0, 1).paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]  # the default signer, unnamed
    copies = [p.text for p in document.tables[-1].cell(0, 0).paragraphs if p.text]
    assert copies == ["Nơi nhận:", "- Ủy ban nhân dân Thành phố Hà Nội;", "- Lưu: VT."]


async def test_an_empty_period_and_a_quarter(session: AsyncSession) -> None:
    commune = await communes.add_commune(session, "7060", year=2024)
    assert commune.id is not None
    request = ReportRequest(
        (commune.id,), ReportKind.QUARTERLY, periods.quarter(2024, 3), channels="digital"
    )
    report = await build_report(session, POLICY, request, now=WARD_NOW)
    assert report.sections["results"] == [
        "Trong quý III năm 2024, UBND xã không tiếp nhận phản ánh, kiến nghị nào của người dân "
        "trên các kênh số."
    ]  # and nothing about participation: the population is unknown
    assert report.sections["basis"][0].startswith("UBND xã Thống Nhất báo cáo kết quả")
    assert report.as_json()["breakdown"]["by_channel"] == []
    html = await render_html(report)
    assert "Bảng 1" not in html and "data:image/png;base64," in html


async def test_the_communes_and_the_versions_own_sections(session: AsyncSession) -> None:
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    assert commune.id is not None
    await report_settings.set_section(
        session, commune.id, "direction", "{{ ubnd_full }} chỉ đạo: {{ received }} lượt."
    )
    await report_settings.set_section(session, commune.id, "proposals", "Của xã.")
    request = ReportRequest(
        (commune.id,),
        ReportKind.ANNUAL,
        periods.annual(2024),
        sections={"proposals": "Dòng một {{ period }}.\n\nDòng hai."},
    )
    report = await build_report(session, POLICY, request, now=WARD_NOW)
    assert report.sections["direction"] == ["UBND xã Thống Nhất chỉ đạo: 0 lượt."]
    assert report.sections["proposals"] == ["Dòng một năm 2024.", "Dòng hai."]
    with pytest.raises(InvalidInput, match="unknown section"):
        await build_report(
            session, POLICY, ReportRequest((commune.id,), ReportKind.ANNUAL,
                                           periods.annual(2024), sections={"intro": "x"}),
            now=WARD_NOW,
        )  # fmt: skip


def test_checking_a_section_before_it_is_saved() -> None:
    placeholders.check("{{ in_period }}, {{ ubnd }} đã giải quyết {{ answered }}/{{ to_answer }}.")
    for text, problem in (
        ("{% if received %}chưa đóng", "tag"),
        ("{{ recieved }} lượt", "unknown"),
        ("{{ received|nofilter }}", "not_a_name"),
        ("{{ received.__class__.__mro__ }}", "not_a_name"),
        ("{{ 'x' * 100000000 }}", "not_a_name"),
        ("{{ 7 ** 10000000 }}", "not_a_name"),
        ("Kết quả {{ received", "unclosed"),
    ):
        with pytest.raises(placeholders.SectionTextRefused) as refused:
            placeholders.check(text)
        assert refused.value.problem == problem, text


def test_the_default_sections_run_in_a_bounded_sandbox() -> None:
    for name in sections.SECTIONS:
        sections.check_default(sections.default(name))
    with pytest.raises(SecurityError, match="too long"):
        sections.check_default("{{ 'x' * 100000000 }}")
    with pytest.raises(SecurityError, match="power"):
        sections.check_default("{{ 7 ** 10000000 }}")
    with pytest.raises(SecurityError, match="formatting"):
        sections.check_default("{{ '%0999999999d' % 1 }}")
    with pytest.raises(TemplateAssertionError, match="center"):
        sections.check_default("{{ 'a'|center(10**9) }}")
    with pytest.raises(InvalidInput, match="unknown variable"):
        sections.check_default("{{ recieved }}")


async def test_names_from_the_data_are_escaped(session: AsyncSession) -> None:
    nasty = '<b>&"{{ 7*7 }}'
    commune = await communes.add_commune(session, "7060", year=2024)
    assert commune.id is not None
    category = await find_category(session, commune.id, "khac")
    category.name = nasty
    session.add(category)
    await session.commit()
    await report_settings.add_superior(session, commune.id, f"Sở {nasty}")
    await report_settings.update_settings(session, commune.id, signer_name=f"Ông {nasty}\x07")
    person = await residents.get_or_create_by_telegram(session, 1, full_name="A", username=None)
    await tickets.submit_ticket(
        session,
        commune=commune,
        resident=person,
        policy=POLICY,
        now=WARD_NOW,
        draft=tickets.TicketDraft(
            kind=Kind.REPORT,
            category_id=category.id,
            text="Đèn đường hỏng",
            received_at=nov(4),
            channel=Channel.ZALO,
        ),
    )
    request = ReportRequest(
        (commune.id,), ReportKind.MONTHLY, NOVEMBER, sections={"closing": "Gửi {{ superior }}."}
    )
    report = await build_report(session, POLICY, request, now=WARD_NOW)
    data = await render_docx(report)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        etree.fromstring(package.read("word/document.xml"))  # well-formed
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    cells = [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    assert f"Kính gửi: Sở {nasty}." in texts and f"Gửi Sở {nasty}." in texts
    assert any(f"{nasty} (1 lượt)" in text for text in texts)  # the situation's categories
    assert nasty in cells and f"Ông {nasty}" in cells  # the table, the signer (no \x07)
    assert "49" not in "\n".join(texts + cells)  # nothing was evaluated
    html = await render_html(report)
    assert nasty not in html and "&lt;b&gt;&amp;&#34;{{ 7*7 }}" in html
    assert "Ông &lt;b&gt;" in html and "49" not in html.split("<body>")[1].split("base64,")[0]


async def test_the_tables_add_up_to_the_statistics(session: AsyncSession) -> None:
    commune = await _month(session)
    assert commune.id is not None
    report = await build_report(
        session,
        POLICY,
        ReportRequest((commune.id,), ReportKind.MONTHLY, NOVEMBER),
        now=STATISTICS_NOW,
    )
    stats = await compute(session, POLICY, [commune.id], NOVEMBER, now=STATISTICS_NOW)
    for rows in (report.by_channel, report.by_category):
        for key in ("received", "carried_over", "answered", "early", "on_time", "late"):
            assert sum(getattr(row, key) for row in rows) == getattr(stats, key), key
        assert sum(row.pending for row in rows) == stats.pending_not_due + stats.pending_overdue
        assert sum(row.pending_overdue for row in rows) == stats.pending_overdue
    assert report.answered_by_month == {"2024-11": stats.answered}


def test_vietnamese_formats() -> None:
    from decimal import Decimal

    assert fmt.number(1297) == "1.297" and fmt.percent(Decimal("6.2")) == "6,2%"
    assert fmt.percent(None) == "" and fmt.short_date(date(2024, 6, 30)) == "30/06/2024"
    assert fmt.long_date(date(2024, 12, 6)) == "ngày 06 tháng 12 năm 2024"
    assert fmt.long_date(date(2024, 2, 19)) == "ngày 19 tháng 02 năm 2024"
    assert fmt.long_date(date(2024, 6, 19)) == "ngày 19 tháng 6 năm 2024"
    words = {
        ReportKind.ANNUAL: periods.annual(2024),
        ReportKind.MONTHLY: periods.month(2024, 11),
        ReportKind.QUARTERLY: periods.quarter(2024, 3),
        ReportKind.HALF_YEAR: periods.first_months(2024, 6),
        ReportKind.NINE_MONTHS: periods.first_months(2024, 9),
        ReportKind.RANGE: periods.between(date(2024, 1, 1), date(2024, 6, 30)),
    }
    assert {kind: fmt.period_words(kind, period) for kind, period in words.items()} == {
        ReportKind.ANNUAL: "năm 2024",
        ReportKind.MONTHLY: "tháng 11 năm 2024",
        ReportKind.QUARTERLY: "quý III năm 2024",
        ReportKind.HALF_YEAR: "6 tháng đầu năm 2024",
        ReportKind.NINE_MONTHS: "9 tháng đầu năm 2024",
        ReportKind.RANGE: "từ ngày 01/01/2024 đến ngày 30/06/2024",
    }
    shifted = periods.quarter(2025, 1, "12-15")  # 15/12/2024 – 14/03/2025
    assert fmt.period_words(ReportKind.QUARTERLY, shifted, "12-15") == "quý I năm 2025"
    assert fmt.join_vi(["a", "b", "c"]) == "a, b và c"


async def test_several_communes_in_one_report(session: AsyncSession) -> None:
    first = await communes.add_commune(session, "7060", year=2024, population=1000)
    ward = await communes.add_commune(session, "00004", year=2024, population=3000)
    assert first.id is not None and ward.id is not None
    request = ReportRequest((first.id, ward.id), ReportKind.ANNUAL, periods.annual(2024))
    report = await build_report(session, POLICY, request, now=WARD_NOW)
    assert report.title.endswith("của xã Thống Nhất và phường Ba Đình năm 2024")
    assert report.statistics.population == 4000
    assert [c["code"] for c in report.as_json()["report"]["communes"]] == ["07060", "00004"]
    assert report.sections["basis"][0].startswith("UBND xã Thống Nhất và phường Ba Đình")
    document = Document(io.BytesIO(await render_docx(report)))
    issuer = [p.text for p in document.tables[0].cell(0, 0).paragraphs if p.text]
    assert issuer == ["ỦY BAN NHÂN DÂN", "XÃ THỐNG NHẤT"]  # the first commune's header
