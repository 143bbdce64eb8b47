"""The staff group: binding it, cards that wait for it, long cards, the phone on request."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.emulator.html.text import utf16_len
from bot.runtime.app import BotApp
from models import AuditEntry, Commune, EventKind, Role, TicketEvent
from tests.e2e.conftest import StaffSpec, make_commune


async def test_cards_wait_for_the_group_and_admin_binds_it(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    admin, stranger = fake.add_user("Ngô Xuân Mạnh"), fake.add_user("Người lạ")
    await make_commune(db, members=[StaffSpec(admin.id, Role.ADMIN, "Ngô Xuân Mạnh")])
    resident = fake.add_user("Hoa")
    resident.send("Cây đổ chắn ngang đường thôn Yên Phú")
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    await resident.next_message()  # the receipt does not wait for the group

    group = fake.add_group("Tổ PAKN", members=(admin, stranger))
    stranger.send("/bind", chat=group)
    assert "Chỉ quản trị viên" in (await group.next_message())["text"]
    admin.send("/bind", chat=group)
    assert "Từ nay nhóm này nhận" in (await group.next_message())["text"]
    card = await group.next_message()
    assert "Cây đổ chắn ngang" in card["text"]

    await db.rollback()  # a fresh snapshot
    commune = (await db.exec(select(Commune))).one()
    assert commune.staff_chat_id == group.id
    audit = (await db.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(a.action, a.allowed) for a in audit] == [
        ("bind_staff_chat", False),
        ("bind_staff_chat", True),
    ]


async def test_phone_only_to_staff_in_private_and_logged(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    officer, outsider = fake.add_user("Cán bộ Lan"), fake.add_user("Người ngoài")
    group = fake.add_group("Tổ PAKN", members=(officer, outsider))
    await make_commune(
        db, staff_chat=group.id, members=[StaffSpec(officer.id, Role.OFFICER, "Lan")]
    )
    resident = fake.add_user("Hoa")
    resident.send("/new")
    await resident.next_message()
    resident.tap("Phản ánh")
    await resident.next_message()
    resident.tap("Môi trường")
    await resident.next_message()
    resident.send("Khói từ lò gạch làm cả xóm khó thở")
    await resident.next_message()
    resident.tap("Tiếp tục ➡️")
    await resident.next_message()
    resident.tap("Bỏ qua")
    await resident.next_message()
    resident.send("+84 912 345 678")
    await resident.next_message()
    await resident.next_message()
    resident.tap("✅ Gửi")
    await resident.next_message()
    card = await group.next_message()

    outsider_press = outsider.tap("📞 Số điện thoại (riêng)", chat=group)
    await fake.wait_until(lambda: fake.callback_answers.get(outsider_press["id"]) is not None)
    assert "Chỉ cán bộ" in fake.callback_answers[outsider_press["id"]]["text"]

    press = officer.tap("📞 Số điện thoại (riêng)", chat=group)
    await fake.wait_until(lambda: fake.callback_answers.get(press["id"]) is not None)
    assert "chat riêng" in fake.callback_answers[press["id"]]["text"]  # start the bot first
    officer.start()
    await officer.next_message()
    press = officer.tap("📞 Số điện thoại (riêng)", chat=group)
    phone = await officer.next_message()
    assert "0912345678" in phone["text"]
    assert all("0912345678" not in m.get("text", "") for m in group.sent_messages())
    assert card["message_id"]

    viewed = (
        await db.exec(select(TicketEvent).where(TicketEvent.kind == EventKind.PHONE_VIEWED))
    ).all()
    assert len(viewed) == 2  # each look is recorded, including the one that could not be sent
    refused = (await db.exec(select(AuditEntry).where(AuditEntry.action == "view_phone"))).all()
    assert [(r.actor_telegram_id, r.allowed) for r in refused] == [(outsider.id, False)]


async def test_a_long_case_is_split_never_cut(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    resident = fake.add_user("Hoa")
    words = [f"đoạn{i}" for i in range(520)]
    long_text = " ".join(words)  # about 3,900 characters: with the card's header, too long
    resident.send(long_text)
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    await resident.next_message()
    first, second = await group.next_message(), await group.next_message()
    assert all(utf16_len(m["text"]) <= 4096 for m in (first, second))
    shown = (first["text"] + " " + second["text"]).split()
    assert [w for w in shown if w.startswith("đoạn")] == words


async def test_commands_are_registered_in_vietnamese_and_english(
    fake: FakeTelegram, bot_app: BotApp
) -> None:
    scope = {"type": "all_private_chats"}
    await fake.wait_until(lambda: fake.commands(scope=scope, language_code="en"))
    vietnamese = {c["command"]: c["description"] for c in fake.commands(scope=scope)}
    english = {c["command"]: c["description"] for c in fake.commands(scope, "en")}
    assert set(vietnamese) >= {"start", "new", "mine", "status", "help", "cancel"}
    assert vietnamese["new"] == "Gửi phản ánh, kiến nghị" and english["new"] == "Send feedback"


async def test_desk_commands_are_offered_in_groups(fake: FakeTelegram, bot_app: BotApp) -> None:
    scope = {"type": "all_group_chats"}
    await fake.wait_until(lambda: fake.commands(scope=scope, language_code="en"))
    vietnamese = {c["command"]: c["description"] for c in fake.commands(scope=scope)}
    assert {"ack", "assign", "reply", "close", "extend", "queue", "bind"} <= set(vietnamese)
    assert vietnamese["ack"].startswith("Tiếp nhận hồ sơ")


async def test_bidi_and_zero_width_characters_do_not_reach_the_card(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    """U+202E turns what follows right to left: a name or a text could read otherwise on
    the card than it was written; zero-width characters hide words from /find."""
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    resident = fake.add_user("Hoa\u202egnp.exe\u2066")
    resident.send(
        "Đèn\u200b đường\u200d thôn\ufeff Yên\u2060 Phú\u200f hỏng\u202a từ\u2069 tuần trước"
    )
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    await resident.next_message()
    card = (await group.next_message())["text"]
    assert "Đèn đường thôn Yên Phú hỏng từ tuần trước" in card  # diacritics intact
    assert "Hoagnp.exe" in card
    hidden = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2069\ufeff"
    assert not set(card) & set(hidden)
