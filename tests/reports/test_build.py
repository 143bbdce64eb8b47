"""Seed 000 rebuilt from data: the figures, the wording of its section 2, and the .docx, HTML
and PDF an office files. The year of cases is built once for the module."""

import asyncio
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from models import ReportKind
from reports.build import BuiltReport, ReportRequest, build_report
from reports.docx import render_docx
from reports.html import render_html
from reports.pdf import render_pdf
from reports.summary import lines as summary_lines
from services.database.engine import create_engine_for, is_sqlite, session_factory
from services.statistics.figures import Period
from tests.conftest import _wipe_postgres
from tests.reports.seeds import POLICY, SEED_CASES, SEED_NOW, seed_000

RESULTS = (
    "Đối với các kênh thông tin số, UBND xã đã tiếp nhận 762 lượt",
    "Qua phản ánh, 762/762 góp ý của người dân đều đã được UBND xã tiếp thu và chỉ đạo xử lý "
    "kịp thời, đến nay không còn tồn đọng các góp ý, kiến nghị chưa giải quyết.",
)
PARTICIPATION = (
    "Tỷ lệ người dân tham gia phản ánh, kiến nghị trên các nền tảng số của xã chiếm 6,2% "
    "tổng số dân trên địa bàn xã."
)


@dataclass
class Built:
    report: BuiltReport
    on_time: int
    docx: bytes
    html: str


async def _build(url: str) -> Built:
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            seed = await seed_000(session)
            assert seed.commune.id is not None
            request = ReportRequest(
                commune_ids=(seed.commune.id,),
                kind=ReportKind.ANNUAL,
                period=Period(date(2024, 1, 1), date(2024, 12, 31)),
                channels="digital",
            )
            report = await build_report(session, POLICY, request, now=SEED_NOW)
    finally:
        await engine.dispose()
    docx, html = await asyncio.gather(render_docx(report), render_html(report))
    return Built(report, seed.on_time, docx, html)


@pytest.fixture(scope="module")
def seed(migrated_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    if is_sqlite(migrated_url):
        target = tmp_path_factory.mktemp("seed000") / "seed.db"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), target)
        url = f"sqlite:///{target}"
    else:
        _wipe_postgres(migrated_url)
        url = migrated_url
    yield asyncio.run(_build(url))


