"""The cases file: an export opened back with openpyxl; an import that checks every row
first, imports nothing when one is bad, and nothing new when run again; and an export
imported into an empty database giving the same report."""

import io
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Channel,
    Commune,
    EventKind,
    Kind,
    Notification,
    Rating,
    RejectReason,
    Role,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import follow_up, tickets
from services.cases_file import export as case_export
from services.cases_file.importer import import_cases
from services.communes import registry as communes
from services.database.engine import create_engine_for, is_sqlite, session_factory
from services.desk import actions as desk
from services.desk.templates import find_category
from services.people import residents, staff
from services.statistics.figures import Period, compute
from tests.cli.test_main import run
from tests.conftest import _wipe_postgres

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))
HEADER = (
    "Mã hồ sơ,Kênh tiếp nhận,Loại,Lĩnh vực,Thôn/Tổ dân phố,Thời điểm tiếp nhận,"
    "Thời điểm tiếp nhận xử lý,Thời điểm trả lời/đóng,Trạng thái,Đánh giá,Mã người dân,Nội dung"
)
GOOD = [
    "PA24-0007,Trực tiếp,Phản ánh,Đất đai,Thôn Yên Phú,04/11/2024 09:30,04/11/2024 10:00,"
    "18/11/2024 15:00,Đã giải quyết,Hài lòng,ho-001,Lấn chiếm đất công ở đầu thôn",
    "PA24-0012,phone,kiến nghị,giao thông,,05/11/2024,,,Mới tiếp nhận,,ho-001,Xin làm đường",
    'PA24-0030,Zalo,Hỏi đáp,Khác,thôn yên phú,20/11/2024 08:00,,,Mới tiếp nhận,,,"Hỏi, đáp"',
]
BAD = [
    "PA24-0031,Zalo2,Phản ánh,Khác,,21/11/2024,,,Mới tiếp nhận,,,",
    "PA24-0032,Zalo,Phản ánh,Khác,,31/11/2024,,,Mới tiếp nhận,,,",
    "PA24-0033,Zalo,Phản ánh,Khác,,21/11/2024,,,Đã giải quyết,,,",
    "PA24-0007,Zalo,Phản ánh,Khác,Thôn Mới,21/11/2024,,,Mới tiếp nhận,,,",
]


def d(day: int, month: int = 11, year: int = 2024, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN)


async def _commune(session: AsyncSession) -> Commune:
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    await communes.add_village(session, commune, "Thôn Yên Phú")
    return commune


def _write(path: Path, lines: list[str], bom: bool = False) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


async def _import(session: AsyncSession, commune: Commune, path: Path, **options: bool):  # type: ignore[no-untyped-def]
    return await import_cases(session, POLICY, commune, path, now=NOW, **options)


async def _count(session: AsyncSession, model: type) -> int:
    return int((await session.exec(select(func.count()).select_from(model))).one())


@pytest.mark.parametrize("bom", [False, True])
async def test_a_file_with_bad_rows_imports_nothing(
    session: AsyncSession, tmp_path: Path, bom: bool
) -> None:
    commune = await _commune(session)
    path = _write(tmp_path / "so.csv", GOOD + BAD, bom)
    result = await _import(session, commune, path)
    assert not result.written and result.imported == 0 and result.rows == 7
    problems = [(e.line, e.problem, e.column, e.value) for e in result.errors]
    assert problems == [
        (5, "unknown", "Kênh tiếp nhận", "Zalo2"),
        (6, "bad_date", "Thời điểm tiếp nhận", "31/11/2024"),
        (7, "needs", "Thời điểm trả lời/đóng", "Đã giải quyết"),
        (8, "duplicate_code", "Mã hồ sơ", "PA24-0007"),
        (8, "unknown", "Thôn/Tổ dân phố", "Thôn Mới"),
    ]
    assert "Telegram" in result.errors[0].detail and "Trực tiếp" in result.errors[0].detail
    assert await _count(session, Ticket) == 0

    partial = await _import(session, commune, path, partial=True, dry_run=True)
    assert (partial.imported, partial.written) == (3, False)
    assert await _count(session, Ticket) == 0


