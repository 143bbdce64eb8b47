"""Two communes in one deployment for the isolation test: each with its staff group, staff,
villages and cases, commune B with some history (accepted, noted, answered, closed, assigned,
a canned reply, a report draft), and every case late so the morning's jobs (reminders,
escalation, digest, apology drafts) have something to say."""

from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeChat, FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import DeliveryStatus, Notification, Role, Ticket
from scheduler import jobs
from services.clock import FixedClock
from tests.e2e.conftest import StaffSpec, make_commune

A_TEXT = "Đèn đường ngõ 5 thôn Yên Phú bị hỏng cả tuần nay"
B_TEXTS = (
    "Ống nước sạch ở phố Kim Mã bị vỡ, nước chảy lênh láng",
    "Vỉa hè phố Giảng Võ bị lấn chiếm để bán hàng",
    "Quán karaoke phố Đội Cấn hát sau 23 giờ",
    "Cây xanh phố Liễu Giai nghiêng sắp đổ",
    "Rác thải tồn đọng ở ngõ Văn Cao nhiều ngày",
)
B_HISTORY = (
    "Đã gọi Công ty nước sạch Hà Nội",
    "Công ty nước sạch đã thay đoạn ống",
    "Đã giải tỏa vỉa hè",
    "Phường Ba Đình cảm ơn ông bà đã phản ánh",
)
# What only commune B knows: none of it may reach commune A's people or files.
B_WORDS = (
    "Ba Đình",
    "Kim Mã",
    "Giảng Võ",
    "Đội Cấn",
    "Liễu Giai",
    "Văn Cao",
    "nước sạch",
    "vỉa hè",
    "Trịnh Thu Hằng",
    "Phan Quốc Bảo",
    "Đỗ Văn Khoa",
    "Vũ Thị Ngân",
    "Tổ dân phố Nghĩa Dũng",
)


@dataclass
class Side:
    id: int  # the commune's
    group: FakeChat
    admin: FakeUser
    officer: FakeUser
    residents: list[FakeUser]
    both: FakeUser  # an officer of both communes, in A's group only
    codes: list[str] = field(default_factory=list)


async def file_case(resident: FakeUser, text: str) -> str:
    """One-tap filing; returns the code on the receipt."""
    resident.send(text)
    assert "gửi nội dung này" in (await resident.next_message())["text"]
    resident.tap("✅ Có, gửi ngay")
    receipt = await resident.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA"))


async def settled(fake: FakeTelegram, db: AsyncSession) -> None:
    """Every queued message (receipts, cards, notices, drafts) has been sent."""

    async def nothing_pending() -> bool:
        await db.rollback()
        waiting = await db.exec(
            select(Notification.id).where(col(Notification.status) == DeliveryStatus.PENDING)
        )
        return not waiting.all()

    await fake.wait_until(nothing_pending, timeout=20)


async def said(fake: FakeTelegram, user: FakeUser, text: str, chat: FakeChat | None = None) -> str:
    """What the bot answers to one message (its first message in that chat after it)."""
    where = chat or user
    before = len(fake.sent_messages(where))
    user.send(text, chat=chat)
    await fake.wait_until(lambda: len(fake.sent_messages(where)) > before, timeout=10)
    return str(fake.sent_messages(where)[before].get("text") or "")


async def _side(
    fake: FakeTelegram,
    db: AsyncSession,
    code: str,
    names: tuple[str, str, str],
    village: str,
    residents: tuple[str, ...],
    both: FakeUser,
    in_group: bool,
) -> Side:
    admin, officer = fake.add_user(names[1]), fake.add_user(names[2])
    group = fake.add_group(names[0], members=(admin, officer, *([both] if in_group else [])))
    commune = await make_commune(
        db,
        code,
        villages=[village],
        staff_chat=group.id,
        members=[
            StaffSpec(admin.id, Role.ADMIN, names[1]),
            StaffSpec(officer.id, Role.OFFICER, names[2]),
            StaffSpec(both.id, Role.OFFICER, both.first_name),
        ],
    )
    for person in (admin, officer):
        person.start()
        await person.next_message()
    assert commune.id is not None
    people = [fake.add_user(name) for name in residents]
    for person in people:
        person.start(f"c-{commune.code}")
        await person.next_message()
    return Side(commune.id, group, admin, officer, people, both)


