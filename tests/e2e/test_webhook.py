"""Webhook mode: Telegram (the fake) posts updates to the bot's aiohttp server or, in a
process that runs the web server, to the web app."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.emulator.balancer import RoundRobin
from bot.runtime.app import BotApp
from config.settings import Settings
from models import AuditEntry, InboxUpdate, Ticket
from tests.e2e.conftest import make_commune
from web.app import build_web_app
from web.server import WebServer

PUBLIC = "https://pakn.example.gov.vn"
SECRET = "s3cret-Token_for-the-webhook-0123456789"


def webhook_settings(fake: FakeTelegram, database_url: str, port: int) -> Settings:
    return Settings(
        bot_token=fake.token,  # type: ignore[arg-type]
        database_url=database_url,
        bot_api_url=fake.base_url,
        webhook_url=f"{PUBLIC}/telegram/hook",
        webhook_secret=SECRET,  # type: ignore[arg-type]
        webhook_port=port,
    )


@pytest.fixture
async def webhook_bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[str]:
    port = unused_port()
    settings = webhook_settings(fake, database_url, port)
    local = f"http://127.0.0.1:{port}"
    fake.route_webhook(PUBLIC, local)
    app = BotApp.create(settings)
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    await fake.wait_until(lambda: fake.state.webhook is not None, timeout=15)
    yield local
    await app.stop()
    await asyncio.wait_for(task, timeout=15)


async def count(db: AsyncSession, model: type) -> int:
    return (await db.exec(select(func.count()).select_from(model))).one()


async def test_a_resident_files_a_case_through_the_webhook(
    fake: FakeTelegram, db: AsyncSession, webhook_bot: str
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    hook = fake.state.webhook
    assert hook is not None and hook["url"] == f"{PUBLIC}/telegram/hook"
    assert hook["secret_token"] == SECRET
    with pytest.raises(Exception, match="webhook is active"):
        await fake.bot().get_updates()  # Telegram refuses polling while a webhook is set

    hoa = fake.add_user("Hoa")
    hoa.send("Cống thoát nước trước chợ bị tắc")
    await hoa.next_message(timeout=15)
    hoa.tap("✅ Có, gửi ngay")
    assert "Mã hồ sơ" in (await hoa.next_message(timeout=15))["text"]
    assert "Cống thoát nước" in (await group.next_message(timeout=15))["text"]
    assert all(200 <= (a.status or 0) < 300 for a in fake.webhooks.attempts)


async def test_the_webhook_refuses_a_wrong_secret_and_ignores_a_repeat(
    fake: FakeTelegram, db: AsyncSession, webhook_bot: str
) -> None:
    await make_commune(db, staff_chat=fake.add_group().id)
    hoa = fake.add_user("Hoa", started=True)
    update = {
        "update_id": 900_000_001,
        "message": {
            "message_id": 1,
            "date": 1_780_000_000,
            "chat": {"id": hoa.id, "type": "private", "first_name": "Hoa"},
            "from": {"id": hoa.id, "is_bot": False, "first_name": "Hoa"},
            "text": "/help",
        },
    }
    path = f"{webhook_bot}/telegram/hook"
    async with aiohttp.ClientSession() as http:
        for wrong in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
            async with http.post(path, json=update, headers=wrong) as response:
                assert response.status == 401
        assert await count(db, InboxUpdate) == 0, "nothing from a stranger is stored"

        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(path, data=b"{not json", headers=right) as response:
            assert response.status == 200, "set aside: Telegram repeats any other answer"
        for _ in range(2):  # Telegram did not see the first answer and sends it again
            async with http.post(path, json=update, headers=right) as response:
                assert response.status == 200
        await hoa.next_message(timeout=15)
        await asyncio.sleep(0.5)
        assert len(hoa.sent_messages()) == 1, "the same update is answered once"

        async with http.get(f"{webhook_bot}/healthz") as response:
            assert (response.status, await response.text()) == (200, "ok")
        async with http.get(f"{webhook_bot}/metrics") as response:
            assert response.status == 200
            assert 'pakn_updates_handled_total{type="message"} 1.0' in await response.text()
    assert await count(db, Ticket) == 0


async def test_a_malformed_update_is_recorded_and_answered_200_and_the_next_one_is_handled(
    fake: FakeTelegram, db: AsyncSession, webhook_bot: str
) -> None:
    """Telegram sends again whatever is not answered 2xx, forever: a 500 or a 503 for an
    update that can never be taken would hold back the chat for good."""
    await make_commune(db, staff_chat=fake.add_group().id)
    hoa = fake.add_user("Hoa", started=True)

    def update(update_id: int) -> dict:
        return {
            "update_id": update_id,
            "message": {
                "message_id": 1,
                "date": 1_780_000_000,
                "chat": {"id": hoa.id, "type": "private", "first_name": "Hoa"},
                "from": {"id": hoa.id, "is_bot": False, "first_name": "Hoa"},
                "text": "/help",
            },
        }

    deep = b'{"update_id": 900000010, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    path, right = f"{webhook_bot}/telegram/hook", {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        async with http.post(path, data=deep, headers=right) as response:
            assert response.status == 200
        async with http.post(path, json=update(2**70), headers=right) as response:
            assert response.status == 200
        async with http.post(path, json=update(900_000_011), headers=right) as response:
            assert response.status == 200
    await hoa.next_message(timeout=15)  # the next update is handled
    await db.rollback()
    aside = (await db.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(a.action, a.allowed) for a in aside] == [("malformed_update", False)] * 2
    assert aside[1].detail is not None and str(2**70) in aside[1].detail
    assert await count(db, InboxUpdate) == 1, "only the good update is kept"


async def test_stopping_finishes_the_updates_already_accepted(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    port = unused_port()
    settings = webhook_settings(fake, database_url, port)
    app = BotApp.create(settings)
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    await fake.wait_until(lambda: fake.state.webhook is not None, timeout=15)
    people = [fake.add_user(f"Dân {n}", started=True) for n in range(20)]
    updates = [
        {
            "update_id": 910_000_000 + n,
            "message": {
                "message_id": 1,
                "date": 1_780_000_000,
                "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
                "from": {"id": person.id, "is_bot": False, "first_name": person.first_name},
                "text": "/help",
            },
        }
        for n, person in enumerate(people)
    ]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        for update in updates:
            async with http.post(
                f"http://127.0.0.1:{port}/telegram/hook", json=update, headers=headers
            ) as response:
                assert response.status == 200
    await app.stop()  # as on SIGTERM, right after the last update was accepted
    await asyncio.wait_for(task, timeout=30)
    assert all(person.sent_messages() for person in people), "every accepted update answered"


async def test_on_the_web_server_stopping_finishes_the_updates_already_accepted(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    await make_commune(db, staff_chat=fake.add_group("Tổ PAKN").id)
    app = BotApp.create(webhook_settings(fake, database_url, unused_port()))
    web_app = await build_web_app(app.ctx)
    server = WebServer(web_app, "127.0.0.1", 0)
    app.use_web_server(web_app, server, webhook=True)
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    await fake.wait_until(lambda: fake.state.webhook is not None, timeout=15)
    hook = f"http://127.0.0.1:{server.port}/telegram/hook"
    people = [fake.add_user(f"Dân {n}", started=True) for n in range(20)]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        too_big = b'{"update_id": 1, "padding": "' + b"x" * 1024 * 1024 + b'"}'
        async with http.post(hook, data=too_big, headers=headers) as response:
            assert response.status == 413, "an update is small; files come by id"
        for n, person in enumerate(people):
            update = {
                "update_id": 920_000_000 + n,
                "message": {
                    "message_id": 1,
                    "date": 1_780_000_000,
                    "chat": {"id": person.id, "type": "private", "first_name": "Dân"},
                    "from": {"id": person.id, "is_bot": False, "first_name": "Dân"},
                    "text": "/help",
                },
            }
            async with http.post(hook, json=update, headers=headers) as response:
                assert response.status == 200
    await app.stop()  # as on SIGTERM, right after the last update was accepted
    await asyncio.wait_for(task, timeout=30)
    assert all(person.sent_messages() for person in people), "every accepted update answered"


async def test_two_webhook_processes_share_the_updates_and_send_each_message_once(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    ports = [unused_port(), unused_port()]
    apps = [BotApp.create(webhook_settings(fake, database_url, port)) for port in ports]
    balancer = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
    front = unused_port()
    await balancer.start("127.0.0.1", front)
    fake.route_webhook(PUBLIC, f"http://127.0.0.1:{front}")
    tasks = [asyncio.create_task(app.run_webhook(handle_signals=False)) for app in apps]
    try:
        await fake.wait_until(lambda: fake.state.webhook is not None, timeout=15)
        people = [fake.add_user(f"Dân {n}") for n in range(10)]
        for person in people:
            person.send(f"Đèn đường trước nhà số {person.id % 100} bị hỏng")
        for person in people:
            await person.next_message(timeout=15)
            person.tap("✅ Có, gửi ngay")
        for person in people:
            assert "Mã hồ sơ" in (await person.next_message(timeout=15))["text"]
        await fake.wait_until(lambda: len(group.sent_messages()) >= 10, timeout=15)
        await asyncio.sleep(2)  # both outboxes have swept more than once by now
        assert [len(p.sent_messages()) for p in people] == [2] * 10, "question and receipt"
        assert len(group.sent_messages()) == 10, "one card per case"
        assert await count(db, Ticket) == 10
        assert all(balancer.handled), f"both processes handled updates: {balancer.handled}"
        assert sorted(app.outbox.sending for app in apps) == [False, True]
    finally:
        for app in apps:
            await app.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        await balancer.stop()
