"""/log end to end: staff record cases received in person, by phone, in the suggestion box;
the card shows the channel; the answer is recorded as given, never "sent"; strangers are
refused; a Telegram resident who shares the same phone sees the offline case in /mine."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import (
    AuditEntry,
    Channel,
    DeliveryStatus,
    Notification,
    RecipientKind,
    Role,
    Ticket,
    TicketEvent,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.statistics import figures as statistics
from services.statistics.periods import Period
from tests.e2e.conftest import StaffSpec, make_commune

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WORDS = "Cống thoát nước thôn 2 bị tắc, nước tràn ra đường"


async def _log(user: FakeUser, channel: str, *, when: str | None = None) -> str:
    """The shortest /log: the channel, a time, the kind and field, no name nor phone."""
    user.tap(channel)
    await user.next_message()  # "Nhận lúc nào?"
    if when:
        user.send(when)
    else:
        user.tap("🕒 Vừa nhận")
    await user.next_message()
    user.tap("Phản ánh")
    await user.next_message()
    user.tap("Môi trường")
    await user.next_message()  # the name
    user.tap("Bỏ qua")
    await user.next_message()  # the phone
    user.tap("Bỏ qua")
    await user.next_message()
    user.send(WORDS)
    await user.next_message()
    user.tap("Tiếp tục ➡️")
    review = await user.next_message()
    user.tap("💾 Lưu")
    done = await user.next_message()
    assert "Đã ghi nhận hồ sơ" in done["text"], review["text"]
    return next(w for w in done["text"].split() if w.startswith("PA"))


async def test_a_case_received_in_person_is_logged_answered_and_linked(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    lan, stranger = fake.add_user("Lan"), fake.add_user("Khách")
    group = fake.add_group("Tổ PAKN", members=(lan,))
    commune = await make_commune(
        db, staff_chat=group.id, members=[StaffSpec(lan.id, Role.OFFICER, "Lan")]
    )
    stranger.send("/log")
    assert "Chỉ cán bộ của xã" in (await stranger.next_message())["text"]

    lan.send("/log")
    assert "Xã Thống Nhất" in (await lan.next_message())["text"]
    assert "kênh nào" in (await lan.next_message())["text"]
    lan.tap("Trực tiếp")
    await lan.next_message()
    now = datetime.now(VN)
    lan.send(f"{now + timedelta(days=3):%d/%m/%Y} 08:00")
    assert "chưa tới" in (await lan.next_message())["text"], "never in the future"
    lan.send("hôm qua 9:00")
    assert "phản ánh, kiến nghị hay hỏi đáp" in (await lan.next_message())["text"]
    lan.tap("Kiến nghị")
    await lan.next_message()
    lan.tap("Giao thông")
    await lan.next_message()
    lan.send("Bà Tư")
    await lan.next_message()
    lan.send("12345")
    assert "không giống số điện thoại" in (await lan.next_message())["text"]
    lan.send("0912 345 678")
    await lan.next_message()
    lan.send("Xin sửa đoạn đường liên thôn bị lún trước nhà văn hóa")
    await lan.next_message()
    lan.send_photo()
    await lan.next_message()
    lan.tap("Tiếp tục ➡️")
    review = await lan.next_message()
    yesterday = f"{now - timedelta(days=1):%d/%m/%Y}"
    for expected in ("Trực tiếp", f"09:00, {yesterday}", "Kiến nghị", "Bà Tư", "0912345678"):
        assert expected in review["text"]
    lan.tap("💾 Lưu")
    done = await lan.next_message()
    code = next(w for w in done["text"].split() if w.startswith("PA"))
    assert "Kênh tiếp nhận: Trực tiếp" in done["text"] and "Hạn trả lời" in done["text"]
    card = await group.next_message()
    assert code in card["text"] and "Kênh tiếp nhận: Trực tiếp" in card["text"]
    assert "Bà Tư" in card["text"] and "0912345678" not in card["text"]
    assert (await group.next_message())["media_type"] == "photo"

    lan.tap("💬 Trả lời", chat=group)
    assert "chọn cách trả lời" in (await lan.next_message())["text"]
    lan.send("Xã đã báo đơn vị thi công, tuần sau sửa.")
    assert "không dùng Telegram" in (await lan.next_message())["text"]
    lan.tap("Trực tiếp")
    await lan.next_message()
    lan.tap("Hôm nay")
    today = f"{datetime.now(VN):%d/%m/%Y}"
    assert f"trả lời trực tiếp, ngày {today}" in (await lan.next_message())["text"]
    await fake.wait_until(
        lambda: "Đã trả lời: trực tiếp" in fake.message(group.id, card["message_id"])["text"]
    )
    lan.tap("✔️ Hoàn thành", chat=group)
    await lan.next_message()
    lan.send("Đã sửa xong đoạn đường.")
    await lan.next_message()
    lan.tap("Qua điện thoại")
    await lan.next_message()
    lan.send("hôm qua")
    assert f"Đã đóng hồ sơ {code}" in (await lan.next_message())["text"]
    await fake.wait_until(
        lambda: "Đã trả lời: qua điện thoại" in fake.message(group.id, card["message_id"])["text"]
    )

    tu = fake.add_user("Tư")  # the same citizen, now on Telegram
    tu.start()
    await tu.next_message()
    tu.tap("📝 Gửi phản ánh")
    await tu.next_message()
    tu.tap("Phản ánh")
    await tu.next_message()
    tu.tap("Môi trường")
    await tu.next_message()
    tu.send("Rác thải đổ trộm ven sông Thống Nhất")
    await tu.next_message()
    tu.tap("Tiếp tục ➡️")
    await tu.next_message()
    tu.tap("Bỏ qua")
    await tu.next_message()
    tu.send_contact("+84912345678")
    await tu.next_message()
    await tu.next_message()
    tu.tap("✅ Gửi")
    own = next(w for w in (await tu.next_message())["text"].split() if w.startswith("PA"))
    tu.send("/mine")
    mine = await tu.next_message()
    assert code in mine["text"] and own in mine["text"]

    await db.rollback()
    events = (await db.exec(select(TicketEvent).order_by(col(TicketEvent.id)))).all()
    answers = [e.data for e in events if e.data.get("answered_via")]
    assert [a["answered_via"] for a in answers] == ["in_person", "phone"]
    assert answers[1]["answered_on"] == (now - timedelta(days=1)).date().isoformat()
    to_citizen = (
        await db.exec(
            select(Notification).where(Notification.recipient_kind == RecipientKind.RESIDENT)
        )
    ).all()
    assert DeliveryStatus.FAILED not in {n.status for n in to_citizen}, "a clean no-op"
    policy = DeadlinePolicy(WorkingCalendar(), VN)
    year = Period(date(now.year, 1, 1), date(now.year, 12, 31))
    stats = await statistics.compute(db, policy, [commune.id or 0], year, now=datetime.now(VN))
    assert stats.participants == 1
    assert stats.received_by_channel == {"in_person": 1, "telegram": 1}
    refused = (await db.exec(select(AuditEntry).where(AuditEntry.action == "log_case"))).all()
    assert [(r.actor_telegram_id, r.allowed) for r in refused] == [(stranger.id, False)]


async def test_phone_and_mailbox_cases_for_staff_of_two_communes(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    minh = fake.add_user("Minh")
    group = fake.add_group("Tổ PAKN", members=(minh,))
    await make_commune(db, staff_chat=group.id, members=[StaffSpec(minh.id, Role.LEADER, "Minh")])
    await make_commune(db, "4", members=[StaffSpec(minh.id, Role.OFFICER, "Minh")])
    minh.send("/log")
    assert "Cho xã nào?" in (await minh.next_message())["text"]
    minh.tap("Xã Thống Nhất")
    await minh.next_message()
    await minh.next_message()
    phone = await _log(minh, "Điện thoại")
    minh.send("/log")
    await minh.next_message()
    minh.tap("Xã Thống Nhất")
    await minh.next_message()
    await minh.next_message()
    mailbox = await _log(minh, "Hòm thư góp ý", when="20/11")
    for code, label in ((phone, "Điện thoại"), (mailbox, "Hòm thư góp ý")):
        card = await group.next_message()
        assert code in card["text"] and f"Kênh tiếp nhận: {label}" in card["text"]
    await db.rollback()
    tickets = (await db.exec(select(Ticket).order_by(col(Ticket.id)))).all()
    assert [t.channel for t in tickets] == [Channel.PHONE, Channel.MAILBOX]
    assert [t.resident_id for t in tickets] == [None, None], "anonymous: no citizen row"
    assert tickets[1].received_at.astimezone(VN).strftime("%d/%m") == "20/11"
