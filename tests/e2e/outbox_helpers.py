"""Arranging a full outbox for the outbox tests: recipients who started the bot in the fake,
and messages queued straight into the database (as a burst of activity, or a restart after
downtime, would leave them)."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.outbox.sender import RetryPolicy
from bot.runtime.app import BotApp
from config.settings import Settings
from models import (
    Channel,
    Commune,
    DeliveryStatus,
    Kind,
    Notification,
    NotificationKind,
    RecipientKind,
    Role,
    Ticket,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.people import residents, staff

POLICY = DeadlinePolicy(WorkingCalendar(), ZoneInfo("Asia/Ho_Chi_Minh"))


async def staff_members(
    db: AsyncSession, fake: FakeTelegram, commune: Commune, count: int, role: Role = Role.OFFICER
) -> list[tuple[int, FakeUser]]:
    """(staff id, their Telegram user) for `count` new staff who have started the bot."""
    members = []
    for i in range(count):
        user = fake.add_user(f"Cán bộ {i}", started=True)
        member = await staff.add_staff(
            db, commune, telegram_id=user.id, role=role, name=f"Cán bộ {i}"
        )
        assert member.id is not None
        members.append((member.id, user))
    return members


async def file_cases(
    db: AsyncSession,
    commune: Commune,
    people: Sequence[FakeUser],
    texts: Sequence[str],
    at: datetime,
) -> list[Ticket]:
    """One case per person, filed through the service with no bot running (as if they wrote
    while it was down): each leaves a receipt and a staff card in the outbox."""
    filed = []
    for person, text in zip(people, texts, strict=True):
        resident = await residents.get_or_create_by_telegram(
            db, person.id, full_name=person.first_name, username=None
        )
        draft = tickets.TicketDraft(
            kind=Kind.REPORT, category_id=None, text=text, received_at=at, channel=Channel.TELEGRAM
        )
        filed.append(
            await tickets.submit_ticket(
                db, commune=commune, resident=resident, draft=draft, policy=POLICY, now=at
            )
        )
    return filed


def numbered(i: int, j: int) -> str:
    return f"Tin {i}-{j}"


async def queue_numbered(
    db: AsyncSession,
    commune: Commune,
    recipients: list[int | None],
    per_recipient: int,
    *,
    kind: RecipientKind = RecipientKind.STAFF,
    first: int = 0,
) -> list[list[str]]:
    """`per_recipient` messages to each, written in the order a recipient must get them
    (round-robin, so chats interleave), numbered from `first`; returns the names each
    message carries."""
    assert commune.id is not None
    now = datetime.now(UTC)
    expected: list[list[str]] = [[] for _ in recipients]
    for j in range(first, first + per_recipient):
        for i, recipient_id in enumerate(recipients):
            expected[i].append(numbered(i, j))
            db.add(
                Notification(
                    kind=NotificationKind.STAFF_ALERT,
                    commune_id=commune.id,
                    recipient_kind=kind,
                    recipient_id=recipient_id,
                    payload={"alert": "staff_blocked", "staff_name": numbered(i, j)},
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    await db.commit()
    return expected


def received(fake: FakeTelegram, chat: FakeUser | int, names: list[str]) -> list[str]:
    """Which of `names` reached the chat, in the order they arrived (repeats included)."""
    found = []
    for message in fake.sent_messages(chat):
        found.extend(name for name in names if f"{name} " in message.get("text", ""))
    return found


async def statuses(db: AsyncSession) -> list[DeliveryStatus]:
    await db.rollback()  # a fresh snapshot
    return list((await db.exec(select(Notification.status))).all())


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram, database_url: str, retry: RetryPolicy | None = None
) -> AsyncIterator[BotApp]:
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        bot_api_url=fake.base_url,
    )
    app = BotApp.create(settings)
    if retry is not None:
        app.outbox.retry = retry
    task = asyncio.create_task(app.run_polling(handle_signals=False))
    try:
        yield app
    finally:
        await app.stop()
        await asyncio.wait_for(task, timeout=10)
