"""Benchmark (not a test): drain 2,000 queued notifications to 2,000 chats through the fake
Bot API server, which answers 429 above 30 messages a second. Prints the messages a second
achieved and the number of 429s. Target: at least 95% of 30/s, and no 429.

    .venv/bin/python -m bench.outbox_drain [--messages 2000] [--database-url URL]
"""

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from sqlmodel import select

from bot.emulator import FakeTelegram
from bot.outbox.sender import Outbox
from bot.runtime.i18n import build_i18n
from config.context import build_context
from config.settings import Settings
from models import DeliveryStatus, Notification, NotificationKind, RecipientKind, Role, Staff
from services.communes import registry as communes
from services.database.engine import create_engine_for
from services.database.migrations import upgrade_database

RATE = 30


async def drain(count: int, database_url: str) -> tuple[float, int, int]:
    async with FakeTelegram() as fake:
        fake.rate_limit(per_second=RATE)
        users = [fake.add_user(f"Cán bộ {i}", started=True) for i in range(count)]
        settings = Settings(
            bot_token=fake.token,
            database_url=database_url,
            bot_api_url=fake.base_url,
        )
        engine = create_engine_for(database_url)
        ctx = build_context(settings, engine)
        async with ctx.sessions() as session:
            commune = await communes.add_commune(session, "7060", year=2026)
            assert commune.id is not None
            staff = [
                Staff(commune_id=commune.id, telegram_id=u.id, role=Role.OFFICER, name=f"CB {i}")
                for i, u in enumerate(users)
            ]
            session.add_all(staff)
            await session.flush()
            now = datetime.now(UTC)
            session.add_all(
                Notification(
                    kind=NotificationKind.STAFF_ALERT,
                    commune_id=commune.id,
                    recipient_kind=RecipientKind.STAFF,
                    recipient_id=member.id,
                    payload={"alert": "staff_blocked", "staff_name": member.name},
                    next_attempt_at=now,
                    created_at=now,
                )
                for member in staff
            )
            await session.commit()
        bot = build_bot_for(fake)
        outbox = Outbox(bot, ctx, build_i18n())

        def delivered() -> int:
            return len(fake.calls_to("sendMessage")) - len(fake.errors)

        started = time.monotonic()
        worker = asyncio.create_task(outbox.run())
        next_report = started + 10
        while delivered() < count:
            await asyncio.sleep(0.05)
            if time.monotonic() >= next_report:
                elapsed = time.monotonic() - started
                print(f"  {elapsed:5.1f} s: {delivered()} sent ({delivered() / elapsed:.2f}/s)")
                next_report += 10
        elapsed = time.monotonic() - started
        outbox.stop()
        await worker
        async with ctx.sessions() as session:
            statuses = (await session.exec(select(Notification.status))).all()
        await bot.session.close()
        await engine.dispose()
        floods = len([e for e in fake.errors if e[1] == 429])
        unsent = sum(1 for s in statuses if s is not DeliveryStatus.SENT)
        return count / elapsed, floods, unsent


def build_bot_for(fake: FakeTelegram) -> Bot:
    return fake.bot(default=DefaultBotProperties(parse_mode="HTML"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_database(url)
        print(f"draining {args.messages} notifications to {args.messages} chats, limit {RATE}/s")
        rate, floods, unsent = asyncio.run(drain(args.messages, url))
    share = rate / RATE
    print(f"achieved: {rate:.2f} messages/s ({share:.1%} of {RATE}/s); 429s: {floods}")
    if unsent:
        print(f"NOT SENT: {unsent}")
    ok = share >= 0.95 and floods == 0 and not unsent
    print("target met" if ok else "target NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
