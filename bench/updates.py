"""Benchmark (not a test): updates a second through the fake Bot API server, for a bare
aiogram echo bot (the ceiling), a bare python-telegram-bot echo bot, the aiogram echo behind
our crash-safe inbox (the floor the inbox sets), and ours filing cases;
our latency at a fixed offered load; our peak memory over 100,000 cases.

    .venv/bin/python -m bench.updates [--quick] [--database-url URL] [--skip-memory]
                                      [--webhook-processes N]

Targets: ours ≥ 50% of the aiogram echo rate; p99 < 100 ms at 50 updates/s; peak RSS
< 150 MB with 100,000 cases. Needs the `bench` extra (python-telegram-bot).
"""

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bench import updates_ours as ours
from bench.bot_process import bot_process
from bench.updates_echo import burst
from bench.updates_memory import memory
from bench.updates_probe import Probe, load_average, quiet
from bot.emulator import FakeTelegram
from services.database.engine import create_sync_engine, is_sqlite
from services.database.migrations import upgrade_database


async def echo_rate(bot: str, count: int, database_url: str = "") -> float:
    """`bot`: one of bench/echo_bots.py's, run as its own process."""
    async with FakeTelegram() as fake:
        probe = Probe(fake)
        async with bot_process(fake, "bench.echo_bots", bot, database_url=database_url):
            rate, _ = await burst(fake, probe, count, "xin chào")
    return rate


async def our_figures(
    url: str, residents: int, loads: list[tuple[float, float]], webhook_processes: int
) -> list:
    async with FakeTelegram() as fake:
        await ours.prepare(fake, url)
        probe = Probe(fake)
        async with ours.our_bot(fake, url, webhook_processes) as pids:
            figures: list[dict[str, float]] = [await ours.throughput(fake, probe, residents, pids)]
            for per_second, seconds in loads:
                await quiet(probe)  # the staff cards of the run before are all sent
                figures.append(await ours.latency(fake, probe, per_second, seconds))
    return figures


def forget_inbox(url: str) -> None:
    engine = create_sync_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM inboxupdate")
    engine.dispose()


def show(title: str, figures: dict[str, float]) -> None:
    shown = ", ".join(
        f"{k} {v:.0%}"
        if k.startswith("of ")
        else f"{k} {v:.1f}"
        if isinstance(v, float)
        else f"{k} {v}"
        for k, v in figures.items()
    )
    print(f"{title}: {shown}  [load {load_average()}]", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, about a minute")
    parser.add_argument("--database-url", help="ours: an empty, disposable database")
    parser.add_argument("--memory-database-url", help="memory: an empty, disposable database")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--webhook-processes",
        type=int,
        default=0,
        help="ours as N webhook processes behind a round-robin balancer (a province's "
        "deployment, on PostgreSQL) instead of one long-polling process",
    )
    args = parser.parse_args()
    echoes, residents = (300, 100) if args.quick else (2000, 400)
    seconds = 5.0 if args.quick else 20.0
    loads = [(12.0, seconds), (25.0, seconds)]  # 50 and 24 updates/s offered
    cases, memory_residents = (10_000, 50) if args.quick else (100_000, 150)
    print(f"load average at start: {load_average()}")
    ceiling = asyncio.run(echo_rate("aiogram", echoes))
    show(f"aiogram echo, {echoes} updates queued at once", {"updates/s": ceiling})
    ptb = asyncio.run(echo_rate("ptb", echoes))
    show(
        f"python-telegram-bot echo, {echoes} updates",
        {"updates/s": ptb, "of aiogram": ptb / ceiling},
    )
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'updates.db'}"
        upgrade_database(url)
        floor_url = f"sqlite:///{Path(tmp) / 'inbox-echo.db'}"
        if not is_sqlite(url):  # the same database as ours, emptied after
            floor_url = url
        upgrade_database(floor_url)
        floor = asyncio.run(echo_rate("inbox", echoes, floor_url))
        if floor_url == url:
            forget_inbox(url)  # the fake numbers its updates from the same start each run
        show(
            f"aiogram echo through our inbox, {echoes} updates",
            {"updates/s": floor, "of aiogram": floor / ceiling},
        )
        figures = asyncio.run(our_figures(url, residents, loads, args.webhook_processes))
        rate = figures[0]["updates/s"]
        how = (
            f"{args.webhook_processes} webhook processes"
            if args.webhook_processes
            else "one polling process"
        )
        show(
            f"ours ({how}), {residents} cases (text + tap) at once",
            {**figures[0], "of aiogram": rate / ceiling},
        )
        for load in figures[1:]:
            show(f"ours ({how}), paced", load)
        if not args.skip_memory:
            mem_url = args.memory_database_url or f"sqlite:///{Path(tmp) / 'memory.db'}"
            mem = memory(mem_url, cases, memory_residents)
            show("ours, python -m bot", mem)
    met = {
        "≥ 50% of aiogram echo": rate / ceiling >= 0.5,
        "p99 < 100 ms at 50 updates/s (direct answers)": max(
            figures[2]["question p99 ms"], figures[2]["tap p99 ms"]
        )
        < 100,
    }
    if not args.skip_memory:
        met["peak RSS < 150 MB"] = mem["peak RSS MB"] < 150
    for name, ok in met.items():
        print(f"{'met' if ok else 'NOT met'}: {name}")
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
