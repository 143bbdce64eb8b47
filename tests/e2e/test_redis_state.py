"""With REDIS_URL set, conversation state lives in Redis: a resident half-way through filing
a case when the bot restarts finishes it with the new process, and the case exists once.

scripts/test.sh starts a throw-away redis-server and sets TEST_REDIS_URL; without it the test
is skipped, except under CI=true, where a missing Redis is a failure."""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from config.settings import Settings
from models import ConversationState, Ticket
from tests.e2e.conftest import make_commune

REDIS_URL = os.environ.get("TEST_REDIS_URL")
UNDER_CI = os.environ.get("CI") == "true"
pytestmark = pytest.mark.skipif(
    not REDIS_URL and not UNDER_CI, reason="TEST_REDIS_URL is not set (scripts/test.sh sets it)"
)


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    if not REDIS_URL:
        pytest.fail("CI=true and TEST_REDIS_URL is not set: Redis is required, not skipped")
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    await client.flushdb()  # the fake's ids repeat from test to test
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


async def _none_busy(redis_url: str) -> bool:
    """No Redis lock held: no chat has an update still being handled."""
    from redis.asyncio import Redis

    async with Redis.from_url(redis_url) as client:
        return not await client.keys("fsm:*:lock")


@asynccontextmanager
async def running_bot(fake: FakeTelegram, database_url: str, redis_url: str) -> AsyncIterator[None]:
    """One bot process's life: started, then stopped once every update it took is done
    (confirmed to Telegram, its chat's lock released): aiogram closes the storage on
    shutdown without waiting for handlers still running."""
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        bot_api_url=fake.base_url,
        redis_url=redis_url,
    )
    app = BotApp.create(settings)
    task = asyncio.create_task(app.run_polling(handle_signals=False))
    try:
        yield
        await fake.wait_until(lambda: not fake.pending_updates, timeout=10)
        await fake.wait_until(lambda: _none_busy(redis_url), timeout=10)
    finally:
        await app.stop()
        await asyncio.wait_for(task, timeout=10)


async def test_a_restart_half_way_through_filing_loses_nothing(
    fake: FakeTelegram, db: AsyncSession, database_url: str, redis_url: str
) -> None:
    await make_commune(db)
    hoa = fake.add_user("Nguyễn Thị Hoa")
    async with running_bot(fake, database_url, redis_url):
        hoa.send("/new")
        assert "Bạn muốn gửi gì?" in (await hoa.next_message())["text"]
        hoa.tap("Kiến nghị")
        await hoa.next_message()
        hoa.tap("Môi trường")
        assert "viết nội dung" in (await hoa.next_message())["text"]
        hoa.send("Đề nghị đặt thêm thùng rác ở chợ Yên Phú")
        assert "ảnh, video" in (await hoa.next_message())["text"]

    from redis.asyncio import Redis

    async with Redis.from_url(redis_url) as client:
        keys = [key.decode() for key in await client.keys("fsm:*")]
    assert f"fsm:{hoa.id}:{hoa.id}:default:state" in keys, keys
    await db.rollback()  # a fresh snapshot
    assert (await db.exec(select(ConversationState))).all() == [], "kept in Redis only"

    async with running_bot(fake, database_url, redis_url):  # a new process
        hoa.tap("Tiếp tục ➡️")
        assert "vị trí" in (await hoa.next_message())["text"]
        hoa.tap("Bỏ qua")
        assert "số điện thoại" in (await hoa.next_message())["text"]
        hoa.tap("Bỏ qua")
        await hoa.next_message()  # "Bạn kiểm tra lại…"
        review = await hoa.next_message()
        assert "thùng rác ở chợ Yên Phú" in review["text"] and "Môi trường" in review["text"]
        hoa.tap("✅ Gửi")
        receipt = await hoa.next_message()
        assert "Mã hồ sơ" in receipt["text"]

    await db.rollback()
    [ticket] = (await db.exec(select(Ticket))).all()
    assert ticket.text == "Đề nghị đặt thêm thùng rác ở chợ Yên Phú"
    assert ticket.code in receipt["text"]
    assert fake.unanswered_callbacks() == []


async def test_forget_leaves_nothing_of_the_resident_in_redis(
    fake: FakeTelegram, db: AsyncSession, database_url: str, redis_url: str
) -> None:
    """Half-way through filing, the draft lives in Redis; /forget takes it away too."""
    from redis.asyncio import Redis

    await make_commune(db)
    hoa = fake.add_user("Nguyễn Thị Hoa")
    draft = "Đề nghị đặt thêm thùng rác ở chợ Yên Phú"
    forms = (draft.encode(), json.dumps(draft).strip('"').encode())  # as is, or JSON-escaped

    def holds_draft(value: bytes | None) -> bool:
        return bool(value) and any(form in value for form in forms)  # type: ignore[operator]

    async with running_bot(fake, database_url, redis_url):
        hoa.send("/new")
        await hoa.next_message()
        hoa.tap("Kiến nghị")
        await hoa.next_message()
        hoa.tap("Môi trường")
        await hoa.next_message()
        hoa.send(draft)
        await hoa.next_message()
        async with Redis.from_url(redis_url) as client:
            held = [await client.get(key) for key in await client.keys("fsm:*:data")]
        assert any(holds_draft(value) for value in held), "the draft is in Redis"

        hoa.send("/forget")
        asked = await hoa.next_message()
        hoa.tap("🗑 Xóa dữ liệu của tôi")
        await fake.wait_until(
            lambda: "đã được xóa" in fake.message(hoa.id, asked["message_id"])["text"]
        )

    async with Redis.from_url(redis_url) as client:
        keys = await client.keys("*")
        values = [await client.get(key) for key in keys if await client.type(key) == b"string"]
    assert not [k for k in keys if str(hoa.id).encode() in k], keys
    assert not [v for v in values if holds_draft(v)]


async def test_a_conversation_left_in_redis_is_forgotten_after_thirty_days(
    fake: FakeTelegram, db: AsyncSession, database_url: str, redis_url: str
) -> None:
    """Retention erases a resident years later and cannot reach Redis: what they typed and
    never sent expires there on its own."""
    from redis.asyncio import Redis

    await make_commune(db)
    hoa = fake.add_user("Nguyễn Thị Hoa")
    async with running_bot(fake, database_url, redis_url):
        hoa.send("/new")
        await hoa.next_message()
    async with Redis.from_url(redis_url) as client:
        ttls = [await client.ttl(key) for key in await client.keys(f"fsm:{hoa.id}:*")]
    assert ttls and all(29 * 86400 < ttl <= 30 * 86400 for ttl in ttls), ttls
