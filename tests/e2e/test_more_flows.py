"""Choosing a commune, changing an answer before sending, and every kind of attachment."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from models import Attachment, AttachmentKind, Resident, Ticket
from services.communes import registry as communes
from tests.e2e.conftest import make_commune


async def test_several_communes_deep_link_or_choice(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db, "7060")
    await communes.add_commune(db, "4", year=2026)  # Phường Ba Đình, Hà Nội
    linked = fake.add_user("Hoa")
    linked.start("c-07060")
    assert "Xã Thống Nhất" in (await linked.next_message())["text"]

    chooser = fake.add_user("An")
    chooser.send("/new")
    question = await chooser.next_message()
    assert "xã, phường nào" in question["text"]
    chooser.tap("Phường Ba Đình (Thành phố Hà Nội)")
    assert "Bạn muốn gửi gì?" in (await chooser.next_message())["text"]

    await db.rollback()  # a fresh snapshot
    by_name = {r.full_name: r.commune_id for r in (await db.exec(select(Resident))).all()}
    ba_dinh = await communes.get_commune(db, "4")
    assert by_name["An"] == ba_dinh.id and by_name["Hoa"] != ba_dinh.id


async def test_no_commune_registered_is_explained(fake: FakeTelegram, bot_app: BotApp) -> None:
    hoa = fake.add_user("Hoa")
    hoa.send("/new")
    assert "chưa được cài đặt" in (await hoa.next_message())["text"]


async def test_change_the_content_before_sending(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await make_commune(db)
    hoa = fake.add_user("Hoa")
    hoa.send("/new")
    await hoa.next_message()
    hoa.tap("Kiến nghị")
    await hoa.next_message()
    hoa.tap("Môi trường")
    await hoa.next_message()
    hoa.send("Đề nghị đặt thêm thùng rác ở chợ")
    await hoa.next_message()
    hoa.tap("Tiếp tục ➡️")
    await hoa.next_message()
    hoa.tap("Bỏ qua")
    await hoa.next_message()
    hoa.tap("Bỏ qua")
    await hoa.next_message()
    review = await hoa.next_message()
    assert "thùng rác ở chợ" in review["text"]
    hoa.tap("✏️ Sửa")
    await fake.wait_until(
        lambda: any(
            b["text"] == "Nội dung"
            for row in (fake.message(hoa.id, review["message_id"])["reply_markup"] or {}).get(
                "inline_keyboard", []
            )
            for b in row
        )
    )
    hoa.tap("Nội dung")
    await hoa.next_message()
    hoa.send("Đề nghị đặt thêm thùng rác ở chợ Yên Phú và thu gom hằng ngày")
    await hoa.next_message()
    changed = await hoa.next_message()
    assert "thu gom hằng ngày" in changed["text"] and "Môi trường" in changed["text"]
    hoa.tap("✅ Gửi")
    await hoa.next_message()
    ticket = (await db.exec(select(Ticket))).one()
    assert ticket.text.endswith("thu gom hằng ngày")


async def test_photo_with_caption_voice_video_and_document(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, staff_chat=group.id)
    hoa = fake.add_user("Hoa")
    hoa.send("/new")
    await hoa.next_message()
    hoa.tap("Phản ánh")
    await hoa.next_message()
    hoa.tap("Xây dựng")
    await hoa.next_message()
    hoa.send_photo(caption="Nhà bên cạnh xây lấn ra đường đi chung")
    assert "ảnh, video" in (await hoa.next_message())["text"]
    hoa.send_voice()
    await hoa.next_message()
    hoa.send_video()
    await hoa.next_message()
    hoa.send_document(file_name="giay-phep.pdf")
    await hoa.next_message()
    hoa.tap("Tiếp tục ➡️")
    await hoa.next_message()
    hoa.tap("Bỏ qua")
    await hoa.next_message()
    hoa.tap("Bỏ qua")
    await hoa.next_message()
    await hoa.next_message()
    hoa.tap("✅ Gửi")
    await hoa.next_message()
    card = await group.next_message()
    assert "xây lấn ra đường" in card["text"] and "4 tệp" in card["text"]
    media = [(await group.next_message())["media_type"] for _ in range(4)]
    assert media == ["photo", "video", "voice", "document"]  # photo and video as one album
    kinds = [a.kind for a in (await db.exec(select(Attachment).order_by(Attachment.id))).all()]
    assert kinds == [
        AttachmentKind.PHOTO,
        AttachmentKind.VOICE,
        AttachmentKind.VIDEO,
        AttachmentKind.DOCUMENT,
    ]
