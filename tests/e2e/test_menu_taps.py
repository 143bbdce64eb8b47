"""The main menu means what it says: a tap on it is never taken for the words the bot
is waiting for, and it follows the resident's language."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import EventKind, Role, TicketEvent
from tests.e2e.conftest import StaffSpec, make_commune


async def _file(resident: FakeUser, text: str) -> str:
    resident.send(text)
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    receipt = await resident.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA"))


def _menu(user: FakeUser) -> list[str]:
    shown = user.private_chat.reply_keyboard
    assert shown is not None, "a reply keyboard is on screen"
    return [button["text"] for row in shown[1]["keyboard"] for button in row]


async def test_a_menu_tap_after_rating_is_not_a_comment(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    lan = fake.add_user("Lan")
    group = fake.add_group("Tổ PAKN", members=(lan,))
    await make_commune(db, staff_chat=group.id, members=[StaffSpec(lan.id, Role.OFFICER, "Lan")])
    hoa = fake.add_user("Hoa")
    hoa.start()
    await hoa.next_message()
    code = await _file(hoa, "Đèn đường ngõ 5 thôn Yên Phú bị hỏng cả tuần nay")
    await group.next_message()
    lan.send(f"/close {code} Đã thay bóng đèn mới.")
    await lan.next_message()
    await hoa.next_message()
    hoa.tap("🙂 Hài lòng")
    assert "nhận xét" in (await hoa.next_message())["text"]

    hoa.tap("📋 Phản ánh của tôi")
    listed = await hoa.next_message()
    assert "Các phản ánh của bạn" in listed["text"] and code in listed["text"]
    hoa.send("/help")
    assert "Cách dùng" in (await hoa.next_message())["text"], "nothing else came before"
    assert not [m for m in group.sent_messages() if "Ý kiến của người dân" in m.get("text", "")]
    await db.rollback()
    kinds = [e.kind for e in (await db.exec(select(TicketEvent))).all()]
    assert EventKind.RATED in kinds and EventKind.COMMENTED not in kinds


async def test_a_menu_tap_while_adding_to_a_case_is_not_added(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    hoa = fake.add_user("Hoa")
    hoa.start()
    await hoa.next_message()
    code = await _file(hoa, "Cống thoát nước trước chợ bị tắc")
    hoa.send(f"/status {code}")
    await hoa.next_message()
    hoa.tap("➕ Bổ sung thông tin")
    assert "bổ sung" in (await hoa.next_message())["text"].lower()
    hoa.tap("📋 Phản ánh của tôi")
    assert "Các phản ánh của bạn" in (await hoa.next_message())["text"]
    await db.rollback()
    kinds = [e.kind for e in (await db.exec(select(TicketEvent))).all()]
    assert EventKind.INFO_ADDED not in kinds


async def test_the_menu_follows_a_change_of_language(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    john = fake.add_user("John", language_code="en")
    john.start()
    await john.next_message()
    assert "📝 Gửi phản ánh" in _menu(john)
    john.send("/language")
    await john.next_message()
    john.tap("English")
    await fake.wait_until(lambda: "📝 Send feedback" in _menu(john))
    assert _menu(john) == ["📝 Send feedback", "📋 My cases", "❓ Help"]
    assert "How to use this bot" in (await john.next_message())["text"]
    john.tap("📋 My cases")
    assert "You have not sent any feedback yet" in (await john.next_message())["text"]
