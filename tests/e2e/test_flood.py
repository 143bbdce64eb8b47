"""A resident who floods the bot is slowed down with one polite message; nobody else is."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from config.settings import Settings
from models import ConversationState, Role, Ticket
from services.clock import FixedClock
from tests.e2e.conftest import StaffSpec, make_commune

LIMIT = 3
SLOW_DOWN = "Bạn gửi nhanh quá nên tin nhắn vừa rồi chưa được nhận"
LOST = "Cột điện trước nhà văn hóa thôn Yên Phú bị nghiêng sắp đổ"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


@pytest.fixture
async def flood_app(
    fake: FakeTelegram, database_url: str, clock: FixedClock
) -> AsyncIterator[BotApp]:
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        bot_api_url=fake.base_url,
        resident_messages_per_minute=LIMIT,
    )
    app = BotApp.create(settings, clock)
    task = asyncio.create_task(app.run_polling(handle_signals=False))
    await fake.wait_until(lambda: fake.calls_to("getUpdates"), timeout=10)
    yield app
    await app.stop()
    await asyncio.wait_for(task, timeout=10)
    assert fake.unanswered_callbacks() == [], "a dropped button press is still answered"


async def test_a_flooding_resident_is_told_once_then_ignored_until_the_minute_frees(
    fake: FakeTelegram, flood_app: BotApp, db: AsyncSession, clock: FixedClock
) -> None:
    group = fake.add_group("Tổ PAKN")
    lan, hoa, an = fake.add_user("Lan"), fake.add_user("Hoa"), fake.add_user("An")
    await make_commune(db, staff_chat=group.id, members=[StaffSpec(lan.id, Role.OFFICER, "Lan")])

    for _ in range(LIMIT):
        hoa.send("chào")
        assert "📝 Gửi phản ánh" in (await hoa.next_message())["text"]
    hoa.send("chào nữa")
    warning = await hoa.next_message()
    assert SLOW_DOWN in warning["text"] and "chờ khoảng một phút rồi gửi lại" in warning["text"]
    answered = len(hoa.sent_messages())

    hoa.send(LOST)  # would be offered as a case, and kept in the conversation: dropped
    stale = hoa.press(warning, "q1:1:send")  # a button press is dropped too, yet answered
    await fake.wait_until(lambda: stale["id"] in fake.callback_answers, timeout=10)
    assert len(hoa.sent_messages()) == answered, "one warning, then silence"

    an.send("chào")  # others are unaffected
    assert "📝 Gửi phản ánh" in (await an.next_message())["text"]
    for _ in range(LIMIT + 2):  # staff are never limited, in their group or in private
        lan.send("/queue", chat=group)
        assert "Không có việc nào đang chờ bạn" in (await group.next_message())["text"]
        lan.send("/queue")
        assert "Không có việc nào đang chờ bạn" in (await lan.next_message())["text"]

    await db.rollback()
    kept = (await db.exec(select(ConversationState))).all()
    assert all(LOST not in str(row.data) for row in kept), "nothing of it was written"
    assert (await db.exec(select(Ticket))).all() == []

    clock.set(clock.now() + timedelta(seconds=61))
    hoa.send(LOST)  # the minute is over: taken again
    assert "gửi nội dung này" in (await hoa.next_message())["text"]
