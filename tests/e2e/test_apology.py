"""Thư xin lỗi end to end: a case goes overdue, its leader gets the draft in private,
changes it, approves it; the resident receives the letter signed by the office."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from bot.ui.callbacks import ApologyAction
from models import ApologyLetter, AuditEntry, LetterStatus, Role, TicketEvent
from services.desk import apology
from tests.e2e.conftest import StaffSpec, make_commune

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def _answer(fake: FakeTelegram, query: dict) -> str:
    await fake.wait_until(lambda: fake.callback_answers.get(query["id"]) is not None)
    return str(fake.callback_answers[query["id"]]["text"])


async def test_a_leader_changes_and_approves_the_apology_letter(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    lan, manh, hoa = fake.add_user("Lan"), fake.add_user("Mạnh"), fake.add_user("Hoa")
    group = fake.add_group("Tổ PAKN", members=(lan, manh))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[StaffSpec(lan.id, Role.OFFICER, "Lan"), StaffSpec(manh.id, Role.LEADER, "Mạnh")],
    )
    for person in (lan, manh):
        person.start()
        await person.next_message()

    # sent three weeks ago (two weeks of working days can straddle a holiday): overdue now
    hoa.send("Cống thoát nước trước chợ bị tắc", date=datetime.now(VN) - timedelta(days=21))
    await hoa.next_message()
    hoa.tap("✅ Có, gửi ngay")
    receipt = await hoa.next_message()
    code = next(w for w in receipt["text"].split() if w.startswith("PA"))
    await group.next_message()

    async with bot_app.ctx.sessions() as session:
        letters = await apology.draft_overdue_letters(session, bot_app.ctx.clock.now())
    assert len(letters) == 1
    async with bot_app.ctx.sessions() as session:  # the job again: nothing new
        assert await apology.draft_overdue_letters(session, bot_app.ctx.clock.now()) == []
    bot_app.outbox.wake()

    draft = await manh.next_message()
    assert "dự thảo thư xin lỗi" in draft["text"] and code in draft["text"]
    assert "TM. Ủy ban nhân dân xã Thống Nhất" in draft["text"]
    labels = [b["text"] for row in draft["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["✅ Duyệt gửi", "✏️ Sửa"]

    forged = ApologyAction(letter_id=letters[0].id or 0, version=1, action="approve").pack()
    welcome = lan.sent_messages()[-1]
    assert "không có quyền" in await _answer(fake, lan.press(welcome, forged))
    nonsense = ApologyAction(letter_id=9999, version=1, action="approve").pack()
    assert "không còn dùng được" in await _answer(fake, manh.press(draft, nonsense))

    manh.tap("✏️ Sửa")
    assert "Viết nội dung mới" in (await manh.next_message())["text"]
    current = await manh.next_message()
    assert current["text"].startswith("Kính gửi Ông/Bà Hoa,")
    manh.send(
        "Kính gửi bà Hoa,\n\nỦy ban xin lỗi bà vì cống trước chợ chưa được nạo vét đúng hẹn. "
        "Tổ công tác sẽ nạo vét xong trong tuần này."
    )
    assert "Đã lưu" in (await manh.next_message())["text"]
    preview = await manh.next_message()
    assert "sau khi sửa" in preview["text"] and "nạo vét xong trong tuần này" in preview["text"]
    manh.tap("✅ Duyệt gửi")  # the newest: the changed text

    letter = await hoa.next_message()
    assert f"Thư của UBND xã Thống Nhất về phản ánh {code}" in letter["text"]
    assert "nạo vét xong trong tuần này" in letter["text"]
    assert letter["text"].endswith("TM. Ủy ban nhân dân xã Thống Nhất"), "signed by the office"
    assert "Mạnh" not in letter["text"]

    for copy in (draft, preview):  # the leader's copies lose their buttons
        await fake.wait_until(
            lambda copy=copy: not fake.message(manh.id, copy["message_id"]).get("reply_markup")
        )
        assert "đã được Mạnh duyệt" in fake.message(manh.id, copy["message_id"])["text"]
    late = draft["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert "đã được gửi" in await _answer(fake, manh.press(draft, late))

    await db.rollback()  # a fresh snapshot
    stored = (await db.exec(select(ApologyLetter))).one()
    assert stored.status is LetterStatus.SENT and stored.version == 2
    kinds = [
        e.kind.value
        for e in (await db.exec(select(TicketEvent).order_by(col(TicketEvent.id)))).all()
    ]
    assert kinds == ["created", "apology_drafted", "apology_edited", "apology_sent"]
    refused = (await db.exec(select(AuditEntry).where(col(AuditEntry.allowed).is_(False)))).all()
    assert [(r.action, r.actor_telegram_id) for r in refused] == [("apology", lan.id)]
