"""The update runner: one chat's updates in order, different chats side by side, each once."""

import asyncio
import random
from collections import defaultdict

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select

from bot.updates.inbox import Inbox
from bot.updates.runner import UpdateRunner
from models import InboxUpdate
from services.database.engine import session_factory

TOKEN = "123456789:AAtest-token_for_the_update_runner_0000"


def message_update(update_id: int, chat_id: int, text: str) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_780_000_000,
                "chat": {"id": chat_id, "type": "private", "first_name": "Dân"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Dân"},
                "text": text,
            },
        }
    )


async def test_each_chat_in_order_chats_in_parallel_and_nothing_twice(
    engine: AsyncEngine,
) -> None:
    seen: dict[int, list[int]] = defaultdict(list)
    running, most = 0, 0
    pause = random.Random(7)

    router = Router()

    @router.message()
    async def record(message: Message) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(pause.uniform(0, 0.02))
        seen[message.chat.id].append(int(message.text or 0))
        running -= 1

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    inbox = Inbox(session_factory(engine))
    bot = Bot(TOKEN)
    runner = UpdateRunner(bot, dispatcher, inbox)
    chats = [1001, 1002, 1003, 1004]
    updates = [message_update(100 + n, chats[n % 4], str(n)) for n in range(80)]
    await inbox.store(updates)
    for update in updates:
        runner.submit(update.update_id, update.message.chat.id if update.message else None)
    for update in updates[:10]:  # delivered again while the first ones are in progress
        runner.submit(update.update_id, update.message.chat.id if update.message else None)
    await runner.drain()
    await inbox.store(updates[:10])  # and once more after they were done
    for update in updates[:10]:
        runner.submit(update.update_id, update.message.chat.id if update.message else None)
    await runner.drain()
    await bot.session.close()

    for index, chat in enumerate(chats):
        assert seen[chat] == list(range(index, 80, 4)), "one chat's updates in order, once"
    assert most > 1, "different chats are handled at the same time"
    async with session_factory(engine)() as session:
        undone = await session.exec(
            select(func.count()).select_from(InboxUpdate).where(col(InboxUpdate.done_at).is_(None))
        )
        assert undone.one() == 0


async def test_a_chat_stays_in_order_across_processes_sharing_the_inbox(
    engine: AsyncEngine,
) -> None:
    """Behind a load balancer a resident's text may reach one process and the tap that
    answers its question another, before the first has committed: the tap waits."""
    seen: list[str] = []
    first_may_finish = asyncio.Event()

    router = Router()

    @router.message()
    async def record(message: Message) -> None:
        if message.text == "text":
            await first_may_finish.wait()
        seen.append(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = Bot(TOKEN)
    runners = [
        UpdateRunner(bot, dispatcher, Inbox(session_factory(engine)), shared=True) for _ in range(2)
    ]
    for runner, update in zip(
        runners, (message_update(500, 77, "text"), message_update(501, 77, "tap")), strict=True
    ):
        await runner.inbox.store([update], claim=True)  # as the webhook stores it
        runner.submit(update.update_id, 77, update=update, claimed=True)
    await asyncio.sleep(0.5)
    assert seen == [], "the tap waits for the text, in the other process"
    first_may_finish.set()
    for runner in runners:
        await runner.drain()
    await bot.session.close()
    assert seen == ["text", "tap"]