def test_the_figures_of_seed_000(seed: Built) -> None:
    data = seed.report.as_json()
    stats = data["statistics"]
    assert data["schema"] == 1 and data["report"]["type"] == "annual"
    assert data["report"]["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert data["report"]["generated_at"].startswith("2024-12-06T09:00:00")
    assert data["report"]["communes"] == [
        {"code": "07060", "name": "Xã Thống Nhất", "province": "Quảng Ninh"}
    ]
    assert (stats["received"], stats["carried_over"], stats["answered"]) == (762, 0, 762)
    assert (stats["pending_not_due"], stats["pending_overdue"], stats["late"]) == (0, 0, 0)
    assert (stats["early"], stats["on_time"]) == (SEED_CASES - seed.on_time, seed.on_time)
    assert stats["participants"] == 762 and stats["population"] == 12290
    assert stats["participation_share"] == "6.2" and stats["on_time_rate"] == "100.0"
    assert sum(stats["received_by_channel"].values()) == 762
    breakdown = data["breakdown"]
    assert sum(row["received"] for row in breakdown["by_channel"]) == 762
    assert sum(row["answered"] for row in breakdown["by_category"]) == 762
    assert sum(breakdown["answered_by_month"].values()) == 762
    assert data["report"]["title"] == (
        "Kết quả tiếp nhận phản ánh, kiến nghị trên các kênh số của xã Thống Nhất năm 2024"
    )


def test_section_2_says_what_seed_000_says(seed: Built) -> None:
    results = seed.report.sections["results"]
    assert len(results) == 2
    assert results[0].startswith(RESULTS[0]) and results[0].endswith(" " + RESULTS[1])
    assert results[1] == PARTICIPATION
    lines = summary_lines(seed.report)
    assert any("762/762" in line for line in lines) and any("6,2%" in line for line in lines)


def _texts(document: Document) -> list[str]:  # type: ignore[valid-type]
    found = [p.text for p in document.paragraphs]  # type: ignore[attr-defined]
    for table in document.tables:  # type: ignore[attr-defined]
        for row in table.rows:
            for cell in row.cells:
                found.extend(p.text for p in cell.paragraphs)
    return found


def test_the_docx_is_laid_out_as_an_office_files_it(seed: Built) -> None:
    document = Document(io.BytesIO(seed.docx))
    section = document.sections[0]
    mm = {
        name: round(getattr(section, name).mm)
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "bottom_margin",
            "left_margin",
            "right_margin",
        )
    }
    assert (mm["page_width"], mm["page_height"]) == (210, 297)
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{k}") for k in ("eastAsia", "cs")} == {
        "Times New Roman"
    }

    header = document.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN", "XÃ THỐNG NHẤT"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(run.bold for p in header.cell(0, 0).paragraphs for run in p.runs)
    motto = header.cell(0, 1).paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    assert header.cell(1, 0).paragraphs[0].text == "Số:      /BC-UBND"
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == "Thống Nhất, ngày 06 tháng 12 năm 2024"
    assert all(run.italic for run in date_line.runs)

    paragraphs = [p.text.replace("\u00a0", " ") for p in document.paragraphs]
    title = "Kết quả tiếp nhận phản ánh, kiến nghị trên các kênh số\ncủa xã Thống Nhất năm 2024"
    assert paragraphs[paragraphs.index("BÁO CÁO") + 1] == title  # broken where a person would
    to = paragraphs.index("Kính gửi:\t- Ủy ban nhân dân thành phố Hạ Long;")
    assert paragraphs[to + 1] == "- Phòng Văn hóa thông tin thành phố Hạ Long."
    assert paragraphs[to + 2 :].index("1. Công tác chỉ đạo, điều hành:") > 0
    results = paragraphs.index(PARTICIPATION) - 1
    assert paragraphs[results].startswith(RESULTS[0]) and paragraphs[results].endswith(RESULTS[1])
    for heading in ("2. Tình hình và kết quả cụ thể:", "3. Hạn chế, khó khăn:"):
        assert heading in paragraphs
    assert "4. Đề xuất, kiến nghị:" in paragraphs
    assert paragraphs[-1] == "" or any(p.startswith("Trên đây là báo cáo") for p in paragraphs)

    channels = document.tables[1]
    total = [cell.text for cell in channels.rows[-1].cells]
    assert total[1] == "Tổng cộng" and total[2] == "762" and total[4] == "762"
    assert {row.cells[1].text for row in channels.rows[2:-1]} == {
        "Telegram", "Zalo", "Cổng thông tin điện tử", "Facebook"
    }  # fmt: skip

    end = document.tables[-1]
    copies = [p.text for p in end.cell(0, 0).paragraphs if p.text]
    assert copies == [
        "Nơi nhận:",
        "- UBND TP Hạ Long;",
        "- TT Đảng ủy, HĐND, UBND xã;",
        "- Lưu: VT, VP-TK, 01.",
    ]
    label = end.cell(0, 0).paragraphs[0].runs[0]
    assert label.bold and label.italic
    signature = [p.text for p in end.cell(0, 1).paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Ngô Xuân Mạnh"]
    assert all(r.bold for p in end.cell(0, 1).paragraphs for r in p.runs)


def test_the_html_page(seed: Built) -> None:
    html = seed.html
    assert html.startswith("<!DOCTYPE html>") and "size: A4" in html
    assert "Times New Roman" in html and "XÃ THỐNG NHẤT" in html and "6,2%" in html
    assert RESULTS[1] in html and PARTICIPATION in html
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in html
    assert "Ngô Xuân Mạnh" in html and "Thống Nhất, ngày 06 tháng 12 năm 2024" in html


def _soffice_or_skip() -> None:
    if shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    reason = "LibreOffice (soffice) and poppler-utils are needed for the PDF"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: not skipping)")
    pytest.skip(reason)


def _read_pdf(pdf: bytes, folder: Path) -> tuple[str, list[Path]]:
    """pdftotext's text, and pages 1 and 2 as PNG at 80 dpi."""
    source = folder / "report.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(source), str(folder / "p")],
        check=True,
    )
    pages = sorted(folder.glob("p-*.png"))
    preview = os.environ.get("REPORT_PREVIEW_DIR")  # to look at the pages yourself
    if preview:
        for number, page in enumerate(pages, start=1):
            shutil.copy(page, Path(preview) / f"report-page{number}.png")
    return text, pages


async def test_the_pdf(seed: Built, tmp_path: Path) -> None:
    _soffice_or_skip()
    pdf = await render_pdf(seed.docx)
    assert pdf.startswith(b"%PDF")
    text, pages = await asyncio.to_thread(_read_pdf, pdf, tmp_path)
    assert "BÁO CÁO" in text and "6,2%" in text and "Ngô Xuân Mạnh" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert pages and pages[0].stat().st_size > 10_000
