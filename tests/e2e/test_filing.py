"""A resident files a case, guided or in one tap, and gets a receipt; staff see the card."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from models import Attachment, AttachmentKind, Category, Kind, Ticket, TicketEvent
from tests.e2e.conftest import make_commune

VN = ZoneInfo("Asia/Ho_Chi_Minh")
STREET = "Đường liên thôn đoạn qua Thôn Yên Phú bị sạt lở sau mưa lớn, rất nguy hiểm"


async def _tickets(db: AsyncSession) -> list[Ticket]:
    await db.rollback()  # a fresh snapshot
    return list((await db.exec(select(Ticket).order_by(Ticket.id))).all())


async def test_guided_flow_with_album_location_village_and_phone(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ xử lý PAKN xã Thống Nhất")
    await make_commune(db, villages=["Thôn Yên Phú", "Thôn Yên Mỹ"], staff_chat=group.id)
    hoa = fake.add_user("Nguyễn Thị Hoa")

    hoa.start()
    welcome = await hoa.next_message()
    assert "Hòm thư số" in welcome["text"] and "Xã Thống Nhất" in welcome["text"]
    assert "Luật Bảo vệ dữ liệu cá nhân 2025" in welcome["text"]

    hoa.tap("📝 Gửi phản ánh")
    assert "Bạn muốn gửi gì?" in (await hoa.next_message())["text"]
    hoa.tap("Phản ánh")
    assert "lĩnh vực" in (await hoa.next_message())["text"]
    hoa.tap("Giao thông")
    assert "viết nội dung" in (await hoa.next_message())["text"]
    described = hoa.send(STREET)
    assert "ảnh, video" in (await hoa.next_message())["text"]
    hoa.send_album(3)
    assert "Đã nhận" in (await hoa.next_message())["text"]  # one answer for the album
    hoa.tap("Tiếp tục ➡️")
    assert "vị trí" in (await hoa.next_message())["text"]
    hoa.tap("📍 Gửi vị trí của tôi")
    await hoa.next_message()  # "Việc này ở thôn… ?"
    assert "Chọn một" in (await hoa.next_message())["text"]
    hoa.tap("Thôn Yên Phú")
    assert "số điện thoại" in (await hoa.next_message())["text"]
    hoa.tap("📞 Gửi số điện thoại của tôi")
    await hoa.next_message()  # "Bạn kiểm tra lại phản ánh:"
    review = await hoa.next_message()
    for expected in ("Phản ánh", "Giao thông", STREET, "Ảnh, tệp: 3", "Thôn Yên Phú", "0912345678"):
        assert expected in review["text"]
    hoa.tap("✅ Gửi")

    receipt = await hoa.next_message()
    received = datetime.fromtimestamp(described["date"], VN)
    code = f"PA{received:%y}-0001"
    assert code in receipt["text"]
    assert "Hạn trả lời" in receipt["text"] and "Hạn tiếp nhận" in receipt["text"]
    assert "Luật Tiếp công dân 2013" in receipt["text"]

    card = await group.next_message()
    for expected in (code, "Phản ánh", "Giao thông", "Thôn Yên Phú", "Nguyễn Thị Hoa", STREET):
        assert expected in card["text"]
    assert "0912345678" not in card["text"], "the phone is never posted in the group"
    album = [await group.next_message() for _ in range(3)]
    assert {m["media_type"] for m in album} == {"photo"}
    assert (await group.next_message())["media_type"] == "location"

    [ticket] = await _tickets(db)
    assert (ticket.code, ticket.kind, ticket.contact_phone) == (code, Kind.REPORT, "0912345678")
    assert ticket.received_at == datetime.fromtimestamp(described["date"], VN)
    assert ticket.latitude is not None and ticket.village_id is not None
    files = (await db.exec(select(Attachment).where(Attachment.ticket_id == ticket.id))).all()
    assert [f.kind for f in files] == [AttachmentKind.PHOTO] * 3
    assert len({f.media_group for f in files}) == 1
    events = (await db.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))).all()
    assert [e.kind.value for e in events] == ["created"]


async def test_one_tap_filing_from_free_text(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    an = fake.add_user("Trần Văn An")
    sent = an.send("Đèn đường ở ngõ 5 thôn Yên Mỹ bị hỏng cả tuần nay")
    offer = await an.next_message()
    assert "gửi nội dung này" in offer["text"]
    an.tap("✅ Có, gửi ngay")
    receipt = await an.next_message()
    assert "Mã hồ sơ" in receipt["text"]
    card = await group.next_message()
    assert "Đèn đường ở ngõ 5" in card["text"] and "Khác" in card["text"]
    [ticket] = await _tickets(db)
    assert ticket.received_at == datetime.fromtimestamp(sent["date"], VN)
    category = await db.get(Category, ticket.category_id)
    assert category is not None and category.slug == "khac"


async def test_receipt_due_date_crosses_tet(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    ba = fake.add_user("Lê Thị Ba")
    before_tet = datetime(2025, 1, 24, 10, 0, tzinfo=VN)  # Friday before Tết Ất Tỵ
    ba.send("Cống thoát nước trước nhà văn hóa bị tắc", date=before_tet)
    await ba.next_message()
    ba.tap("✅ Có, gửi ngay")
    receipt = await ba.next_message()
    assert "PA25-0001" in receipt["text"]
    assert "Thứ Sáu, 14/02/2025" in receipt["text"]  # 10 working days, Tết skipped
    assert "Thứ Ba, 04/02/2025" in receipt["text"]  # acknowledgement: 2 working days


async def test_cancel_leaves_nothing_and_old_buttons_answer_politely(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    cu = fake.add_user("Phạm Văn Cừ")
    cu.send("/new")
    await cu.next_message()
    cu.tap("Kiến nghị")
    categories = await cu.next_message()
    cu.send("/cancel")
    assert "Đã hủy" in (await cu.next_message())["text"]
    query = cu.press(
        categories, categories["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    await fake.wait_until(lambda: fake.callback_answers.get(query["id"]) is not None)
    answer = fake.callback_answers[query["id"]]
    assert answer["show_alert"] and "không còn dùng được" in answer["text"]

    cu.send("/new")
    await cu.next_message()
    cu.tap("✖️ Hủy")
    assert "Đã hủy" in (await cu.next_message())["text"]
    cu.send("/cancel")
    assert "Không có việc gì cần hủy" in (await cu.next_message())["text"]
    assert await _tickets(db) == []


async def test_sending_twice_files_once(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    dung = fake.add_user("Đỗ Dũng")
    dung.send("Rác thải đổ trộm ven sông chưa được dọn")
    offer = await dung.next_message()
    dung.tap("✅ Có, gửi ngay")
    await dung.next_message()
    again = dung.press(offer, offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await fake.wait_until(lambda: fake.callback_answers.get(again["id"]) is not None)
    assert len(await _tickets(db)) == 1


async def test_complaints_are_explained_not_filed(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db, address="Thôn Yên Phú, xã Thống Nhất", reception="Thứ Năm hằng tuần")
    em = fake.add_user("Vũ Em")
    em.send("/new")
    await em.next_message()
    em.tap("Khiếu nại, tố cáo")
    explanation = await em.next_message()
    assert "đơn có chữ ký" in explanation["text"]
    assert "Thôn Yên Phú, xã Thống Nhất" in explanation["text"]
    assert "Thứ Năm hằng tuần" in explanation["text"]
    assert await _tickets(db) == []


async def test_short_text_gets_help_and_unsupported_content_a_polite_answer(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    giang = fake.add_user("Giang")
    giang.send("chào")
    assert "📝 Gửi phản ánh" in (await giang.next_message())["text"]
    giang.send_sticker()
    assert "chưa nhận được loại tin nhắn này" in (await giang.next_message())["text"]
    giang.send("/new")
    await giang.next_message()
    giang.tap("Hỏi đáp")
    await giang.next_message()
    giang.tap("Thủ tục hành chính")
    await giang.next_message()
    giang.send("hỏi")
    assert "viết rõ hơn" in (await giang.next_message())["text"]
    giang.send_poll()
    assert "chưa dùng được loại tin nhắn này" in (await giang.next_message())["text"]
    assert await _tickets(db) == []
