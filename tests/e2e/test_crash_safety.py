"""Kill the bot with SIGKILL at random moments while residents file cases; after it comes
back, every case exists exactly once and every resident got a receipt.

The fake Bot API server delivers again whatever the bot did not confirm, as Telegram does.
PAKN_CRASH_RESIDENTS sets how many residents file (1,000 as the issue asks; the suite's
default is smaller so that both databases fit the CI budget)."""

import asyncio
import os
import random
import signal
import sys
from pathlib import Path

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.emulator.users.actors import FakeUser
from models import DeliveryStatus, InboxUpdate, Notification, Resident, Ticket
from tests import ROOT
from tests.e2e.conftest import make_commune

RESIDENTS = int(os.environ.get("PAKN_CRASH_RESIDENTS", "200"))
KILLS = 5
CONFIRM = "✅ Có, gửi ngay"


def has_button(user: FakeUser, label: str) -> bool:
    return any(
        button.get("text") == label
        for message in user.sent_messages()
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
    )


def receipts(user: FakeUser) -> int:
    return sum("Mã hồ sơ" in (m.get("text") or "") for m in user.sent_messages())


class Bot:
    """`python -m bot` as a separate process, killed and started again."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0

    async def start(self) -> None:
        self.runs += 1
        log = (self.cwd / f"bot-{self.runs}.log").open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.cwd, env=self.env, stdout=log, stderr=log
        )
        log.close()

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=60)
        return self.process.returncode or 0


async def residents_file(fake: FakeTelegram, people: list[FakeUser]) -> None:
    """Each writes one message, then taps to send it when the bot asks; a few a second."""
    waiting_question = list(people)
    for number, person in enumerate(people):
        person.send(f"Phản ánh số {number}: đèn đường ngõ {number} không sáng")
        if number % 20 == 19:
            await asyncio.sleep(0.2)
    while waiting_question:
        for person in [p for p in waiting_question if has_button(p, CONFIRM)]:
            person.tap(CONFIRM)
            waiting_question.remove(person)
        await asyncio.sleep(0.2)


def bot_log_troubles(logs: Path) -> list[str]:
    lines = []
    for log in sorted(logs.glob("bot-*.log")):
        troubles = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if "ERROR" in line or "WARNING" in line or "Error" in line
        ]
        lines += [f"  {log.name}: {line[:300]}" for line in troubles[:15]]
    return lines


async def what_went_wrong(db: AsyncSession, people: list[FakeUser], logs: Path) -> str:
    """For a run that failed in CI: who is missing a receipt, and what the database and the
    bot's logs say about them."""
    missing = [p for p in people if not receipts(p)]
    lines = [f"{len(missing)} of {len(people)} residents got no receipt"]
    for person in missing[:5]:
        said = [(m.get("text") or "")[:60] for m in person.sent_messages()]
        tickets = (
            await db.exec(
                select(func.count(col(Ticket.id)))
                .join(Resident, col(Ticket.resident_id) == col(Resident.id))
                .where(col(Resident.telegram_id) == person.id)
            )
        ).one()
        lines.append(f"  {person!r}: {tickets} case(s); the bot said {said}")
    undone = (await db.exec(select(InboxUpdate).where(col(InboxUpdate.done_at).is_(None)))).all()
    lines += [f"  undone {u.update_id} chat {u.chat_id} attempts {u.attempts}" for u in undone]
    unsent = (
        await db.exec(select(Notification).where(col(Notification.status) != DeliveryStatus.SENT))
    ).all()
    lines += [f"  unsent {n.id} {n.kind} {n.status} {n.last_error}" for n in unsent[:10]]
    failed = (await db.exec(select(InboxUpdate).where(col(InboxUpdate.error).is_not(None)))).all()
    lines += [f"  failed update {u.update_id}: {u.error}" for u in failed[:10]]
    lines += bot_log_troubles(logs)
    return "\n".join(lines)


async def test_no_case_is_lost_or_doubled_when_the_bot_is_killed_at_random(
    fake: FakeTelegram, database_url: str, db: AsyncSession, tmp_path: Path
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    people = [fake.add_user(f"Dân {n}") for n in range(RESIDENTS)]
    bot = Bot(
        {
            **os.environ,
            "BOT_TOKEN": fake.token,
            "BOT_API_URL": fake.base_url,
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        },
        tmp_path,
    )
    chance = random.Random(RESIDENTS)  # reproducible moments, not security
    await bot.start()
    filing = asyncio.create_task(residents_file(fake, people))
    try:
        for _ in range(KILLS):
            await asyncio.sleep(chance.uniform(1.0, 6.0))
            await bot.kill()
            await bot.start()
        await asyncio.wait_for(filing, timeout=600)
        try:
            await fake.wait_until(lambda: all(receipts(p) for p in people), timeout=600)
        except AssertionError:
            raise AssertionError(await what_went_wrong(db, people, tmp_path)) from None
    finally:
        filing.cancel()
        returncode = await bot.stop()
    assert returncode == 0

    cases_per_resident = (
        await db.exec(
            select(Resident.telegram_id, func.count(col(Ticket.id)))
            .join(Ticket, col(Ticket.resident_id) == col(Resident.id))
            .group_by(col(Resident.telegram_id))
        )
    ).all()
    assert len(cases_per_resident) == RESIDENTS
    assert {count for _, count in cases_per_resident} == {1}, "each case exists exactly once"
    assert all(receipts(p) >= 1 for p in people), "every resident got a receipt"
    undone = await db.exec(
        select(func.count()).select_from(InboxUpdate).where(col(InboxUpdate.done_at).is_(None))
    )
    assert undone.one() == 0
    doubled = sum(receipts(p) > 1 for p in people)
    print(f"\n{RESIDENTS} residents, {KILLS} kills: receipts sent twice to {doubled}")
