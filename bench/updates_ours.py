"""Our bot (`python -m bot`, its own process) under the benchmark of updates: the rate it
answers residents filing cases, and the latency of its answers at a fixed offered load."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from aiohttp.test_utils import unused_port

from bench.bot_process import bot_process, cpu_seconds
from bench.updates_echo import burst
from bench.updates_probe import Probe, percentile, quiet, until
from bot.emulator import FakeTelegram, FakeUser
from bot.emulator.balancer import RoundRobin
from services.database.engine import create_engine_for, session_factory
from tests.e2e.conftest import make_commune

CASE = "Đèn đường thôn Đông hỏng ba hôm nay, buổi tối rất tối"
CONFIRM = "✅ Có, gửi ngay"
RECEIPT = "Mã hồ sơ"
PUBLIC = "https://pakn.example.gov.vn"
WEBHOOK_SECRET = "bench-webhook-secret-0123456789"


async def prepare(fake: FakeTelegram, database_url: str) -> None:
    """One commune, its staff group (where the staff cards go)."""
    engine = create_engine_for(database_url)
    async with session_factory(engine)() as session:
        await make_commune(session, staff_chat=fake.add_group().id)
    await engine.dispose()


@asynccontextmanager
async def our_bot(
    fake: FakeTelegram, database_url: str, webhook_processes: int = 0
) -> AsyncIterator[list[int]]:
    """The bot as a commune runs it (the embedded default: long polling, the bot and its
    scheduler in one process), or as a province would: `webhook_processes` processes
    serving the webhook behind a round-robin balancer, on one database. Yields the pids."""
    if not webhook_processes:
        async with bot_process(fake, "bot", database_url=database_url) as proc:
            yield [proc.pid]
        return
    ports = [unused_port() for _ in range(webhook_processes)]
    front = unused_port()
    fake.route_webhook(PUBLIC, f"http://127.0.0.1:{front}")
    async with AsyncExitStack() as stack:
        balancer = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
        await stack.enter_async_context(await balancer.start("127.0.0.1", front))
        pids = []
        for port in ports:
            before = len(fake.calls_to("setWebhook"))
            environment = {
                "WEBHOOK_URL": f"{PUBLIC}/telegram/hook",
                "WEBHOOK_SECRET": WEBHOOK_SECRET,
                "WEB_PORT": str(port),  # `all` serves the webhook on the web server
            }
            proc = await stack.enter_async_context(
                bot_process(
                    fake,
                    "bot",
                    "--webhook",
                    database_url=database_url,
                    environment=environment,
                    ready=webhook_set(fake, before),
                )
            )
            pids.append(proc.pid)
        yield pids


def webhook_set(fake: FakeTelegram, before: int) -> Callable[[], bool]:
    """Ready: the process has set the webhook (each does once it serves)."""
    return lambda: len(fake.calls_to("setWebhook")) > before


def receipts(probe: Probe, users: list[FakeUser]) -> int:
    return sum(1 for u in users if probe.first_to(u.id, RECEIPT) is not None)


async def throughput(
    fake: FakeTelegram, probe: Probe, residents: int, pids: list[int]
) -> dict[str, float]:
    """`residents` texts queued at once (answered by the confirm question), then their
    taps at once (answered by answerCallbackQuery); receipts then drain at 30/s. Also the
    CPU the bot process spent per case, both updates and the two outbox messages."""
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    texts, users = await burst(fake, probe, residents, CASE)
    await until(lambda: all(u.sent_messages() for u in users), 30, "questions stored")
    started = time.monotonic()
    taps = [u.tap(CONFIRM)["id"] for u in users]
    await until(lambda: all(t in probe.answered for t in taps), 600, "taps answered")
    taps_rate = residents / (max(probe.answered[t] for t in taps) - started)
    await until(lambda: receipts(probe, users) == residents, 600, "receipts")
    await quiet(probe)  # the staff cards too
    cpu_ms = (sum(cpu_seconds(pid) for pid in pids) - cpu_before) / residents * 1000
    both = 2 / (1 / texts + 1 / taps_rate)  # updates/s over both halves
    return {"texts/s": texts, "taps/s": taps_rate, "updates/s": both, "CPU ms/case": cpu_ms}


@dataclass
class Latencies:
    question: list[float] = field(default_factory=list)  # text queued → confirm question
    tap: list[float] = field(default_factory=list)  # tap queued → callback answered
    receipt: list[float] = field(default_factory=list)  # tap queued → receipt


async def one_resident(user: FakeUser, probe: Probe, out: Latencies) -> None:
    sent = time.monotonic()
    user.send(CASE)
    await user.next_message(timeout=120)
    question = probe.first_to(user.id, after=sent)
    assert question is not None
    out.question.append(question - sent)
    tapped = time.monotonic()
    tap = user.tap(CONFIRM)["id"]
    await until(lambda: probe.first_to(user.id, RECEIPT, after=tapped) is not None, 600, "rcpt")
    out.tap.append(probe.answered[tap] - tapped)
    out.receipt.append((probe.first_to(user.id, RECEIPT, after=tapped) or 0.0) - tapped)


async def latency(
    fake: FakeTelegram, probe: Probe, per_second: float, seconds: float
) -> dict[str, float]:
    """A new resident every 1/per_second s sends a case and taps confirm as soon as the
    question arrives: offered load 2 × per_second updates/s."""
    out = Latencies()
    tasks = []
    started = time.monotonic()
    for i in range(round(per_second * seconds)):
        await asyncio.sleep(max(0.0, started + i / per_second - time.monotonic()))
        user = fake.add_user(f"Cư dân {i}")
        tasks.append(asyncio.create_task(one_resident(user, probe, out)))
    await asyncio.gather(*tasks)
    result = {"offered updates/s": 2 * per_second, "cases": len(tasks)}
    for name in ("question", "tap", "receipt"):
        values = getattr(out, name)
        result[f"{name} p50 ms"] = percentile(values, 0.5) * 1000
        result[f"{name} p99 ms"] = percentile(values, 0.99) * 1000
    return result
