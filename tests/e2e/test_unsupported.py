"""Content the bot cannot use gets a clear answer saying so and what would do, in the steps
that ask for words or files; an album past the file limit is told once."""

from typing import Any

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import Attachment, Ticket
from tests.e2e.conftest import make_commune

CANNOT_ATTACH = "Tôi chưa đính kèm được loại tin nhắn này"


def send_video_note(user: FakeUser) -> dict[str, Any]:
    """A round video message (the fake has no shortcut for it)."""
    note = {**user._file("video_note", None), "length": 240, "duration": 4}
    return user._write({"video_note": note}, None, None)


def send_dice(user: FakeUser) -> dict[str, Any]:
    return user._write({"dice": {"emoji": "🎲", "value": 3}}, None, None)


async def _to_description(user: FakeUser) -> None:
    user.send("/new")
    await user.next_message()
    user.tap("Phản ánh")
    await user.next_message()
    user.tap("Giao thông")
    assert "viết nội dung" in (await user.next_message())["text"]


async def test_stickers_round_videos_polls_and_early_places_get_a_clear_answer(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    hoa = fake.add_user("Hoa")
    await _to_description(hoa)
    hoa.send_poll()
    answer = (await hoa.next_message())["text"]
    assert "chưa dùng được loại tin nhắn này" in answer and "viết thành chữ" in answer
    send_dice(hoa)
    assert "chưa dùng được loại tin nhắn này" in (await hoa.next_message())["text"]

    hoa.send("Cống thoát nước trước chợ bị vỡ, nước tràn ra đường")
    assert "ảnh, video" in (await hoa.next_message())["text"]
    for send in (hoa.send_sticker, lambda: send_video_note(hoa), hoa.send_poll):
        send()
        answer = await hoa.next_message()
        assert CANNOT_ATTACH in answer["text"] and "gửi ảnh, video, ghi âm" in answer["text"]
        assert "Tiếp tục ➡️" in str(answer["reply_markup"])
    hoa.send_location()
    assert "bấm Tiếp tục trước" in (await hoa.next_message())["text"]
    hoa.send_photo()
    assert "Đã nhận" in (await hoa.next_message())["text"]  # files still welcome
    hoa.tap("Tiếp tục ➡️")
    assert "vị trí" in (await hoa.next_message())["text"]
    assert (await db.exec(select(Ticket))).all() == []


async def test_an_album_past_the_file_limit_is_told_once_and_the_rest_is_kept(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    an = fake.add_user("An")
    await _to_description(an)
    an.send("Bãi rác tự phát ven sông, ảnh chụp nhiều ngày liền")
    await an.next_message()
    for _ in range(3):  # 30 photos, the most a case can carry; not flooding either
        an.send_album(10)
        assert "Đã nhận" in (await an.next_message())["text"]
    an.send_album(4)
    told = await an.next_message()
    assert "tối đa 30 tệp" in told["text"] and "chưa được thêm" in told["text"]
    an.tap("Tiếp tục ➡️")
    assert "vị trí" in (await an.next_message())["text"], "one answer for the whole album"
    an.tap("Bỏ qua")
    await an.next_message()
    an.tap("Bỏ qua")
    await an.next_message()
    await an.next_message()
    an.tap("✅ Gửi")
    assert "Mã hồ sơ" in (await an.next_message())["text"]
    await db.rollback()
    assert (await db.exec(select(func.count()).select_from(Attachment))).one() == 30
