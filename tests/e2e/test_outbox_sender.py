"""However many bot processes share the database, each message is sent once: one process
holds the outbox lock and sends; another takes over when it stops."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.outbox import sender as outbox_module
from bot.outbox.sender import lanes_written
from bot.runtime.app import BotApp
from config.settings import Settings
from services.database.engine import is_sqlite
from tests.e2e.conftest import make_commune
from tests.e2e.outbox_helpers import file_cases, queue_numbered, received, staff_members

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 09:00 in Vietnam


@pytest.fixture
async def two_processes(fake: FakeTelegram, database_url: str) -> AsyncIterator[list[BotApp]]:
    """Two bots on one database, as two webhook processes would be (each its own engine,
    pool and lock); only their outboxes run here."""
    settings = Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        bot_api_url=fake.base_url,
    )
    apps = [BotApp.create(settings), BotApp.create(settings)]
    yield apps
    for app in apps:
        app.outbox.stop()
        await app.bot.session.close()
        await app.engine.dispose()


async def test_two_processes_send_each_message_once(
    fake: FakeTelegram, db: AsyncSession, two_processes: list[BotApp]
) -> None:
    group = fake.add_group("Tổ PAKN")
    commune = await make_commune(db, staff_chat=group.id)
    people = [
        fake.add_user(name, started=True) for name in ("Hoa", "Lan", "Minh", "Tú", "Bình", "Cúc")
    ]
    await file_cases(
        db, commune, people, [f"Đèn đường hỏng ở xóm của {p.first_name}" for p in people], NOW
    )

    first, second = two_processes
    sending = [asyncio.create_task(app.outbox.run()) for app in two_processes]
    await fake.wait_until(
        lambda: all(p.sent_messages() for p in people) and len(group.sent_messages()) >= 6,
        timeout=15,
    )
    await asyncio.sleep(1.5)  # both have swept the outbox more than once by now
    assert [len(p.sent_messages()) for p in people] == [1] * 6, "one receipt each"
    assert len(group.sent_messages()) == 6, "one card per case"
    assert all("Đèn đường hỏng" in m["text"] for m in group.sent_messages())

    # the sender stops; the other one takes over and sends what comes next
    sender = first if first.outbox.sending else second
    standby = second if sender is first else first
    sender.outbox.stop()
    await sending[two_processes.index(sender)]
    latecomers = [fake.add_user(name, started=True) for name in ("Dũng", "Hà")]
    await file_cases(
        db, commune, latecomers, [f"Cống tắc ở xóm của {p.first_name}" for p in latecomers], NOW
    )
    await fake.wait_until(lambda: all(p.sent_messages() for p in latecomers), timeout=15)
    assert standby.outbox.sending
    await asyncio.sleep(1.5)
    assert [len(p.sent_messages()) for p in people + latecomers] == [1] * 8
    assert len(group.sent_messages()) == 8
    standby.outbox.stop()
    await asyncio.gather(*sending)


async def test_on_postgresql_the_sender_hears_at_once_of_what_another_process_wrote(
    fake: FakeTelegram,
    db: AsyncSession,
    database_url: str,
    two_processes: list[BotApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tap handled by a process that does not send: its receipt goes out when that process
    signals the sender, not at the sender's next sweep for others' messages."""
    if is_sqlite(database_url):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; on SQLite the sender's sweep finds it")
    monkeypatch.setattr(outbox_module, "IDLE_SWEEP_SECONDS", 60.0)  # no sweep comes in time
    group = fake.add_group("Tổ PAKN")
    commune = await make_commune(db, staff_chat=group.id)
    sending = [asyncio.create_task(app.outbox.run()) for app in two_processes]
    await fake.wait_until(lambda: any(app.outbox.sending for app in two_processes), timeout=10)
    other = next(app for app in two_processes if not app.outbox.sending)
    await asyncio.sleep(1.0)  # the sender has swept, found nothing and listens

    hoa = fake.add_user("Hoa", started=True)
    await file_cases(db, commune, [hoa], ["Cống trước nhà văn hoá bị tắc"], NOW)
    other.outbox.wake()  # as its update middleware does after the case's commit
    await fake.wait_until(lambda: hoa.sent_messages() and group.sent_messages(), timeout=5)
    assert "Mã hồ sơ" in hoa.sent_messages()[0]["text"]
    for app in two_processes:
        app.outbox.stop()
    await asyncio.gather(*sending)


async def test_a_message_written_while_its_lane_sends_follows_without_waiting_for_a_sweep(
    fake: FakeTelegram,
    db: AsyncSession,
    two_processes: list[BotApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lane has already looked for what comes next and will end after the message it is
    waiting to send (a person takes three messages in three seconds); a message written for
    the same person meanwhile still goes out right after, in order."""
    monkeypatch.setattr(outbox_module, "IDLE_SWEEP_SECONDS", 60.0)  # no sweep comes in time
    app = two_processes[0]
    commune = await make_commune(db, staff_chat=fake.add_group("Tổ PAKN").id)
    [(staff_id, officer)] = await staff_members(db, fake, commune, 1)
    sending = asyncio.create_task(app.outbox.run())
    await fake.wait_until(lambda: app.outbox.sending, timeout=10)
    await asyncio.sleep(0.3)  # it has swept, found nothing, and sleeps for a minute

    [names] = await queue_numbered(db, commune, [staff_id], 4)
    app.outbox.wake()
    await fake.wait_until(lambda: len(received(fake, officer, names)) == 3, timeout=5)
    await asyncio.sleep(0.5)  # the lane holds the fourth, waiting for the person's limit
    [later] = await queue_numbered(db, commune, [staff_id], 1, first=4)
    app.outbox.wake(lanes_written(db))  # as the update's middleware does after its commit
    names += later
    await fake.wait_until(lambda: len(received(fake, officer, names)) == 5, timeout=10)
    assert received(fake, officer, names) == names
    app.outbox.stop()
    await sending
