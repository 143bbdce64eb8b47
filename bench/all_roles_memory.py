"""Peak memory of ONE process running Telegram, the web page and the scheduler (`python -m
bot --role all`, as a commune deploys it) on a database of 100,000 cases, while each role
works. Not a test: nothing fails the build.

    .venv/bin/python -m bench.all_roles_memory                 # 100,000 cases, ~2 minutes
    .venv/bin/python -m bench.all_roles_memory --cases 20000 --seconds 10   # a quick look
    .venv/bin/python -m bench.all_roles_memory --at now        # the jobs at the real hour

The process runs on a copy of `bench.bulk_cases`'s database (4 communes, two years up to
yesterday; built once and cached), against the fake Bot API server of `bot/emulator/`
(BOT_API_URL), each commune with its staff group and its staff as Telegram users of the
fake, one leader each. In order:

1. it starts, and its scheduler catches up at once, as after any restart: every job once
   (`scheduler/jobs.py`, `run_all`). The reminders, the digest and the escalation act only
   in working hours, so by default the process's clock is moved to 08:05 of the next
   working day (`bench.shifted_clock`) unless it is already working hours: the reminders
   of every overdue case, the morning digest and the leaders' escalation are then all made
   and sent on start. `--at now` keeps the machine's clock;
2. once the catch-up is done (its jobs have marked what they did, then nothing for 5 s),
   for `--seconds`: residents on Telegram, one every 1/`--residents-rate` s, open the
   commune's deep link (/start c-CODE), write a case and tap "✅ Có, gửi ngay"; an officer
   sends /queue and /find; residents file text cases on the web page (open loop) and read
   case pages of the database's web cases, each a different one;
3. it waits for the outbox to fall quiet, at most a minute: on a morning start it is not
   (a staff group takes 20 messages a minute, and the morning's reminders are hundreds).

RSS from /proc/<pid>/status: VmRSS once it polls, after the catch-up, at the end, and VmHWM
(the peak) at the end."""

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from bench.bot_process import bot_process, cpu_seconds
from bench.bulk_cases import VN, CaseDatabase, case_database
from bench.shifted_clock import morning_shift
from bench.updates_ours import CASE, CONFIRM, RECEIPT
from bench.updates_probe import Probe, load_average, percentile, until
from bench.web_filing import _file, _free_port, _paced, _summary, freeze_client, residents_client
from bot.emulator import FakeTelegram, FakeUser
from models import Commune, Role, Staff
from services.communes import registry as communes
from services.database.engine import create_engine_for, session_factory
from services.people import staff as staff_service


def show(line: str) -> None:
    print(line, flush=True)


def rss_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (the peak so far), MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) / 1024
    return out


async def prepare(fake: FakeTelegram, url: str) -> dict[str, FakeUser]:
    """Each commune: a staff group, its staff as the fake's users, a leader. Returns one
    officer of each commune, by commune code."""
    engine = create_engine_for(url)
    officers: dict[str, FakeUser] = {}
    async with session_factory(engine)() as session:
        for commune in (await session.exec(select(Commune))).all():
            await communes.update_commune(session, commune, staff_chat_id=fake.add_group().id)
            members = (
                await session.exec(select(Staff).where(Staff.commune_id == commune.id))
            ).all()
            for member in members:
                user = fake.add_user(member.name, started=True)
                member.telegram_id = user.id
                session.add(member)
                officers.setdefault(commune.code, user)
            await session.commit()
            leader = fake.add_user("Chủ tịch", started=True)
            await staff_service.add_staff(
                session, commune, telegram_id=leader.id, role=Role.LEADER, name="Chủ tịch UBND"
            )
    await engine.dispose()
    return officers


def marks(path: Path) -> dict[str, int]:
    """The scheduler's marks (what its jobs did), by job."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT job, count(*) FROM jobmark GROUP BY job").fetchall()
    return dict(rows)


def notifications(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT status, count(*) FROM notification GROUP BY status").fetchall()
    return dict(rows)


async def caught_up(
    pid: int, path: Path, morning: bool, communes_count: int
) -> tuple[float, dict[str, tuple[float, float]]]:
    """Waits for the start-up catch-up: in the morning the digest and the escalation marked
    for every commune, then no job marking anything for 5 s (the process is not idle: the
    outbox goes on sending what the jobs queued). Returns its time and, for each job's
    marks, when they first appeared and the RSS then."""
    started = time.monotonic()
    first_seen: dict[str, tuple[float, float]] = {}
    last: dict[str, int] = {}
    changed = started
    while time.monotonic() - started < 600:
        now, done = time.monotonic(), marks(path)
        for job in done:
            first_seen.setdefault(job, (now - started, rss_mb(pid)["VmRSS"]))
        if done != last:
            last, changed = done, now
        marked = not morning or all(
            done.get(job, 0) >= communes_count for job in ("digest", "escalation")
        )
        if marked and now - changed >= 5:
            break
        await asyncio.sleep(0.25)
    return changed - started, first_seen


async def telegram_residents(
    fake: FakeTelegram, probe: Probe, codes: list[str], rate: float, seconds: float
) -> dict[str, float]:
    """A resident every 1/rate s: the commune's deep link, a case, the confirm tap; the
    receipt's time from the tap."""
    receipts: list[float] = []

    async def one(n: int) -> None:
        user = fake.add_user(f"Người dân Telegram {n}")
        user.start(f"c-{codes[n % len(codes)]}")
        await user.next_message(timeout=120)
        user.send(CASE)
        await until(lambda: any(CONFIRM in str(m) for m in user.sent_messages()), 120, "question")
        tapped = time.monotonic()
        user.tap(CONFIRM)
        await until(lambda: probe.first_to(user.id, RECEIPT, after=tapped) is not None, 300, "rcpt")
        receipts.append((probe.first_to(user.id, RECEIPT, after=tapped) or 0.0) - tapped)

    tasks = []
    started = time.monotonic()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    return {
        "cases": len(receipts),
        "receipt p50 ms": percentile(receipts, 0.5) * 1000,
        "receipt p99 ms": percentile(receipts, 0.99) * 1000,
    }


