"""The staff desk end to end: the card's buttons, commands, replies under the card, and
what the resident hears at each step."""

from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeChat, FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import (
    AuditEntry,
    ChannelMessage,
    Rating,
    Role,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from services.cases import messages as channel_messages
from services.cases.messages import STAFF_COPIES
from tests.e2e.conftest import StaffSpec, make_commune


async def _file(resident: FakeUser, text: str) -> tuple[str, dict]:
    resident.send(text)
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    receipt = await resident.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA")), receipt


async def _desk(
    fake: FakeTelegram, db: AsyncSession
) -> tuple[FakeChat, FakeUser, FakeUser, FakeUser]:
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
    return group, lan, minh, manh


async def _answered(fake: FakeTelegram, query: dict) -> dict:
    await fake.wait_until(lambda: fake.callback_answers.get(query["id"]) is not None)
    return fake.callback_answers[query["id"]]


async def _card_text(fake: FakeTelegram, group: FakeChat, card: dict) -> str:
    return fake.message(group.id, card["message_id"])["text"]


async def _recorded(db: AsyncSession, message: dict[str, Any]) -> bool:
    await db.rollback()  # a fresh snapshot
    chat, message_id = message["chat"]["id"], message["message_id"]
    return await channel_messages.ticket_of(db, chat, message_id, STAFF_COPIES) is not None


async def test_the_full_life_of_a_case(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, lan, _minh, manh = await _desk(fake, db)
    hoa = fake.add_user("Hoa")
    code, _receipt = await _file(hoa, "Đèn đường ngõ 5 thôn Yên Phú bị hỏng cả tuần nay")
    card = await group.next_message()

    lan.tap("✅ Tiếp nhận", chat=group)
    accepted = await hoa.next_message()
    assert f"đã tiếp nhận phản ánh {code}" in accepted["text"]
    await fake.wait_until(
        lambda: "Đã tiếp nhận, đang xử lý" in fake.message(group.id, card["message_id"])["text"]
    )

    manh.tap("👤 Phân công", chat=group)
    await fake.wait_until(
        lambda: "Lan" in str(fake.message(group.id, card["message_id"])["reply_markup"])
    )
    manh.tap("Lan", chat=group)
    intro = await lan.next_message()
    assert f"Bạn được phân công xử lý hồ sơ {code}" in intro["text"]
    copy = await lan.next_message()
    assert "Đèn đường ngõ 5" in copy["text"]
    await fake.wait_until(
        lambda: "Người xử lý: Lan" in fake.message(group.id, card["message_id"])["text"]
    )

    lan.reply(copy, "Đã báo điện lực, chiều mai sẽ thay bóng.")
    question = await lan.next_message()
    assert "Gửi nội dung này" in question["text"]
    lan.tap("📤 Gửi cho người dân")
    answer = await hoa.next_message()
    assert "trả lời phản ánh" in answer["text"] and "chiều mai sẽ thay bóng" in answer["text"]
    assert "— UBND xã Thống Nhất" in answer["text"], "signed by the office, not the officer"
    assert "Lan" not in answer["text"]

    lan.tap("✔️ Hoàn thành", chat=group)
    prompt = await lan.next_message()
    assert "kết quả" in prompt["text"]
    lan.send("Đã thay bóng đèn mới ngày 24/11.")
    assert f"Đã đóng hồ sơ {code}" in (await lan.next_message())["text"]
    result = await hoa.next_message()
    assert (
        "đã được UBND xã Thống Nhất giải quyết" in result["text"]
        and "thay bóng đèn mới" in result["text"]
    )
    hoa.tap("😊 Rất hài lòng")
    assert "nhận xét" in (await hoa.next_message())["text"]
    hoa.send("Cán bộ xã làm nhanh, cảm ơn!")
    assert "UBND sẽ đọc" in (await hoa.next_message())["text"]
    opinion = await group.next_message()
    assert "Ý kiến của người dân" in opinion["text"] and "làm nhanh" in opinion["text"]
    await fake.wait_until(lambda: "✅" in fake.message(group.id, card["message_id"])["text"][:2])

    await db.rollback()  # a fresh snapshot
    ticket = (await db.exec(select(Ticket))).one()
    assert ticket.status is TicketStatus.RESOLVED
    events = [
        e.kind.value
        for e in (await db.exec(select(TicketEvent).order_by(col(TicketEvent.id)))).all()
    ]
    assert events[:6] == ["created", "acknowledged", "assigned", "replied", "resolved", "rated"]
    assert ticket.rating is Rating.VERY_SATISFIED
    final = await _card_text(fake, group, card)
    assert "Đã trả lời" in final and "Người xử lý: Lan" in final
    old_reply = next(
        b["callback_data"]
        for row in card["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "💬 Trả lời"
    )
    stale = lan.press(card, old_reply, chat=group)  # a button from before the case closed
    assert "không thể làm việc này nữa" in (await _answered(fake, stale))["text"]


async def test_a_reply_before_the_card_is_recorded(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    """The outbox records which case a card is about once Telegram has confirmed it; a reply
    under the card that comes before that record (here: the record is not there) is still an
    answer to that case, found from the card's own buttons — in the group and in an
    officer's private copy, and only by staff of the case's commune."""
    group, lan, minh, manh = await _desk(fake, db)
    outsider = fake.add_user("Khách")  # writes in the group, is nobody's staff
    hoa = fake.add_user("Hoa")
    code, _receipt = await _file(hoa, "Cống thoát nước đầu ngõ 7 bị tắc, nước tràn ra đường")
    card = await group.next_message()
    manh.tap("👤 Phân công", chat=group)
    await fake.wait_until(
        lambda: "Lan" in str(fake.message(group.id, card["message_id"])["reply_markup"])
    )
    manh.tap("Lan", chat=group)
    await lan.next_message()  # "you have been assigned"
    copy = await lan.next_message()
    await fake.wait_until(lambda: _recorded(db, copy))
    await fake.wait_until(lambda: _recorded(db, card))
    await db.exec(delete(ChannelMessage))  # as if neither record had been committed yet
    await db.commit()

    lan.reply(copy, "Đã nhận, chiều nay em ra kiểm tra.")
    assert "Gửi nội dung này" in (await lan.next_message())["text"]
    lan.tap("📤 Gửi cho người dân")
    assert "chiều nay em ra kiểm tra" in (await hoa.next_message())["text"]

    outsider.reply(card, "Tôi biết chỗ này")
    minh.reply(card, "Đã báo đội vệ sinh, sáng mai sẽ thông cống.")
    question = await group.next_message()
    assert "Gửi nội dung này" in question["text"]
    assert question["reply_to_message"]["from"]["id"] == minh.id, "only staff are asked"
    minh.tap("📤 Gửi cho người dân", chat=group)
    answer = await hoa.next_message()
    assert code in answer["text"] and "sáng mai sẽ thông cống" in answer["text"]


async def test_forward_refuse_and_extend(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, lan, _minh, manh = await _desk(fake, db)
    hoa, an = fake.add_user("Hoa"), fake.add_user("An")
    first, _ = await _file(hoa, "Tranh chấp đất với hộ bên cạnh đã lâu")
    second, _ = await _file(an, "Xin hỏi thủ tục cấp giấy phép karaoke")
    await group.next_message()
    await group.next_message()

    lan.send(
        f"/forward {first} Tòa án nhân dân khu vực\nTranh chấp đất đai thuộc thẩm quyền của Tòa án",
        chat=group,
    )
    assert "Đã chuyển" in (await group.next_message())["text"]
    told = await hoa.next_message()
    assert (
        "Tòa án nhân dân khu vực" in told["text"] and "thuộc thẩm quyền của Tòa án" in told["text"]
    )

    lan.send(f"/extend {second} +5 Chờ ý kiến phòng chuyên môn", chat=group)
    assert "không có quyền" in (await group.next_message())["text"]
    manh.send(f"/extend {second} +5 Chờ ý kiến phòng chuyên môn", chat=group)
    assert "Đã gia hạn" in (await group.next_message())["text"]
    extended = await an.next_message()
    assert (
        "Hạn trả lời mới" in extended["text"] and "Chờ ý kiến phòng chuyên môn" in extended["text"]
    )

    lan.send(f"/reply {first} Xin cảm ơn", chat=group)
    assert "không thể làm việc này nữa" in (await group.next_message())["text"]

    card = next(m for m in group.sent_messages() if second in m.get("text", ""))
    press = lan.press(card, card["reply_markup"]["inline_keyboard"][-2][1]["callback_data"])  # ⛔
    await _answered(fake, press)
    await fake.wait_until(
        lambda: (
            "Không thuộc thẩm quyền"
            in str(fake.message(group.id, card["message_id"])["reply_markup"])
        )
    )
    lan.tap("Không thuộc thẩm quyền của UBND xã, phường", chat=group)
    refused = await an.next_message()
    assert "không thụ lý" in refused["text"] and "Không thuộc thẩm quyền" in refused["text"]
    await db.rollback()
    statuses = {t.code: t.status for t in (await db.exec(select(Ticket))).all()}
    assert statuses == {first: TicketStatus.FORWARDED, second: TicketStatus.REJECTED}


async def test_merge_follow_up_and_reopen(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, lan, _minh, _manh = await _desk(fake, db)
    hoa, an = fake.add_user("Hoa"), fake.add_user("An")
    main, receipt = await _file(hoa, "Cống thoát nước trước chợ bị tắc")
    duplicate, _ = await _file(an, "Cống ở chợ tắc, nước tràn lên đường")
    await group.next_message()
    await group.next_message()

    hoa.reply(receipt, "Thêm: nước đã tràn vào hai nhà gần đó")
    assert "Đã bổ sung" in (await hoa.next_message())["text"]
    news = await group.next_message()
    assert "Người dân bổ sung" in news["text"] and "tràn vào hai nhà" in news["text"]

    lan.send(f"/merge {duplicate} {main}")
    assert "Đã gộp" in (await lan.next_message())["text"]
    assert "trùng nội dung" in (await an.next_message())["text"]
    lan.send(f"/close {main} Đã nạo vét cống ngày 25/11")
    await lan.next_message()
    for resident in (hoa, an):
        result = await resident.next_message()
        assert "Đã nạo vét cống" in result["text"]

    hoa.tap("🙁 Chưa hài lòng")
    await hoa.next_message()  # an opinion is welcome…
    offer = await hoa.next_message()  # …and the case can be reopened
    assert "trong 7 ngày" in offer["text"].lower()
    hoa.tap("🔁 Đề nghị UBND xem xét lại")
    await hoa.next_message()
    hoa.send("Cống vẫn tắc sau trận mưa hôm qua")
    assert "mở lại" in (await hoa.next_message())["text"]
    reopened = await group.next_message()
    assert "chưa hài lòng" in reopened["text"] and "vẫn tắc" in reopened["text"]
    await db.rollback()
    ticket = (await db.exec(select(Ticket).where(Ticket.code == main))).one()
    assert ticket.status is TicketStatus.ACKNOWLEDGED and ticket.rating is Rating.UNSATISFIED


async def test_withdraw_from_status(fake: FakeTelegram, bot_app: BotApp, db: AsyncSession) -> None:
    group, *_ = await _desk(fake, db)
    hoa = fake.add_user("Hoa")
    code, _ = await _file(hoa, "Chó thả rông cắn người ở xóm 2")
    await group.next_message()
    hoa.send(f"/status {code}")
    await hoa.next_message()
    hoa.tap("↩️ Rút phản ánh này")
    await hoa.next_message()
    hoa.tap("Có, rút hồ sơ")
    assert "Đã rút" in (await hoa.next_message())["text"]
    assert "đã rút hồ sơ" in (await group.next_message())["text"]


async def test_every_action_refused_to_outsiders_and_logged(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, lan, _minh, _manh = await _desk(fake, db)
    outsider = fake.add_user("Cán bộ xã khác")
    other_group = fake.add_group("Tổ PAKN phường Ba Đình", members=(outsider,))
    from services.communes import registry as communes
    from services.people import staff

    ba_dinh = await communes.add_commune(db, "4", year=2026)
    await staff.add_staff(db, ba_dinh, telegram_id=outsider.id, role=Role.ADMIN, name="Hà")
    await communes.update_commune(db, ba_dinh, staff_chat_id=other_group.id)
    hoa = fake.add_user("Hoa")
    hoa.start("c-07060")  # two communes now: the resident comes through her commune's link
    await hoa.next_message()
    code, _ = await _file(hoa, "Bãi rác tự phát cạnh trường học")
    card = await group.next_message()
    outsider.start("c-00004")
    await outsider.next_message()

    commands = [
        f"/ack {code}",
        f"/assign {code} Lan",
        f"/reply {code} xin chào",
        f"/forward {code} Huyện",
        f"/reject {code} không",
        f"/extend {code} +3 chờ",
        f"/close {code} xong",
        f"/merge {code} {code}",
        f"/note {code} ghi chú",
    ]
    for text in commands:  # a resident in private, and another commune's admin in both places
        hoa.send(text)
        assert "dành cho cán bộ" in (await hoa.next_message())["text"]
        outsider.send(text)
        assert "Không có hồ sơ" in (await outsider.next_message())["text"]
    for row in card["reply_markup"]["inline_keyboard"]:  # forged presses from a stranger
        for button in row:
            answer = await _answered(
                fake, outsider.press(card, button["callback_data"], chat=group)
            )
            assert answer.get("show_alert"), button
    forged = outsider.press(card, "d1:99999:ack", chat=group)
    assert (await _answered(fake, forged)).get("show_alert")

    await db.rollback()
    ticket = (await db.exec(select(Ticket).where(Ticket.code == code))).one()
    assert ticket.status is TicketStatus.NEW and ticket.assignee_id is None
    events = (await db.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))).all()
    assert [e.kind.value for e in events] == ["created"]
    refusals = (await db.exec(select(AuditEntry).where(col(AuditEntry.allowed).is_(False)))).all()
    assert len([r for r in refusals if r.actor_telegram_id == hoa.id]) == len(commands)
    assert len([r for r in refusals if r.actor_telegram_id == outsider.id]) >= 7
    lan.send(f"/ack {code}", chat=group)
    assert "Đã tiếp nhận" in (await group.next_message())["text"]


async def test_lost_group_and_blocked_officer(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    admin, lan = fake.add_user("Quản trị"), fake.add_user("Lan")
    group = fake.add_group("Tổ PAKN", members=(admin, lan))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[
            StaffSpec(admin.id, Role.ADMIN, "Quản trị"),
            StaffSpec(lan.id, Role.OFFICER, "Lan"),
        ],
    )
    admin.start()
    await admin.next_message()
    fake.remove_bot(group, by=admin)
    alert = await admin.next_message()
    assert "bị xóa khỏi nhóm" in alert["text"]

    hoa = fake.add_user("Hoa")
    code, _ = await _file(hoa, "Sạt lở taluy đường lên thôn Yên Mỹ")  # the receipt does not wait
    new_group = fake.add_group("Tổ PAKN mới", members=(admin, lan))
    admin.send("/bind", chat=new_group)
    await new_group.next_message()  # "Từ nay nhóm này nhận…"
    card = await new_group.next_message()
    assert code in card["text"]

    lan.start()
    await lan.next_message()
    fake.block(lan)
    admin.send(f"/assign {code} Lan", chat=new_group)
    await new_group.next_message()  # "Đã phân công…"
    warning = await new_group.next_message()
    assert "Lan" in warning["text"] and "chặn bot" in warning["text"]


async def test_routing_and_canned_replies(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    admin, lan = fake.add_user("Quản trị"), fake.add_user("Lan")
    group = fake.add_group("Tổ PAKN", members=(admin, lan))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[
            StaffSpec(admin.id, Role.ADMIN, "Quản trị"),
            StaffSpec(lan.id, Role.OFFICER, "Lan"),
        ],
    )
    for person in (admin, lan):
        person.start()
        await person.next_message()
    lan.send("/route khac Lan")
    assert "không có quyền" in (await lan.next_message())["text"]
    admin.send("/route khac Lan")
    assert "Lan" in (await admin.next_message())["text"]
    admin.send("/templates add * Cảm ơn bạn đã phản ánh, UBND đã ghi nhận và sẽ kiểm tra.")
    assert "Đã lưu" in (await admin.next_message())["text"]

    hoa = fake.add_user("Hoa")
    code, _ = await _file(
        hoa, "Cây xanh đổ chắn lối vào chợ Yên Phú"
    )  # field "Khác": routed to Lan
    intro = await lan.next_message()
    assert f"Bạn được phân công xử lý hồ sơ {code}" in intro["text"]
    copy = await lan.next_message()
    lan.tap("💬 Trả lời")
    prompt = await lan.next_message()
    assert "📄 Cảm ơn bạn đã phản ánh" in str(prompt["reply_markup"])
    lan.tap("📄 Cảm ơn bạn đã phản ánh")
    answer = await hoa.next_message()
    assert "UBND đã ghi nhận và sẽ kiểm tra" in answer["text"]
    assert copy["message_id"]


async def test_queue_and_find(fake: FakeTelegram, bot_app: BotApp, db: AsyncSession) -> None:
    _group, lan, _minh, _manh = await _desk(fake, db)
    hoa = fake.add_user("Hoa")
    land, _ = await _file(hoa, "Tranh chấp đất đai với hộ bên cạnh")
    light, _ = await _file(hoa, "Đèn đường ngõ 5 bị hỏng")
    lan.send("/queue")
    queue = await lan.next_message()
    assert land in queue["text"] and light in queue["text"] and "chưa phân công" in queue["text"]
    lan.send("/find DAT DAI")  # case and diacritics ignored
    found = await lan.next_message()
    assert land in found["text"] and light not in found["text"]
    lan.send(f"/find {light.lower()}")
    assert light in (await lan.next_message())["text"]
    lan.send("/find karaoke")
    assert "Không tìm thấy" in (await lan.next_message())["text"]
    hoa.send("/queue")
    assert "dành cho cán bộ" in (await hoa.next_message())["text"]
