"""The real bot (dispatcher, handlers, services, outbox) against the fake Bot API server."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from config.settings import Settings
from models import Commune, Role
from services.communes import registry as communes
from services.database.engine import create_engine_for, session_factory
from services.people import staff


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
        assert server.state.crashes == [], "the fake server itself failed"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session for arranging and checking data, separate from the bot's."""
    engine = create_engine_for(database_url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


@dataclass
class StaffSpec:
    telegram_id: int
    role: Role
    name: str


async def make_commune(
    session: AsyncSession,
    code: str = "7060",
    *,
    villages: Sequence[str] = (),
    members: Sequence[StaffSpec] = (),
    staff_chat: int | None = None,
    address: str | None = None,
    reception: str | None = None,
) -> Commune:
    commune = await communes.add_commune(session, code, year=2026, population=12290)
    for name in villages:
        await communes.add_village(session, commune, name)
    for member in members:
        await staff.add_staff(
            session, commune, telegram_id=member.telegram_id, role=member.role, name=member.name
        )
    await communes.update_commune(
        session, commune, staff_chat_id=staff_chat, address=address, reception_schedule=reception
    )
    return commune


@pytest.fixture
async def bot_app(fake: FakeTelegram, database_url: str, tmp_path: Path) -> AsyncIterator[BotApp]:
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        bot_api_url=fake.base_url,
        data_dir=str(tmp_path / "data"),  # residents' files, if a test sends some
        public_url="https://pakn.example.gov.vn",
    )
    app = BotApp.create(settings)
    task = asyncio.create_task(app.run_polling(handle_signals=False))
    await fake.wait_until(lambda: fake.calls_to("getUpdates"), timeout=10)
    yield app
    await app.stop()
    await asyncio.wait_for(task, timeout=10)
    assert fake.unanswered_callbacks() == [], "every button press gets an answer"