async def officer_commands(officer: FakeUser, seconds: float) -> int:
    """/queue and /find, one every few seconds; how many were answered."""
    answered = 0
    for n in range(max(1, int(seconds / 5))):
        before = len(officer.sent_messages())
        officer.send("/queue" if n % 2 == 0 else "/find đèn chiếu sáng")
        await until(lambda b=before: len(officer.sent_messages()) > b, 120, "/queue, /find")
        answered += 1
        await asyncio.sleep(5)
    return answered


async def web_load(
    port: int, cases: CaseDatabase, rates: tuple[float, float], seconds: float
) -> list[str]:
    """Text filings and case page reads side by side, open loop; their summaries."""
    async with residents_client(port) as client:
        form_page = f"/x/{cases.commune_codes[0]}"
        counter = iter(range(10**9))
        pages = [f"/h/{c}/{t}" for c, t, _ in random.sample(cases.links, int(rates[1] * seconds))]

        async def filing(n: int) -> tuple[float, str]:
            return await _file(client, form_page, next(counter), None)

        async def page(n: int) -> tuple[float, str]:
            started = time.perf_counter()
            shown = await client.get(pages[n])
            assert shown.status_code == 200, shown.status_code
            return time.perf_counter() - started, pages[n]

        work: list[Awaitable[tuple[list[float], list[str], int]]] = [
            _paced(rates[0], seconds, filing),
            _paced(rates[1], seconds, page),
        ]
        (filed, _, filing_errors), (read, _, page_errors) = await asyncio.gather(*work)
    return [
        _summary(f"web: text filing at {rates[0]}/s", filed, filing_errors),
        _summary(f"web: case page at {rates[1]}/s", read, page_errors),
    ]


async def run(args: argparse.Namespace) -> None:
    directory = Path(tempfile.mkdtemp(prefix="pakn-all-roles-"))
    try:
        await measure(args, case_database(args.cases), directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)  # a copy of 100,000 cases is 160 MB


async def measure(args: argparse.Namespace, cases: CaseDatabase, directory: Path) -> None:
    url = cases.fresh_copy(directory)
    path = directory / "pakn.db"
    shift = 0.0 if args.at == "now" else morning_shift(datetime.now(UTC), VN)
    port = _free_port()
    environment = {
        "WEB_PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "TRUSTED_PROXIES": "127.0.0.1",
        "DATA_DIR": str(directory / "data"),
    }
    show(f"load average at the start: {load_average()}")
    async with FakeTelegram() as fake:
        officers = await prepare(fake, url)
        probe = Probe(fake)
        at = datetime.now(UTC).timestamp() + shift
        show(f"the process's clock: {datetime.fromtimestamp(at, VN):%Y-%m-%d %H:%M} local")
        started = time.monotonic()
        async with bot_process(
            fake,
            "bench.shifted_clock",
            str(shift),
            "--role",
            "all",
            database_url=url,
            environment=environment,
        ) as proc:
            polling = rss_mb(proc.pid)
            show(f"polling after {time.monotonic() - started:.1f} s: RSS {polling['VmRSS']:.1f} MB")
            took, jobs = await caught_up(
                proc.pid, path, shift > 0 or args.at != "now", len(officers)
            )
            after = rss_mb(proc.pid)
            show(
                "the jobs' first marks: "
                + ", ".join(
                    f"{job} {t:.1f} s (RSS {r:.0f} MB)"
                    for job, (t, r) in sorted(jobs.items(), key=lambda j: j[1][0])
                )
            )
            show(
                f"catch-up done in {took:.0f} s: RSS {after['VmRSS']:.1f} MB, "
                f"peak so far {after['VmHWM']:.1f} MB; jobs' marks {marks(path)}; "
                f"notifications {notifications(path)}"
            )
            freeze_client()
            load_started = time.monotonic()
            telegram, commands, web = await asyncio.gather(
                telegram_residents(
                    fake, probe, cases.commune_codes, args.residents_rate, args.seconds
                ),
                officer_commands(officers[cases.commune_codes[0]], args.seconds),
                web_load(port, cases, (args.web_rate, args.page_rate), args.seconds),
            )
            show(f"load done in {time.monotonic() - load_started:.0f} s")
            show(f"telegram: {telegram}; officer's /queue and /find answered: {commands}")
            for line in web:
                show(line)
            try:
                await until(lambda: time.monotonic() - probe.last > 3, 60, "the outbox")
            except TimeoutError:
                show("the outbox was still sending a minute later")
            end = rss_mb(proc.pid)
            show(f"notifications {notifications(path)}")
            show(
                f"RSS once polling {polling['VmRSS']:.1f} MB, after the catch-up "
                f"{after['VmRSS']:.1f} MB, at the end {end['VmRSS']:.1f} MB; "
                f"PEAK (VmHWM) {end['VmHWM']:.1f} MB"
            )
            show(f"CPU of the process: {cpu_seconds(proc.pid):.1f} s")
    show(f"load average at the end: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--residents-rate", type=float, default=2, help="Telegram cases/s")
    parser.add_argument("--web-rate", type=float, default=5, help="web filings/s")
    parser.add_argument("--page-rate", type=float, default=20, help="case pages/s")
    parser.add_argument(
        "--at", default="morning", choices=("morning", "now"), help="the process's clock"
    )
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # as deploy/*.service runs it
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
