"""The inbox: nothing a resident sends is lost to a crash, and nothing is done twice."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram.types import Update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.emulator.errors import NOT_MODIFIED, QUERY_TOO_OLD
from bot.runtime.app import BotApp
from bot.updates.inbox import Inbox
from config.settings import Settings
from models import InboxUpdate, Notification, NotificationKind, Ticket
from services.database.engine import create_engine_for, session_factory
from tests.e2e.conftest import make_commune


@asynccontextmanager
async def running_bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[BotApp]:
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        bot_api_url=fake.base_url,
    )
    app = BotApp.create(settings)
    task = asyncio.create_task(app.run_polling(handle_signals=False))
    try:
        yield app
    finally:
        await app.stop()
        await asyncio.wait_for(task, timeout=15)


def private_chat_of(update: dict[str, Any]) -> int:
    message = update.get("message") or update["callback_query"]["message"]
    return int(message["chat"]["id"])


async def count(db: AsyncSession, model: type, *where: object) -> int:
    db.expire_all()
    return (await db.exec(select(func.count()).select_from(model).where(*where))).one()


async def test_an_update_stored_before_a_crash_is_processed_on_the_next_start(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    group = fake.add_group()
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    sent = hoa.send("Đèn đường thôn Đông hỏng ba hôm nay")
    # the run before stored the update and confirmed it to Telegram, then died
    pending = fake.state.updates.pending
    assert len(pending) == 1
    sent_id = pending[0]["update_id"]
    engine = create_engine_for(database_url)
    await Inbox(session_factory(engine)).store([Update.model_validate(pending[0])])
    await engine.dispose()
    fake.state.updates.confirm(sent_id + 1)
    assert sent["text"].startswith("Đèn đường")

    async with running_bot(fake, database_url):
        question = await hoa.next_message(timeout=15)
        assert "gửi nội dung này" in question["text"]  # the bot read what she wrote
        hoa.tap("✅ Có, gửi ngay")
        assert "Mã hồ sơ" in (await hoa.next_message(timeout=15))["text"]
    assert await count(db, Ticket) == 1
    assert await count(db, InboxUpdate, col(InboxUpdate.done_at).is_(None)) == 0
    assert await count(db, InboxUpdate, col(InboxUpdate.payload).is_not(None)) == 0, (
        "a resident's words are not kept in the inbox once handled"
    )


async def test_an_update_delivered_twice_files_one_case_and_one_receipt(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    group = fake.add_group()
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    async with running_bot(fake, database_url):
        hoa.send("Rác đổ trộm ở đầu ngõ 5")
        await hoa.next_message(timeout=15)
        confirm = hoa.tap("✅ Có, gửi ngay")
        receipt = await hoa.next_message(timeout=15)
        assert "Mã hồ sơ" in receipt["text"]
        await fake.wait_until(lambda: not fake.state.updates.pending, timeout=10)
        before = len(hoa.sent_messages())
        # Telegram did not see the confirmations and sends her message and her tap again
        delivered = [u for u in fake.delivered_updates if private_chat_of(u) == hoa.id]
        assert delivered[-1]["callback_query"]["id"] == confirm["id"]
        for update in delivered:
            fake.redeliver(update)
        await fake.wait_until(lambda: not fake.state.updates.pending, timeout=10)
        hoa.send("/help")  # a later update from the same chat: the ones before are behind us
        await hoa.next_message(timeout=15)
        assert len(hoa.sent_messages()) == before + 1, "nothing was answered twice"
    assert await count(db, Ticket) == 1
    receipts = await count(db, Notification, col(Notification.kind) == NotificationKind.RECEIPT)
    assert receipts == 1
    assert [m for m in hoa.sent_messages() if "Mã hồ sơ" in m["text"]] == [receipt]


async def test_a_tap_whose_answer_telegram_refuses_is_still_carried_out(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    """A run answered her tap, then died before committing; the next run processes the tap
    again and Telegram refuses a second answer (as it refuses one to a tap too old). The
    case is filed all the same."""
    group = fake.add_group()
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    async with running_bot(fake, database_url):
        hoa.send("Cống thoát nước ngõ 7 bị tắc")
        await hoa.next_message(timeout=15)
        fake.fail_next("answerCallbackQuery", status=400, description=QUERY_TOO_OLD)
        hoa.tap("✅ Có, gửi ngay")
        assert "Mã hồ sơ" in (await hoa.next_message(timeout=15))["text"]
    assert await count(db, Ticket) == 1


async def test_a_tap_processed_again_after_a_crash_goes_on_past_an_edit_already_made(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    """The run that died had shown her choice under the question (an edit) before dying;
    processing the tap again, Telegram refuses the same edit as "not modified". That is
    not a button pressed twice: she gets the next question."""
    group = fake.add_group()
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    async with running_bot(fake, database_url):
        hoa.send("/new")
        assert "Bạn muốn gửi gì?" in (await hoa.next_message(timeout=15))["text"]
    hoa.tap("Phản ánh")
    tap = fake.state.updates.pending[0]
    engine = create_engine_for(database_url)
    inbox = Inbox(session_factory(engine))
    await inbox.store([Update.model_validate(tap)])
    assert await inbox.claim(tap["update_id"]) is not None  # by the run that then died
    await engine.dispose()
    fake.state.updates.confirm(tap["update_id"] + 1)
    fake.fail_next("editMessageText", status=400, description=NOT_MODIFIED)

    async with running_bot(fake, database_url):
        assert "lĩnh vực" in (await hoa.next_message(timeout=15))["text"]
