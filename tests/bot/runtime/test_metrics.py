"""What someone scraping /metrics sees: cases open and overdue per commune, the outbox's
depth and age, and the updates the dispatcher processed."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from aiogram import Bot, Dispatcher, F, Router
from aiogram.types import ErrorEvent, Message, Update
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.runtime.metrics import (
    Metrics,
    UpdateMetricsMiddleware,
    add_metrics_routes,
    start_metrics_server,
)
from models import Channel, Commune, DeliveryStatus, Kind, Notification, Role, Ticket
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.clock import FixedClock
from services.communes import registry as communes
from services.database.engine import create_engine_for, session_factory
from services.desk import actions as desk
from services.people import residents, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
NOW = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)  # Wednesday 10:00 in Vietnam
LONG_AGO = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)  # answer due mid-October: overdue now
YESTERDAY = NOW - timedelta(days=1)  # answer due in December

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def scrape(metrics: Metrics) -> Samples:
    app = web.Application()
    add_metrics_routes(app, metrics)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.content_type == "text/plain"
        return parse(await response.text())


async def _cases(engine: AsyncEngine) -> None:
    """07060: two overdue (one accepted), one not yet due, one answered; 00004: one not yet
    due; 00070: nothing. Then the outbox sends everything filed so far."""
    async with session_factory(engine)() as session:
        here = await communes.add_commune(session, "7060", year=2026)
        there = await communes.add_commune(session, "4", year=2026)
        await communes.add_commune(session, "70", year=2026)
        officer = await staff.add_staff(session, here, telegram_id=1, role=Role.OFFICER, name="Lan")
        resident = await residents.get_or_create_by_telegram(
            session, 1001, full_name="Nguyễn Thị Hoa", username=None
        )

        async def file(commune: Commune, at: datetime) -> Ticket:
            draft = tickets.TicketDraft(
                kind=Kind.REPORT,
                category_id=None,
                text="Đường thôn 3 bị sạt lở sau mưa",
                received_at=at,
                channel=Channel.TELEGRAM,
            )
            return await tickets.submit_ticket(
                session, commune=commune, resident=resident, draft=draft, policy=POLICY, now=at
            )

        await file(here, LONG_AGO)
        accepted = await file(here, LONG_AGO)
        await desk.acknowledge(session, accepted, officer, at=LONG_AGO, now=LONG_AGO)
        answered = await file(here, LONG_AGO)
        await desk.close(session, answered, officer, "Đã sửa xong", at=YESTERDAY, now=YESTERDAY)
        await file(here, YESTERDAY)
        await file(there, YESTERDAY)
        await session.exec(
            update(Notification).values(status=DeliveryStatus.SENT, sent_at=YESTERDAY)
        )
        await session.commit()


async def test_open_and_overdue_cases_per_commune(engine: AsyncEngine) -> None:
    await _cases(engine)
    seen = await scrape(Metrics(session_factory(engine), FixedClock(NOW)))

    assert seen[("pakn_database_up", ())] == 1
    for commune, open_, overdue in (("07060", 3, 2), ("00004", 1, 0), ("00070", 0, 0)):
        assert seen[("pakn_tickets_open", (("commune", commune),))] == open_
        assert seen[("pakn_tickets_overdue", (("commune", commune),))] == overdue
    assert seen[("pakn_outbox_pending", ())] == 0
    assert seen[("pakn_outbox_oldest_age_seconds", ())] == 0


async def test_outbox_depth_and_the_age_of_the_oldest_waiting_message(
    engine: AsyncEngine,
) -> None:
    await _cases(engine)
    async with session_factory(engine)() as session:
        here = await communes.get_commune(session, "7060")
        resident = await residents.get_or_create_by_telegram(
            session, 1002, full_name="Trần Văn Nam", username=None
        )
        for minutes in (90, 10):  # each queues a receipt and a staff card
            at = NOW - timedelta(minutes=minutes)
            draft = tickets.TicketDraft(
                kind=Kind.QUESTION,
                category_id=None,
                text="Hỏi về thủ tục cấp giấy chứng nhận",
                received_at=at,
                channel=Channel.TELEGRAM,
            )
            await tickets.submit_ticket(
                session, commune=here, resident=resident, draft=draft, policy=POLICY, now=at
            )
        # a message given up on (the resident blocked the bot) no longer waits
        older = NOW - timedelta(days=3)
        await session.exec(
            update(Notification)
            .where(col(Notification.id) == 1)
            .values(status=DeliveryStatus.FAILED, created_at=older)
        )
        await session.commit()
    clock = FixedClock(NOW)
    metrics = Metrics(session_factory(engine), clock)

    seen = await scrape(metrics)
    assert seen[("pakn_outbox_pending", ())] == 4
    assert seen[("pakn_outbox_oldest_age_seconds", ())] == 90 * 60
    assert seen[("pakn_tickets_open", (("commune", "07060"),))] == 5

    clock.set(NOW + timedelta(minutes=5))  # nothing sent meanwhile: the queue only ages
    seen = await scrape(metrics)
    assert seen[("pakn_outbox_oldest_age_seconds", ())] == 95 * 60


def _update(update_id: int, **event: object) -> Update:
    return Update.model_validate({"update_id": update_id, **event})


def _message(text: str) -> dict[str, object]:
    chat = {"id": 1001, "type": "private"}
    user = {"id": 1001, "is_bot": False, "first_name": "Hoa"}
    return {"message_id": 1, "date": 1_763_434_800, "chat": chat, "from": user, "text": text}


async def test_updates_and_failures_are_counted_by_the_dispatcher(engine: AsyncEngine) -> None:
    metrics = Metrics(session_factory(engine), FixedClock(NOW))
    router = Router()

    @router.message(F.text == "boom")
    async def fail(message: Message) -> None:
        raise RuntimeError("a handler bug")

    @router.message()
    async def ok(message: Message) -> None:
        return None

    @router.errors()
    async def polite(event: ErrorEvent) -> bool:  # as bot/runtime/errors.py: swallowed
        return True

    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(UpdateMetricsMiddleware(metrics))
    dispatcher.include_router(router)
    bot = Bot("123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    try:
        await dispatcher.feed_update(bot, _update(1, message=_message("xin chào")))
        await dispatcher.feed_update(bot, _update(2, message=_message("boom")))
        query = {
            "id": "q1",
            "from": {"id": 1001, "is_bot": False, "first_name": "Hoa"},
            "chat_instance": "c1",
            "data": "v1:nothing",
        }
        await dispatcher.feed_update(bot, _update(3, callback_query=query))
    finally:
        await bot.session.close()

    seen = await scrape(metrics)
    assert seen[("pakn_updates_handled_total", (("type", "message"),))] == 2
    assert seen[("pakn_updates_handled_total", (("type", "callback_query"),))] == 1
    assert seen[("pakn_handler_errors_total", ())] == 1


async def test_polling_mode_serves_metrics_on_its_own_port(engine: AsyncEngine) -> None:
    await _cases(engine)
    metrics = Metrics(session_factory(engine), FixedClock(NOW))
    runner = await start_metrics_server(metrics, "127.0.0.1", 0)
    try:
        host, port = runner.addresses[0][:2]
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://{host}:{port}/metrics") as response,
        ):
            seen = parse(await response.text())
    finally:
        await runner.cleanup()
    assert seen[("pakn_tickets_overdue", (("commune", "07060"),))] == 2


async def test_a_database_that_cannot_be_read_is_reported_not_a_failed_scrape(
    tmp_path: Path,
) -> None:
    broken = create_engine_for(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    try:
        metrics = Metrics(session_factory(broken), FixedClock(NOW))
        metrics.updates.labels(type="message").inc()
        seen = await scrape(metrics)
    finally:
        await broken.dispose()
    assert seen[("pakn_database_up", ())] == 0
    assert ("pakn_outbox_pending", ()) not in seen
    assert seen[("pakn_updates_handled_total", (("type", "message"),))] == 1
