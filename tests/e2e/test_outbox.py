"""Telegram refuses, floods or moves a chat: the message still arrives, or is set aside."""

import time

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.outbox.sender import lanes_written
from bot.runtime.app import BotApp
from models import (
    Commune,
    DeliveryStatus,
    Notification,
    NotificationKind,
    RecipientKind,
    Resident,
)
from models.base import utcnow
from tests.e2e.conftest import make_commune


async def _file_one_tap(user: FakeUser, text: str) -> None:
    user.send(text)
    await user.next_message()
    user.tap("✅ Có, gửi ngay")


async def test_flood_control_and_server_errors_delay_but_lose_nothing(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    hoa.send("Nước sinh hoạt bị đục mấy ngày nay")
    await hoa.next_message()
    fake.fail_next("sendMessage", status=429, retry_after=1)
    fake.fail_next("sendMessage", status=502, count=1)
    started = time.monotonic()
    hoa.tap("✅ Có, gửi ngay")
    receipt = await hoa.next_message(timeout=10)
    card = await group.next_message(timeout=10)
    assert "Mã hồ sơ" in receipt["text"] and "Nước sinh hoạt" in card["text"]
    assert time.monotonic() - started >= 1, "retry_after was respected"

    async def all_sent() -> bool:
        await db.rollback()  # a fresh snapshot
        statuses = (await db.exec(select(Notification.status))).all()
        return statuses == [DeliveryStatus.SENT, DeliveryStatus.SENT]

    await fake.wait_until(all_sent)


async def test_a_resident_who_blocked_the_bot_is_marked_and_not_retried(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    hoa.send("Đường ngập nước trước cổng trường")
    await hoa.next_message()
    fake.block(hoa)
    hoa.tap("✅ Có, gửi ngay")  # pressing a button does not unblock the bot
    card = await group.next_message()
    assert "Đường ngập nước" in card["text"]

    async def marked_blocked() -> bool:
        await db.rollback()  # a fresh snapshot
        resident = (await db.exec(select(Resident))).one()
        return resident.blocked_at is not None

    await fake.wait_until(marked_blocked)
    receipt = (
        await db.exec(select(Notification).where(Notification.recipient_kind == "resident"))
    ).one()
    assert receipt.status == DeliveryStatus.FAILED and "blocked" in (receipt.last_error or "")
    to_hoa = [c for c in fake.calls_to("sendMessage") if c["chat_id"] == hoa.id]
    assert len(to_hoa) == 2  # the offer, then one refused receipt: no retry


async def test_the_staff_group_follows_its_upgrade_to_a_supergroup(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    old_id = group.id
    await make_commune(db, staff_chat=old_id)
    new_id = fake.migrate(group)
    hoa = fake.add_user("Hoa")
    await _file_one_tap(hoa, "Cột điện nghiêng sắp đổ ở thôn Yên Mỹ")
    card = await group.next_message()
    assert "Cột điện nghiêng" in card["text"] and group.id == new_id != old_id
    await db.rollback()  # a fresh snapshot
    commune = (await db.exec(select(Commune))).one()
    assert commune.staff_chat_id == new_id
    assert not [e for e in fake.errors if e[0] == "sendMessage"], "the bot knew before sending"


async def test_a_session_names_the_lanes_it_wrote_to_and_a_bulk_change_asks_for_a_sweep(
    db: AsyncSession,
) -> None:
    """What an update's commit tells the outbox (bot.outbox.sender.lanes_written): the recipients
    to start sending to at once; nothing when it wrote no message; 'unknown' when a
    statement changed messages without naming them, so the sender sweeps."""
    commune = await make_commune(db)
    lanes_written(db)
    commune.name = "Xã Hoà Bình"
    db.add(commune)
    await db.commit()
    assert lanes_written(db) == set(), "no message written"

    for kind, recipient_kind, recipient_id in (
        (NotificationKind.RECEIPT, RecipientKind.RESIDENT, 7),
        (NotificationKind.STAFF_CARD, RecipientKind.STAFF_GROUP, None),
    ):
        db.add(
            Notification(
                kind=kind,
                commune_id=commune.id,
                recipient_kind=recipient_kind,
                recipient_id=recipient_id,
            )
        )
    await db.commit()
    assert lanes_written(db) == {
        (RecipientKind.RESIDENT, 7, commune.id),
        (RecipientKind.STAFF_GROUP, None, commune.id),
    }
    assert lanes_written(db) == set(), "each is told once"

    await db.exec(
        update(Notification)
        .where(col(Notification.commune_id) == commune.id)
        .values(next_attempt_at=utcnow())
    )
    await db.commit()
    assert lanes_written(db) is None, "changed in bulk: the sender sweeps"
