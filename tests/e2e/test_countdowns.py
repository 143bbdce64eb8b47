"""The card's "N working days left" stays true: each morning the cards whose countdown
reads differently today are drawn again, and only those."""

from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeChat, FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import Notification, NotificationKind, Role, Ticket
from scheduler import jobs
from tests.e2e.conftest import StaffSpec, make_commune

DAYS = timedelta(days=40)


async def _file(fake: FakeTelegram, group: FakeChat, name: str, text: str) -> dict:
    resident: FakeUser = fake.add_user(name)
    resident.send(text)
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    await resident.next_message()
    return await group.next_message()


async def _refreshes(db: AsyncSession) -> list[int | None]:
    await db.rollback()
    found = await db.exec(
        select(Notification.ticket_id).where(Notification.kind == NotificationKind.CARD_REFRESH)
    )
    return list(found.all())


async def test_a_stale_countdown_is_drawn_again_and_a_true_one_is_left_alone(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    late = await _file(fake, group, "Hoa", "Đèn đường ngõ 5 thôn Yên Phú bị hỏng cả tuần nay")
    fresh = await _file(fake, group, "An", "Cống thoát nước trước chợ bị tắc")
    assert "còn 10 ngày làm việc" in late["text"]

    # As on the morning the issue saw: the card drawn 40 days ago, the case now late.
    await db.rollback()
    ticket = (await db.exec(select(Ticket).order_by(col(Ticket.id)))).first()
    assert ticket is not None
    late_id = ticket.id
    ticket.ack_due_at -= DAYS
    ticket.resolve_due_at -= DAYS
    db.add(ticket)
    drawn = await db.exec(select(Notification).where(Notification.ticket_id == ticket.id))
    for notification in drawn.all():
        notification.created_at -= DAYS
        db.add(notification)
    await db.commit()

    await jobs.countdowns_job(bot_app.ctx)
    bot_app.outbox.wake()
    await fake.wait_until(
        lambda: "quá hạn" in fake.message(group.id, late["message_id"])["text"], timeout=10
    )
    assert "còn 10 ngày" not in fake.message(group.id, late["message_id"])["text"]
    assert "còn 10 ngày làm việc" in fake.message(group.id, fresh["message_id"])["text"]
    assert await _refreshes(db) == [late_id], "the true card is not edited"

    await jobs.countdowns_job(bot_app.ctx)  # again the same morning: nothing more
    assert await _refreshes(db) == [late_id]


async def test_an_extension_draws_the_countdown_again(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh = fake.add_user("Mạnh")
    group = fake.add_group("Tổ PAKN", members=(manh,))
    await make_commune(db, staff_chat=group.id, members=[StaffSpec(manh.id, Role.LEADER, "Mạnh")])
    card = await _file(fake, group, "Hoa", "Cầu tràn thôn Khe Cát bị sạt một bên")
    assert "còn 10 ngày làm việc" in card["text"]
    code = next(w for w in card["text"].split() if w.startswith("PA"))
    manh.send(f"/extend {code} +5 Chờ ý kiến của huyện", chat=group)
    await fake.wait_until(
        lambda: "còn 15 ngày làm việc" in fake.message(group.id, card["message_id"])["text"],
        timeout=10,
    )
