"""The sandbox: the Bot API emulator and the page in one aiohttp app, the real bot polling
it, a database of its own, the demo commune, and the scheduler on sandbox time."""

import asyncio
import logging
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.emulator import FakeTelegram, FakeUser
from bot.outbox.rate_limit import RateLimiter
from bot.runtime.app import BotApp
from config.settings import Settings
from models import Commune

from . import demo
from .chatlog import ChatLog
from .clock import SandboxClock, clock_json, target
from .events import EventHub
from .ticker import Run, SandboxScheduler

log = logging.getLogger(__name__)
# Not a Telegram token: the sandbox's bot talks only to its own emulator.
SANDBOX_TOKEN = "100000001:SANDBOX-fake-token-never-sent-to-Telegram"
BOT_USERNAME = "homthuso_sandbox_bot"
TIMEZONE = "Asia/Ho_Chi_Minh"


def sandbox_settings(directory: Path, api_url: str) -> Settings:
    """Nothing from .env or the environment that could reach production: not its database,
    token, Redis, SMTP, webhook, backups, files or erasure ledger."""
    return Settings(
        _env_file=None,
        bot_token=SANDBOX_TOKEN,
        database_url=f"sqlite:///{directory / 'sandbox.db'}",
        data_dir=str(directory / "data"),
        erasure_ledger=None,
        bot_api_url=api_url,
        timezone=TIMEZONE,
        redis_url=None,
        smtp_host=None,
        webhook_url=None,
        metrics_port=0,
        backup_dir=None,
    )


class Sandbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.database_url = f"sqlite:///{directory / 'sandbox.db'}"
        self.clock = SandboxClock()
        self.fake = FakeTelegram(
            SANDBOX_TOKEN, bot_username=BOT_USERNAME, clock=self.clock.timestamp
        )
        self.events = EventHub()
        self.chatlog = ChatLog(self.fake.state, self._chat_changed, ZoneInfo(TIMEZONE))
        self.lang = "vi"
        self.phones: list[demo.Phone] = []
        self.address = ""
        self.token = secrets.token_urlsafe(24)  # only the page holds it (guard.py)
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self.app: BotApp | None = None
        self.commune: Commune | None = None
        self.ticker: SandboxScheduler | None = None

    # lifecycle ---------------------------------------------------------------------------
    async def start(self, port: int = 8080, host: str = "127.0.0.1") -> str:
        from services.database.migrations import upgrade_database

        from .routes import add_routes

        upgrade_database(self.database_url)  # a second or so, before anything else runs
        web_app = self.fake.server.application()
        add_routes(web_app, self)
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.fake.server.base_url = f"http://{bound_host}:{bound_port}"
        self.address = f"http://{bound_host}:{bound_port}/"
        app = BotApp.create(sandbox_settings(self.directory, self.fake.base_url), self.clock)
        self.app = app
        async with app.ctx.sessions() as session:
            self.commune, self.phones = await demo.seed(session, self.fake, self.lang)
        self.chatlog.refresh(self.chat_ids)
        # Telegram's sending limits counted in sandbox time: a jump of a week is not held
        # back by messages "sent" a sandbox week ago.
        app.outbox.limiter = RateLimiter(clock=self.clock.timestamp)
        self.ticker = SandboxScheduler(app.ctx, self.clock, app.outbox.deliver_due)
        self._tasks = [
            asyncio.create_task(app.run_polling(handle_signals=False), name="sandbox-bot"),
            asyncio.create_task(self.ticker.run_forever(), name="sandbox-scheduler"),
            asyncio.create_task(self._watch(), name="sandbox-watch"),
        ]
        return self.address

    async def stop(self) -> None:
        if self.ticker is not None:
            self.ticker.stop()
        if self.app is not None:
            await self.app.stop()
        self.fake.state.updates.close()
        self.events.close()
        for task in self._tasks:
            if task.get_name() == "sandbox-watch":
                task.cancel()
        for task in self._tasks:
            try:
                await asyncio.wait_for(task, timeout=15)
            except asyncio.CancelledError:
                pass
            except Exception:  # stopping goes on: the page server still closes
                log.exception("sandbox: %s did not stop cleanly", task.get_name())
        if self._runner is not None:
            await self._runner.cleanup()

    async def _watch(self) -> None:
        """Tell the page which chats changed (at most every 50 ms)."""
        while True:
            await self.fake.state.changed(30)
            await asyncio.sleep(0.05)
            self.chatlog.refresh(self.chat_ids)

    def _chat_changed(self, chat_id: int) -> None:
        self.events.publish("chat", {"chat_id": chat_id})

    # the page's view ---------------------------------------------------------------------
    @property
    def chat_ids(self) -> list[int]:
        return [phone.chat_id for phone in self.phones]

    def phone(self, chat_id: int) -> demo.Phone | None:
        return next((p for p in self.phones if p.chat_id == chat_id), None)

    def user(self, phone: demo.Phone) -> FakeUser:
        return self.fake.user(phone.user_id)

    def clock_json(self) -> dict[str, str]:
        assert self.app is not None
        return clock_json(self.clock.now(), self.app.ctx.tz, self.lang)

    # what the page changes ---------------------------------------------------------------
    async def add_resident(self) -> demo.Phone | None:
        taken = sum(1 for p in self.phones if p.kind == "resident")
        if taken >= len(demo.RESIDENTS):
            return None
        assert self.app is not None
        async with self.app.ctx.sessions() as session:
            phone = await demo.add_resident(session, self.fake, taken, self.lang)
        self.phones.append(phone)
        self.chatlog.refresh(self.chat_ids)
        return phone

    async def set_lang(self, lang: str) -> None:
        assert self.app is not None
        self.lang = lang
        users = [self.fake.user(user_id) for user_id in sorted(self.fake.state.users)]
        async with self.app.ctx.sessions() as session:
            await demo.set_language(session, users, lang)
        await demo.menus_again(self.app.bot, self.app.i18n, users, lang)
        self.events.publish("clock", self.clock_json())

    async def advance(self, step: str) -> list[Run]:
        """Move sandbox time; run the scheduled jobs that fell due on the way."""
        assert self.app is not None and self.ticker is not None and self.commune is not None
        ctx = self.app.ctx
        async with ctx.sessions() as session:
            calendar = await ctx.policy.calendar_for(session, self.commune.id)
        ran = await self.ticker.run_until(target(self.clock.now(), step, calendar, ctx.tz))
        self.events.publish("clock", self.clock_json())
        return ran