async def test_good_rows_are_imported_once_with_their_history(
    session: AsyncSession, tmp_path: Path
) -> None:
    commune = await _commune(session)
    path = _write(tmp_path / "so.csv", GOOD, bom=True)
    first = await _import(session, commune, path)
    assert (first.written, first.imported, first.skipped, first.errors) == (True, 3, 0, [])
    again = await _import(session, commune, path)
    assert (again.imported, again.skipped) == (0, 3)
    rows = (await session.exec(select(Ticket).order_by(col(Ticket.seq)))).all()
    assert [t.code for t in rows] == ["PA24-0007", "PA24-0012", "PA24-0030"]
    done, phoned, asked = rows
    assert done.status is TicketStatus.RESOLVED and done.rating is Rating.SATISFIED
    assert done.text == "Lấn chiếm đất công ở đầu thôn" and done.channel is Channel.IN_PERSON
    assert done.received_at == d(4, hour=9).replace(minute=30)
    assert done.resolve_due_at.astimezone(VN).date() == date(2024, 11, 18)  # computed
    assert phoned.kind is Kind.PROPOSAL and phoned.resident_id == done.resident_id
    assert asked.village_id == done.village_id and asked.resident_id is None
    history = (
        await session.exec(
            select(TicketEvent.kind).where(TicketEvent.ticket_id == done.id).order_by("id")
        )
    ).all()
    assert history == [
        EventKind.CREATED,
        EventKind.ACKNOWLEDGED,
        EventKind.RESOLVED,
        EventKind.RATED,
    ]
    assert await _count(session, Notification) == 0  # nobody is messaged
    resident = await residents.get_or_create_by_telegram(session, 5, full_name="Hoa", username=None)
    new = await tickets.submit_ticket(
        session,
        commune=commune,
        resident=resident,
        policy=POLICY,
        now=NOW,
        draft=tickets.TicketDraft(
            Kind.REPORT, None, "Đèn đường bị hỏng rồi", d(25), Channel.TELEGRAM
        ),
    )
    assert new.code == "PA24-0031"  # past the imported codes


async def _a_year(session: AsyncSession) -> Commune:
    commune = await _commune(session)
    assert commune.id is not None
    village = (await communes.list_villages(session, commune.id))[0]
    land = await find_category(session, commune.id, "dat_dai")
    officer = await staff.add_staff(session, commune, telegram_id=1, role=Role.OFFICER, name="Lan")
    people = [
        await residents.get_or_create_by_telegram(
            session, 100 + i, full_name=f"R{i}", username=None
        )
        for i in range(5)
    ]

    async def file(n: int, at: datetime, **extra):  # type: ignore[no-untyped-def]
        draft = tickets.TicketDraft(
            kind=extra.get("kind", Kind.REPORT),
            category_id=extra.get("category", land.id),
            text=f"Phản ánh số {n}, có dấu “ngoặc” và dấu phẩy",
            received_at=at,
            channel=extra.get("channel", Channel.TELEGRAM),
            village_id=extra.get("village"),
        )
        return await tickets.submit_ticket(
            session, commune=commune, resident=people[n % 5], draft=draft, policy=POLICY, now=NOW
        )

    t1 = await file(1, d(4), village=village.id)
    await desk.acknowledge(session, t1, officer, at=d(4, hour=10), now=NOW)
    await desk.close(session, t1, officer, "Xong", at=d(18), now=NOW)
    await follow_up.rate(session, t1, people[1], Rating.VERY_SATISFIED, at=d(19))
    t2 = await file(2, d(5), kind=Kind.PROPOSAL, channel=Channel.PHONE)
    await desk.close(session, t2, officer, "Xong", at=d(25), now=NOW)
    t3 = await file(3, d(6))
    await desk.forward(session, t3, officer, "Tòa án", None, at=d(8), now=NOW)
    t4 = await file(4, d(7))
    await desk.reject(session, t4, officer, RejectReason.ANONYMOUS, None, at=d(21), now=NOW)
    t5 = await file(5, d(11))
    await follow_up.withdraw(session, t5, people[0], at=d(12), now=NOW)
    t6 = await file(6, d(12))
    await desk.merge(session, t6, officer, t1, at=d(13), now=NOW)
    t7 = await file(7, d(1, 12))
    await desk.acknowledge(session, t7, officer, at=d(2, 12), now=NOW)
    await file(8, d(20, 12))  # open, not yet due at the year's end
    await file(9, d(2, 3), channel=Channel.ZALO)  # open and overdue
    return commune


