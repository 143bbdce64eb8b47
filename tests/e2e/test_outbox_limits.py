"""The outbox under Telegram's limits: floods, server errors and slow chats delay messages but
lose none, keep each chat's order, and stay under the rates without being told."""

import random
import time

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.outbox.sender import RetryPolicy
from models import DeliveryStatus, Notification, NotificationKind, RecipientKind, Role
from tests.e2e.conftest import make_commune
from tests.e2e.outbox_helpers import (
    queue_numbered,
    received,
    running_bot,
    staff_members,
    statuses,
)

FAST_RETRY = RetryPolicy(max_attempts=12, first_backoff=0.05)


async def test_floods_and_server_errors_lose_nothing_and_keep_each_chats_order(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    commune = await make_commune(db)
    members = await staff_members(db, fake, commune, 10)
    expected = await queue_numbered(db, commune, [m for m, _ in members], 3)
    fake.fail_next("sendMessage", status=429, retry_after=1)
    rng = random.Random(4)
    for _ in range(6):
        fake.fail_next("sendMessage", status=rng.choice([500, 502, 503, 504]))
    async with running_bot(fake, database_url, FAST_RETRY):

        async def all_sent() -> bool:
            return set(await statuses(db)) == {DeliveryStatus.SENT}

        await fake.wait_until(all_sent, timeout=15)
    for (_, user), names in zip(members, expected, strict=True):
        assert received(fake, user, names) == names, "every message, once, in order"
    assert fake.faults.pending == 0 and len(fake.errors) == 7


async def test_the_outbox_keeps_under_telegrams_rates_without_a_single_429(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    commune = await make_commune(db, staff_chat=group.id)
    members = await staff_members(db, fake, commune, 15)
    expected = await queue_numbered(db, commune, [m for m, _ in members], 3)
    for_group = await queue_numbered(db, commune, [None], 5, kind=RecipientKind.STAFF_GROUP)
    fake.rate_limit(per_second=30, per_chat_per_second=3, per_group_per_minute=20)
    started = time.monotonic()
    async with running_bot(fake, database_url):

        async def all_sent() -> bool:
            return set(await statuses(db)) == {DeliveryStatus.SENT}

        await fake.wait_until(all_sent, timeout=15)
    elapsed = time.monotonic() - started
    assert [e for e in fake.errors if e[1] == 429] == []
    for (_, user), names in zip(members, expected, strict=True):
        assert received(fake, user, names) == names
    assert received(fake, group.id, for_group[0]) == for_group[0]
    assert elapsed < 12, "no more waiting than the limits require (50 messages, 5 to a group)"


async def test_a_message_that_keeps_failing_is_parked_and_the_admins_are_told(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    commune = await make_commune(db, staff_chat=group.id)
    [(_, admin)] = await staff_members(db, fake, commune, 1, role=Role.ADMIN)
    assert commune.id is not None
    db.add(  # alerts are never alerted about: a message of another kind
        Notification(
            kind=NotificationKind.STAFF_REMOVED,
            commune_id=commune.id,
            recipient_kind=RecipientKind.STAFF_GROUP,
            payload={"staff_name": "Lan", "codes": []},
        )
    )
    await db.commit()
    fake.fail_next("sendMessage", status=502, count=3)
    async with running_bot(fake, database_url, RetryPolicy(max_attempts=3, first_backoff=0.05)):
        alert = await admin.next_message(timeout=10)
    assert "3" in alert["text"] and "Bad Gateway" in alert["text"], alert["text"]
    assert fake.sent_messages(group) == []
    await db.rollback()
    parked = (
        await db.exec(select(Notification).where(Notification.recipient_id.is_(None)))  # type: ignore[union-attr]
    ).one()
    assert parked.status is DeliveryStatus.FAILED and parked.attempts == 3
    assert "Bad Gateway" in (parked.last_error or "")
    told = (
        await db.exec(select(Notification).where(Notification.kind == NotificationKind.STAFF_ALERT))
    ).all()
    assert [n.payload.get("alert") for n in told if n.id != parked.id] == ["parked"]
