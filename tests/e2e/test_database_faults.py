"""A database fault that passes (SQLite locked by another writer past its busy timeout, a
PostgreSQL connection lost) does not cost the resident their message: the update is tried
again a moment later instead of being answered with an apology and set aside. A fault that
does not pass is answered once, after the last attempt.

The updates go through the real inbox, update runner, session middleware and error handler
against a real database; the faults are real ones, caused from outside the handler's code."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Dispatcher, Router
from aiogram.types import Message, Update
from sqlalchemy import text
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.updates.runner
import services.database.engine
from bot.emulator import FakeTelegram
from bot.emulator.users.actors import FakeUser
from bot.outbox.sender import Outbox
from bot.runtime import errors
from bot.runtime.i18n import ResidentLocaleMiddleware, build_i18n
from bot.runtime.middlewares import DbSessionMiddleware, InboxMarkMiddleware
from bot.updates.inbox import MAX_ATTEMPTS, Inbox
from bot.updates.runner import UpdateRunner
from config.context import build_context
from config.settings import Settings
from handlers.routing import attach
from models import InboxUpdate, Resident
from services.database.engine import create_engine_for, is_sqlite
from services.people import residents

APOLOGY = "Xin lỗi"

Fault = Callable[[AsyncSession], Awaitable[None]]


def message_update(update_id: int, person: FakeUser, words: str) -> Update:
    user = person.as_dict()
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_780_000_000,
                "chat": {"id": person.id, "type": "private", "first_name": user["first_name"]},
                "from": user,
                "text": words,
            },
        }
    )


class Desk:
    """A dispatcher with the bot's own session middleware and error handler, and one handler
    that records who wrote (a real service and commit), suffering `fault` on the attempts
    listed in `faulty`."""

    def __init__(self, fake: FakeTelegram, database_url: str, faulty: set[int], fault: Fault):
        settings = Settings(
            bot_token=fake.token,  # type: ignore[arg-type]
            database_url=database_url,
            bot_api_url=fake.base_url,
        )
        self.engine = create_engine_for(database_url)
        ctx = build_context(settings, self.engine)
        self.bot = fake.bot()
        self.attempts = 0
        i18n = build_i18n()
        dispatcher = Dispatcher(ctx=ctx)
        dispatcher.update.outer_middleware(DbSessionMiddleware(ctx, Outbox(self.bot, ctx, i18n)))
        dispatcher.update.outer_middleware(InboxMarkMiddleware())
        ResidentLocaleMiddleware(i18n).setup(dispatcher)
        router = Router()

        @router.message()
        async def record(message: Message, session: AsyncSession) -> None:
            self.attempts += 1
            assert message.from_user is not None
            if self.attempts in faulty:
                await fault(session)
            await residents.get_or_create_by_telegram(
                session,
                message.from_user.id,
                full_name=message.from_user.full_name,
                username=message.from_user.username,
            )
            await session.commit()

        attach(dispatcher, router, errors.router)
        self.inbox = Inbox(ctx.sessions)
        self.runner = UpdateRunner(self.bot, dispatcher, self.inbox)

    async def handle(self, update: Update) -> None:
        await self.inbox.store([update])
        self.runner.submit(update.update_id, update.message.chat.id if update.message else None)
        await self.runner.drain()

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seconds instead of minutes: the busy timeout and the pause between attempts."""
    monkeypatch.setattr(services.database.engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(bot.updates.runner, "RETRY_SECONDS", 0.2)


def passing_fault(database_url: str) -> Fault:
    """SQLite: another process holds the write lock for a second, past the busy timeout.
    PostgreSQL: the server ends the handler's connection (a restart, a failover)."""
    if is_sqlite(database_url):
        path = database_url.removeprefix("sqlite:///")

        async def hold_the_lock(session: AsyncSession) -> None:
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            asyncio.get_running_loop().call_later(1.0, other.close)  # closing rolls back

        return hold_the_lock

    async def lose_the_connection(session: AsyncSession) -> None:
        await session.exec(text("SELECT pg_terminate_backend(pg_backend_pid())"))  # type: ignore[call-overload]

    return lose_the_connection


@pytest.fixture
async def desk_factory(
    fake: FakeTelegram, database_url: str, quick_retries: None
) -> AsyncIterator[Callable[[set[int]], Desk]]:
    made: list[Desk] = []

    def make(faulty: set[int]) -> Desk:
        desk = Desk(fake, database_url, faulty, passing_fault(database_url))
        made.append(desk)
        return desk

    yield make
    for desk in made:
        await desk.close()


async def counts(db: AsyncSession, telegram_id: int) -> tuple[int, int, int]:
    """Residents recorded, and the inbox rows not done and done with an error."""
    await db.rollback()
    people = await db.exec(
        select(func.count()).select_from(Resident).where(col(Resident.telegram_id) == telegram_id)
    )
    undone = await db.exec(
        select(func.count()).select_from(InboxUpdate).where(col(InboxUpdate.done_at).is_(None))
    )
    failed = await db.exec(
        select(func.count()).select_from(InboxUpdate).where(col(InboxUpdate.error).is_not(None))
    )
    return people.one(), undone.one(), failed.one()


async def test_a_passing_fault_is_tried_again_and_nobody_is_told_of_it(
    fake: FakeTelegram, desk_factory: Callable[[set[int]], Desk], db: AsyncSession
) -> None:
    person = fake.add_user("Dân", started=True)
    desk = desk_factory({1})
    await desk.handle(message_update(1, person, "Đèn đường hỏng"))

    assert desk.attempts == 2, "tried again once the fault passed"
    assert await counts(db, person.id) == (1, 0, 0), "recorded once, done, no error"
    assert not any(APOLOGY in (m.get("text") or "") for m in person.sent_messages())


async def test_a_fault_that_does_not_pass_is_answered_once_after_the_last_attempt(
    fake: FakeTelegram, desk_factory: Callable[[set[int]], Desk], db: AsyncSession
) -> None:
    person = fake.add_user("Dân", started=True)
    desk = desk_factory(set(range(1, MAX_ATTEMPTS + 1)))
    await desk.handle(message_update(2, person, "Đèn đường hỏng"))

    assert desk.attempts == MAX_ATTEMPTS
    apologies = [m for m in person.sent_messages() if APOLOGY in (m.get("text") or "")]
    assert len(apologies) == 1, "one polite answer, when no attempt is left"
    assert await counts(db, person.id) == (0, 0, 0), "nothing half-written; the update is done"