async def test_an_export_imported_into_an_empty_database_gives_the_same_report(
    session: AsyncSession, migrated_url: str, tmp_path: Path
) -> None:
    commune = await _a_year(session)
    assert commune.id is not None
    before = await compute(session, POLICY, [commune.id], YEAR, now=NOW)
    data = await case_export.export_cases(
        session, POLICY, commune, YEAR, "xlsx", with_text=True, now=NOW
    )
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:3] == ["Mã hồ sơ", "Kênh tiếp nhận", "Loại"] and len(table) == 10
    first = dict(zip(table[0], table[1], strict=True))
    assert first["Mã hồ sơ"] == "PA24-0009" and first["Kênh tiếp nhận"] == "Zalo"
    assert first["Trạng thái"] == "Mới tiếp nhận" and first["Kết quả"] == "Quá hạn"
    assert first["Thời điểm tiếp nhận"] == d(2, 3).replace(tzinfo=None)
    done = dict(zip(table[0], table[2], strict=True))
    assert (done["Đánh giá"], done["Kết quả"], done["Số ngày làm việc"]) == (
        "Rất hài lòng",
        "Đúng hạn",
        10,
    )
    assert done["Nội dung"].startswith("Phản ánh số 1") and len(done["Mã người dân"]) == 32
    (tmp_path / "so.xlsx").write_bytes(data)
    csv_text = (
        await case_export.export_cases(session, POLICY, commune, YEAR, "csv", now=NOW)
    ).decode("utf-8-sig")
    assert "Nội dung" not in csv_text and "02/03/2024 09:00" in csv_text

    await session.close()
    if is_sqlite(migrated_url):
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), tmp_path / "empty.db")
    else:
        _wipe_postgres(migrated_url)
        url = migrated_url
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as empty:
            again = await _commune(empty)
            result = await import_cases(empty, POLICY, again, tmp_path / "so.xlsx", now=NOW)
            assert (result.imported, result.errors) == (9, [])
            assert again.id is not None
            after = await compute(empty, POLICY, [again.id], YEAR, now=NOW)
    finally:
        await engine.dispose()
    assert after.participants == before.participants == 5
    assert (after.received, after.answered, after.pending_overdue) == (9, 4, 2)
    assert after.as_dict() == before.as_dict()


async def test_the_commands_as_an_it_person_runs_them(
    session: AsyncSession, database_url: str, tmp_path: Path
) -> None:
    commune = await _a_year(session)
    await session.close()
    out = tmp_path / "so-2024.csv"
    exported = run(
        *("export", "cases", "--commune", "7060", "--from", "2024-01-01", "--to", "2024-12-31"),
        *("--out", str(out), "--with-text"),
        database_url=database_url,
    )
    assert exported.returncode == 0, exported.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("Mã hồ sơ,Kênh tiếp nhận") and "Phản ánh số 1" in text
    bad = run(
        *("import", "cases", str(_write(tmp_path / "bad.csv", GOOD + BAD))),
        *("--commune", "7060"),
        database_url=database_url,
    )
    assert bad.returncode == 1
    assert "dòng 5: Kênh tiếp nhận “Zalo2” không có; dùng: Telegram, Zalo" in bad.stderr
    assert "dòng 6: Thời điểm tiếp nhận “31/11/2024” không phải ngày" in bad.stderr
    assert "Chưa nhập hồ sơ nào" in bad.stderr
    good = _write(tmp_path / "good.csv", GOOD)  # PA24-0007 is already there
    dry = run(
        "import", "cases", str(good), "--commune", "7060", "--dry-run", database_url=database_url
    )
    assert dry.returncode == 0, dry.stderr
    assert "Sẽ nhập 2 hồ sơ." in dry.stdout and "1 hồ sơ đã có" in dry.stdout
    done = run("import", "cases", str(good), "--commune", "7060", database_url=database_url)
    assert "Đã nhập 2 hồ sơ." in done.stdout and "đã ghi 2/2 hồ sơ" in done.stderr
    assert commune.id is not None
