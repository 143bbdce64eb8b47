"""Residents' data rights end to end: /mydata, /forget (at once, or after the open case is
closed, by the retention job), the staff card without the name; the phone only for those
who may act on the case."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeChat, FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import AuditEntry, Resident, Role
from scheduler import jobs
from tests.e2e.conftest import StaffSpec, make_commune


async def _file(resident: FakeUser, text: str) -> str:
    resident.send(text)
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    receipt = await resident.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA"))


async def _edited_to(fake: FakeTelegram, chat_id: int, message: dict, words: str) -> str:
    await fake.wait_until(lambda: words in fake.message(chat_id, message["message_id"])["text"])
    return str(fake.message(chat_id, message["message_id"])["text"])


async def _desk(fake: FakeTelegram, db: AsyncSession) -> tuple[FakeChat, FakeUser, FakeUser]:
    lan, manh = fake.add_user("Lan"), fake.add_user("Mạnh")
    group = fake.add_group("Tổ PAKN", members=(lan, manh))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[StaffSpec(lan.id, Role.OFFICER, "Lan"), StaffSpec(manh.id, Role.LEADER, "Mạnh")],
    )
    for person in (lan, manh):
        person.start()
        await person.next_message()
    return group, lan, manh


async def test_mydata_and_forget_now_or_when_the_case_closes(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, lan, _manh = await _desk(fake, db)
    an, tu = fake.add_user("Trần Văn", "Ấn"), fake.add_user("Hoàng Thị", "Tư", username="tu_hoang")
    first = await _file(an, "Ống nước trước nhà văn hóa bị vỡ")
    card_an = await group.next_message()
    second = await _file(tu, "Cây đổ chắn ngang đường thôn Yên Phú")
    card_tu = await group.next_message()
    assert "Trần Văn Ấn" in card_an["text"] and "Hoàng Thị Tư" in card_tu["text"]

    tu.send("/mydata")
    mine = (await tu.next_message())["text"]
    assert "Hoàng Thị Tư" in mine and "@tu_hoang" in mine and second in mine
    assert "Đã nhận, chờ tiếp nhận" in mine and "/forget" in mine and "5 năm" in mine

    lan.send(f"/close {first} Đã thay đoạn ống vỡ")
    await lan.next_message()
    await an.next_message()  # the result, with the rating buttons
    an.send("/forget")
    ask = await an.next_message()
    assert "Không thể hoàn tác" in ask["text"]
    an.tap("🗑 Xóa dữ liệu của tôi")
    await _edited_to(fake, an.id, ask, "đã được xóa")
    text = await _edited_to(fake, group.id, card_an, "Người gửi: (không có tên)")
    assert "Trần Văn" not in text and "Ống nước" not in text

    tu.send("/forget")
    ask = await tu.next_message()
    tu.tap("🗑 Xóa dữ liệu của tôi")
    assert "tự động xóa" in await _edited_to(fake, tu.id, ask, "Bạn còn 1 phản ánh")
    tu.send("/mydata")
    assert "Bạn đã yêu cầu xóa dữ liệu" in (await tu.next_message())["text"]
    assert "Hoàng Thị Tư" in fake.message(group.id, card_tu["message_id"])["text"]

    lan.send(f"/close {second} Đã dọn cây đổ")
    await lan.next_message()
    await tu.next_message()
    await jobs.retention_job(bot_app.ctx)
    bot_app.outbox.wake()
    text = await _edited_to(fake, group.id, card_tu, "Người gửi: (không có tên)")
    assert "Hoàng Thị Tư" not in text and "Cây đổ" not in text
    tu.send("/mine")
    assert "Bạn chưa gửi phản ánh nào" in (await tu.next_message())["text"], "a fresh start"

    await db.rollback()
    erased = (await db.exec(select(Resident).where(Resident.erased_at != None))).all()  # noqa: E711
    assert len(erased) == 2 and all(r.full_name is None and r.telegram_id is None for r in erased)
    logged = (await db.exec(select(AuditEntry.action).where(AuditEntry.allowed))).all()
    assert logged.count("resident_erased") == 2 and "erasure_requested" in logged


async def test_the_phone_only_for_who_may_act_on_the_case(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    lan, minh, manh = fake.add_user("Lan"), fake.add_user("Minh"), fake.add_user("Mạnh")
    group = fake.add_group("Tổ PAKN", members=(lan, minh, manh))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[
            StaffSpec(lan.id, Role.OFFICER, "Lan"),
            StaffSpec(minh.id, Role.OFFICER, "Minh"),
            StaffSpec(manh.id, Role.LEADER, "Mạnh"),
        ],
    )
    for person in (lan, minh, manh):
        person.start()
        await person.next_message()
    hoa = fake.add_user("Hoa")
    hoa.send("/new")
    await hoa.next_message()
    hoa.tap("Phản ánh")
    await hoa.next_message()
    hoa.tap("Môi trường")
    await hoa.next_message()
    hoa.send("Khói từ lò gạch làm cả xóm khó thở")
    await hoa.next_message()
    hoa.tap("Tiếp tục ➡️")
    await hoa.next_message()
    hoa.tap("Bỏ qua")
    await hoa.next_message()
    hoa.send("0912345678")
    await hoa.next_message()
    await hoa.next_message()
    hoa.tap("✅ Gửi")
    receipt = await hoa.next_message()
    code = next(w for w in receipt["text"].split() if w.startswith("PA"))
    card = await group.next_message()

    manh.send(f"/assign {code} Minh", chat=group)
    await _edited_to(fake, group.id, card, "Người xử lý: Minh")
    press = lan.tap("📞 Số điện thoại (riêng)", chat=group)
    await fake.wait_until(lambda: fake.callback_answers.get(press["id"]) is not None)
    assert "Chỉ cán bộ đang xử lý" in fake.callback_answers[press["id"]]["text"]
    for allowed in (minh, manh):
        allowed.tap("📞 Số điện thoại (riêng)", chat=group)
        await fake.wait_until(
            lambda who=allowed: any(  # type: ignore[misc]
                "Số điện thoại của" in m.get("text", "") and "0912345678" in m["text"]
                for m in who.sent_messages()
            )
        )
    assert all("0912345678" not in m.get("text", "") for m in lan.sent_messages())
    refused = (await db.exec(select(AuditEntry).where(AuditEntry.action == "view_phone"))).all()
    assert [(r.actor_telegram_id, r.allowed, r.detail) for r in refused] == [(lan.id, False, code)]
