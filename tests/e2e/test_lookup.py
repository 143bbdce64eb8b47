"""/mine and /status: residents see their own cases, only those, in their language."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import AuditEntry
from tests.e2e.conftest import make_commune


async def _file(user: FakeUser, text: str) -> str:
    user.send(text)
    await user.next_message()
    user.tap("✅ Có, gửi ngay")
    receipt = await user.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA"))


async def test_mine_and_status_show_only_own_cases(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    hoa, an = fake.add_user("Hoa"), fake.add_user("An")
    first = await _file(hoa, "Đường thôn 3 bị sạt lở sau mưa lớn")
    second = await _file(hoa, "Đèn đường ngõ 5 bị hỏng cả tuần nay")
    others = await _file(an, "Rác thải đổ trộm ven sông Thống Nhất")

    hoa.send("/mine")
    mine = await hoa.next_message()
    assert first in mine["text"] and second in mine["text"] and others not in mine["text"]
    assert mine["text"].index(second) < mine["text"].index(first), "newest first"
    assert "Đã nhận, chờ tiếp nhận" in mine["text"]
    hoa.tap(first)
    details = await hoa.next_message()
    assert "Đường thôn 3 bị sạt lở" in details["text"] and "Hạn trả lời" in details["text"]

    hoa.send(f"/status {second.lower()}")
    assert "Đèn đường ngõ 5" in (await hoa.next_message())["text"]
    hoa.send(f"/status {others}")
    refused = await hoa.next_message()
    assert "Không tìm thấy hồ sơ" in refused["text"] and "Rác thải" not in refused["text"]
    hoa.send("/status xin chào")
    assert "không phải mã hồ sơ" in (await hoa.next_message())["text"]
    hoa.send("/status")
    assert "ví dụ: /status PA24-0042" in (await hoa.next_message())["text"]

    attempts = (await db.exec(select(AuditEntry).where(AuditEntry.allowed == False))).all()  # noqa: E712
    assert [(a.action, a.detail) for a in attempts] == [("status_of_other_resident", others)]


async def test_mine_with_no_cases_and_english(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    john = fake.add_user("John", language_code="en")
    john.send("/mine")
    assert "Bạn chưa gửi phản ánh nào" in (await john.next_message())["text"], "Vietnamese first"
    john.send("/language")
    await john.next_message()
    john.tap("English")
    await fake.wait_until(
        lambda: any("Language: English" in m.get("text", "") for m in john.sent_messages())
    )
    assert "How to use this bot" in (await john.next_message())["text"]
    await _file_in_english(john)


async def _file_in_english(user: FakeUser) -> None:
    user.send("The street light in lane 5 has been broken for a week")
    assert "send this to the commune" in (await user.next_message())["text"]
    user.tap("✅ Yes, send it")
    receipt = await user.next_message()
    assert "Reference code" in receipt["text"] and "Answer due" in receipt["text"]