async def two_communes(fake: FakeTelegram, db: AsyncSession, app: BotApp) -> tuple[Side, Side]:
    both = fake.add_user("Đinh Văn Song")
    both.start()
    await both.next_message()
    a = await _side(
        fake,
        db,
        "7060",
        ("Tổ PAKN xã Thống Nhất", "Ngô Xuân Mạnh", "Lê Thị Lan"),
        "Thôn Yên Phú",
        ("Nguyễn Thị Hoa",),
        both,
        in_group=True,
    )
    b = await _side(
        fake,
        db,
        "4",
        ("Tổ PAKN phường Ba Đình", "Trịnh Thu Hằng", "Phan Quốc Bảo"),
        "Tổ dân phố Nghĩa Dũng",
        ("Đỗ Văn Khoa", "Vũ Thị Ngân"),
        both,
        in_group=False,
    )
    a.codes.append(await file_case(a.residents[0], A_TEXT))
    for number, text in enumerate(B_TEXTS):
        b.codes.append(await file_case(b.residents[number % 2], text))
    await _b_history(fake, db, b)
    await _late_and_reminded(fake, db, app)
    for side in (a, b):
        await caught_up(side.group, side.admin, side.officer, *side.residents)
    return a, b


async def caught_up(*chats: FakeUser | FakeChat) -> None:
    """Past every bot message already there: `next_message` returns only new ones."""
    for chat in chats:
        while True:
            try:
                await chat.next_message(timeout=0)
            except AssertionError:
                break


async def _late_and_reminded(fake: FakeTelegram, db: AsyncSession, app: BotApp) -> None:
    """Every case 40 days late; the jobs run as on the last working morning (in the past, so
    what they queue is sent at once)."""
    late = timedelta(days=40)
    await db.rollback()
    for ticket in (await db.exec(select(Ticket))).all():
        ticket.ack_due_at -= late
        ticket.resolve_due_at -= late
        db.add(ticket)
    await db.commit()
    day = datetime.now(app.ctx.tz).date() - timedelta(days=1)
    while not app.ctx.policy.calendar.is_working_day(day):
        day -= timedelta(days=1)
    morning = datetime.combine(day, time(9, 0), app.ctx.tz)
    ctx = replace(app.ctx, clock=FixedClock(morning))
    for job in (jobs.deadlines, jobs.escalation, jobs.digest, jobs.apologies):
        await job(ctx)
    app.outbox.wake()
    await settled(fake, db)


async def _b_history(fake: FakeTelegram, db: AsyncSession, b: Side) -> None:
    first, second, third, _fourth, fifth = b.codes
    # the cards of B's cases go first (bot/outbox/replies.py): all sent before the commands,
    # so the first message after each command is its answer
    await settled(fake, db)
    for command in (
        f"/ack {first}",
        f"/note {second} {B_HISTORY[0]}",
        f"/reply {first} {B_HISTORY[1]}",
        f"/close {third} {B_HISTORY[2]}",
        f"/assign {fifth} Bảo",
    ):
        answer = await said(fake, b.admin, command, b.group)
        assert any(mark in answer for mark in ("✅", "📝", "💬", "✔️", "👤")), answer
    assert "Đã lưu" in await said(fake, b.admin, f"/templates add * {B_HISTORY[3]}")
    assert "Lập báo cáo nào" in await said(fake, b.admin, "/report")
    b.admin.tap("Tháng này (đến hôm nay)")
    await fake.wait_until(lambda: any("document" in m for m in b.admin.sent_messages()), 20)
    await settled(fake, db)
