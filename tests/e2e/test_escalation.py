"""The leaders' list of late cases reaches them however many there are: the latest by name,
then a count, in one message Telegram takes (a commune with a thousand late cases had its
escalation refused as too long, every morning)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from models import Channel, Kind, Role
from services.cases import tickets
from services.desk import reminders
from services.people import residents
from tests.e2e.conftest import StaffSpec, make_commune

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LATE_CASES = 60


async def test_a_long_list_of_late_cases_reaches_the_leader_in_one_message(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh = fake.add_user("Mạnh")
    commune = await make_commune(db, members=[StaffSpec(manh.id, Role.LEADER, "Mạnh")])
    manh.start()
    await manh.next_message()
    # a resident whose chat the fake does not know: their receipts fail at once, out of the way
    hoa = await residents.get_or_create_by_telegram(db, 9, full_name="Hoa", username=None)
    policy = bot_app.ctx.policy
    for number in range(LATE_CASES):
        received = datetime(2026, 10, 1 + number % 28, 9, 0, tzinfo=VN)
        await tickets.submit_ticket(
            db,
            commune=commune,
            resident=hoa,
            policy=policy,
            now=received,
            draft=tickets.TicketDraft(
                kind=Kind.REPORT,
                category_id=None,
                text=f"Đèn đường số {number} không sáng",
                received_at=received,
                channel=Channel.TELEGRAM,
            ),
        )
    morning = datetime(2026, 12, 2, 8, 5, tzinfo=VN).astimezone(UTC)
    assert await reminders.escalate_overdue(db, policy, morning) == 1
    bot_app.outbox.wake()

    escalation = await manh.next_message(timeout=15)
    text = escalation["text"]
    assert text.startswith(f"📋 Các hồ sơ đã quá hạn trả lời ({LATE_CASES}):"), text
    assert "… và 20 hồ sơ quá hạn khác" in text and "/queue" in text
    listed = [line for line in text.splitlines() if "ngày làm việc" in line]
    assert len(listed) == 40
    first, last = (int(line.split("·")[1].split()[2]) for line in (listed[0], listed[-1]))
    assert first >= last, "the latest first"
