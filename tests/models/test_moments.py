"""The moments' integer twins (models/moments.py), which the statistics read: the database
keeps them equal to the timestamps whoever writes the ticket — the services (ORM and Core
UPDATEs), the import, raw SQL — including a moment set back to nothing."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Rating, Resident, Role, Ticket
from models.moments import MOMENTS, micros
from services.cases import follow_up
from services.cases_file.importer import import_cases
from services.desk import actions as desk
from services.people import staff
from tests.services.cases.test_first_answer import NOW, POLICY, Office, at


async def out_of_step(session: AsyncSession) -> list[str]:
    """Every ticket moment whose twin is not what models.moments.micros makes of it."""
    columns = [getattr(Ticket, name) for pair in MOMENTS.items() for name in pair]
    connection = await session.connection()
    rows = (await connection.execute(select(col(Ticket.code), *columns))).all()
    assert rows, "no tickets to check"
    wrong = []
    for code, *values in rows:
        for i, name in enumerate(MOMENTS):
            moment, twin = values[2 * i], values[2 * i + 1]
            if (None if moment is None else micros(moment)) != twin:
                wrong.append(f"{code} {name}={moment} twin={twin}")
    return wrong


async def test_every_writer_keeps_the_twins(session: AsyncSession, tmp_path: Path) -> None:
    office = await Office(session).open()
    lan = office.officer
    case, forwarded = await office.file(at(4, 9)), await office.file(at(4, 10))
    assert await out_of_step(session) == []  # as filed: receipt and deadlines

    await desk.acknowledge(session, case, lan, at=at(4, 11), now=NOW)
    await desk.reply(session, case, lan, "Đã nhận, sẽ cử người kiểm tra", at=at(5), now=NOW)
    chair = await staff.add_staff(
        session, office.commune, telegram_id=502, role=Role.LEADER, name="Chủ tịch"
    )
    await desk.extend(
        session,
        case,
        chair,
        case.resolve_due_at + timedelta(days=5),
        "Chờ vật tư",
        at=at(6),
        now=NOW,
    )  # a Core UPDATE
    await desk.close(session, case, lan, "Đã thay bóng đèn", at=at(8), now=NOW)
    await desk.forward(session, forwarded, lan, "Công an xã", None, at=at(5), now=NOW)
    resident = await session.get(Resident, case.resident_id)
    assert resident is not None
    await follow_up.rate(session, case, resident, Rating.SATISFIED, at=at(9))  # a Core UPDATE
    assert await out_of_step(session) == []

    await follow_up.reopen(session, case, resident, "Đèn lại hỏng", at=at(11), now=NOW)
    assert case.closed_at is None
    assert await out_of_step(session) == [], "a moment cleared clears its twin"

    path = tmp_path / "so.csv"
    path.write_text(
        "Mã hồ sơ,Kênh tiếp nhận,Loại,Thời điểm tiếp nhận,Thời điểm trả lời/đóng,Trạng thái\n"
        "PA24-0101,Trực tiếp,Phản ánh,04/11/2024 09:00,08/11/2024 10:00,Đã giải quyết\n",
        encoding="utf-8",
    )
    assert (await import_cases(session, POLICY, office.commune, path, now=NOW)).imported == 1
    await (await session.connection()).execute(
        text("UPDATE ticket SET closed_at = '2024-11-20 03:00:00.250000' WHERE id = :id"),
        {"id": forwarded.id},
    )
    assert await out_of_step(session) == []
    await session.commit()
    assert await out_of_step(session) == []
