"""/forget through the real bot leaves the resident nowhere: not in any value of any table
(what Telegram answered the outbox, the inbox's rows of their updates, their conversation),
and on SQLite not in the write-ahead log either, read byte by byte right after."""

import asyncio
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import Role
from services.database.engine import is_sqlite
from tests.e2e.conftest import StaffSpec, make_commune
from tests.services.privacy.scan import traces

TEXT = "Khói từ lò gạch làm cả xóm khó thở"
PHONE = "0912345678"


async def _file_with_phone(hoa: FakeUser) -> str:
    hoa.send("/new")
    await hoa.next_message()
    hoa.tap("Phản ánh")
    await hoa.next_message()
    hoa.tap("Môi trường")
    await hoa.next_message()
    hoa.send(TEXT)
    await hoa.next_message()
    hoa.tap("Tiếp tục ➡️")
    await hoa.next_message()
    hoa.tap("Bỏ qua")
    await hoa.next_message()
    hoa.send(PHONE)
    await hoa.next_message()
    await hoa.next_message()
    hoa.tap("✅ Gửi")
    receipt = await hoa.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA"))


async def test_after_forget_the_resident_is_in_no_table_and_not_in_the_wal(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession, database_url: str
) -> None:
    lan = fake.add_user("Lan")
    group = fake.add_group("Tổ PAKN", members=(lan,))
    await make_commune(db, staff_chat=group.id, members=[StaffSpec(lan.id, Role.LEADER, "Lan")])
    lan.start()
    await lan.next_message()
    hoa = fake.add_user("Phạm Thị", "Hoà", username="hoa_pham_yenphu")
    code = await _file_with_phone(hoa)
    await group.next_message()  # the card
    lan.tap("📞 Số điện thoại (riêng)", chat=group)  # a phone view, logged
    await fake.wait_until(lambda: any(PHONE in m.get("text", "") for m in lan.sent_messages()))
    lan.send(f"/close {code} Đã yêu cầu lò gạch dừng đốt")
    await lan.next_message()
    await hoa.next_message()  # the answer, with the rating buttons
    words = ("Phạm Thị Hoà", "hoa_pham_yenphu", PHONE, TEXT)
    await db.rollback()  # no read of ours holds the log
    assert await traces(db, chat_id=hoa.id, words=words) != [], "she is there before"
    await db.rollback()

    hoa.send("/forget")
    ask = await hoa.next_message()
    hoa.tap("🗑 Xóa dữ liệu của tôi")
    await fake.wait_until(lambda: "đã được xóa" in fake.message(hoa.id, ask["message_id"])["text"])

    if is_sqlite(database_url):
        wal = Path(database_url.removeprefix("sqlite:///") + "-wal")
        log = await asyncio.to_thread(lambda: wal.read_bytes() if wal.exists() else b"")
        assert [w for w in words if w.encode() in log] == [], "the log holds none of it"
    await db.rollback()
    assert await traces(db, chat_id=hoa.id, words=words) == []
