"""Reports end to end: the annual draft reaches the leader with its .docx, is edited and
approved, and arrives in the superior level's chat; the monthly summary goes out on its day
without anyone pressing a button; /report makes a draft on demand."""

import io
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from docx import Document
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from bot.ui.callbacks import ReportAction
from models import AuditEntry, Commune, ReportStatus, ReportVersion, Role
from scheduler import reporting
from services.clock import FixedClock
from services.reporting import settings as report_settings
from tests.e2e.conftest import StaffSpec, make_commune

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The scheduled moments are in the past (whatever the real date), so what the jobs queue is
# due at once for the bot's real clock; the commune is registered before them.
REGISTERED = datetime(2025, 1, 2, tzinfo=VN)


async def _registered_early(db: AsyncSession, commune: Commune) -> None:
    commune.created_at = REGISTERED
    db.add(commune)
    await db.commit()


def _text_of(fake: FakeTelegram, message: dict) -> str:
    document = Document(io.BytesIO(fake.file_bytes(message["document"]["file_id"])))
    return "\n".join(p.text for p in document.paragraphs)


async def _answer(fake: FakeTelegram, query: dict) -> str:
    await fake.wait_until(lambda: fake.callback_answers.get(query["id"]) is not None)
    return str(fake.callback_answers[query["id"]]["text"])


async def _file_a_case(fake: FakeTelegram, text: str) -> None:
    hoa = fake.add_user("Hoa")
    hoa.send(text, date=datetime(2025, 11, 20, 9, 0, tzinfo=VN))
    await hoa.next_message()
    hoa.tap("✅ Có, gửi ngay")
    await hoa.next_message()


async def test_the_annual_report_is_drafted_edited_approved_and_delivered(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    lan, manh = fake.add_user("Lan"), fake.add_user("Mạnh")
    group = fake.add_group("Tổ PAKN", members=(lan, manh))
    province = fake.add_group("Văn phòng UBND tỉnh")
    commune = await make_commune(
        db,
        staff_chat=group.id,
        members=[StaffSpec(lan.id, Role.OFFICER, "Lan"), StaffSpec(manh.id, Role.LEADER, "Mạnh")],
    )
    assert commune.id is not None
    await _registered_early(db, commune)
    await report_settings.add_superior(
        db,
        commune.id,
        "Ủy ban nhân dân tỉnh Quảng Ninh",
        short_name="UBND tỉnh Quảng Ninh",
        telegram_chat_id=province.id,
    )
    for person in (lan, manh):
        person.start()
        await person.next_message()
    await _file_a_case(fake, "Đèn đường thôn Yên Phú bị hỏng")
    await group.next_message()

    december = replace(bot_app.ctx, clock=FixedClock(datetime(2025, 12, 5, 8, 5, tzinfo=VN)))
    assert await reporting.annual_drafts(december) == 1
    assert await reporting.annual_drafts(december) == 0, "made once"
    bot_app.outbox.wake()

    draft = await manh.next_message()
    assert "Dự thảo báo cáo (phiên bản 1)" in draft["text"]
    assert "UBND tỉnh Quảng Ninh" in draft["text"]
    labels = [b["text"] for row in draft["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["✅ Duyệt gửi", "✏️ Sửa"]
    first_file = await manh.next_message()
    assert first_file["document"]["file_name"] == "BC-PAKN_Xa-Thong-Nhat_2025.docx"
    assert "BÁO CÁO" in _text_of(fake, first_file)

    # an officer cannot approve it, even with a forged button
    forged = ReportAction(version_id=1, action="approve").pack()
    assert "không có quyền" in await _answer(fake, lan.press(lan.sent_messages()[-1], forged))

    manh.tap("✏️ Sửa")
    assert "muốn sửa mục nào" in (await manh.next_message())["text"]
    manh.tap("3. Hạn chế, khó khăn")
    assert "nội dung mới" in (await manh.next_message())["text"]
    current = await manh.next_message()  # as the document reads it, to copy
    assert "kiêm nhiệm" in current["text"] and "{{" not in current["text"]
    manh.send("Cán bộ kiêm nhiệm nên việc trả lời phản ánh trên Telegram còn chậm.")
    assert "Đã lưu" in (await manh.next_message())["text"]
    second = await manh.next_message()
    assert "phiên bản 2" in second["text"]
    second_file = await manh.next_message()
    assert "trả lời phản ánh trên Telegram còn chậm" in _text_of(fake, second_file)

    old = draft["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert "phiên bản mới hơn" in await _answer(fake, manh.press(draft, old))
    manh.press(second, second["reply_markup"]["inline_keyboard"][0][0]["callback_data"])

    sent = await province.next_message()
    assert "Xã Thống Nhất gửi báo cáo" in sent["text"]
    delivered = await province.next_message()
    assert "trả lời phản ánh trên Telegram còn chậm" in _text_of(fake, delivered)
    done = await manh.next_message()
    assert "đã được Mạnh duyệt và gửi tới UBND tỉnh Quảng Ninh" in done["text"]
    again = manh.press(second, second["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    assert "đã được duyệt và gửi" in await _answer(fake, again)

    await db.rollback()
    versions = (await db.exec(select(ReportVersion).order_by(col(ReportVersion.id)))).all()
    assert [(v.version, v.status) for v in versions] == [
        (1, ReportStatus.SUPERSEDED),
        (2, ReportStatus.SENT),
    ]
    assert versions[1].docx == fake.file_bytes(delivered["document"]["file_id"]), "kept as sent"
    assert versions[1].statistics["statistics"]["received"] == 1
    audit = (await db.exec(select(AuditEntry).where(col(AuditEntry.action).like("report%")))).all()
    assert [(a.action, a.allowed) for a in audit] == [
        ("report_approve", False),
        ("report_approve", True),
    ]


async def test_the_monthly_summary_goes_out_on_its_day_and_report_on_demand(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh = fake.add_user("Mạnh")
    province = fake.add_group("Văn phòng UBND tỉnh")
    commune = await make_commune(db, members=[StaffSpec(manh.id, Role.LEADER, "Mạnh")])
    assert commune.id is not None
    await _registered_early(db, commune)
    await report_settings.add_superior(
        db, commune.id, "Ủy ban nhân dân tỉnh Quảng Ninh", telegram_chat_id=province.id
    )
    manh.start()
    await manh.next_message()
    await _file_a_case(fake, "Rác thải ùn ứ ở chợ")

    first = replace(bot_app.ctx, clock=FixedClock(datetime(2025, 12, 1, 8, 0, tzinfo=VN)))
    assert await reporting.monthly_summaries(first) == 1
    assert await reporting.monthly_summaries(first) == 0
    bot_app.outbox.wake()
    summary = await province.next_message()
    assert "tháng 11 năm 2025" in summary["text"]
    assert (await province.next_message())["document"]["file_name"].endswith("_2025-11.docx")
    assert "theo lịch" in (await manh.next_message())["text"]

    manh.send("/report")
    menu = await manh.next_message()
    assert "Lập báo cáo nào" in menu["text"]
    manh.tap("Năm nay (đến hôm nay)")
    draft = await manh.next_message()
    this_year = datetime.now(VN).year  # /report counts to the real today
    assert "Dự thảo báo cáo" in draft["text"] and f"năm {this_year}" in draft["text"]
    assert (await manh.next_message())["document"]["file_name"].endswith(f"_{this_year}.docx")


async def test_a_superior_chat_that_lost_the_bot_is_reported_to_the_leaders(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh = fake.add_user("Mạnh")
    province = fake.add_group("Văn phòng UBND tỉnh")
    commune = await make_commune(db, members=[StaffSpec(manh.id, Role.LEADER, "Mạnh")])
    assert commune.id is not None
    await _registered_early(db, commune)
    await report_settings.add_superior(
        db, commune.id, "UBND tỉnh Quảng Ninh", telegram_chat_id=province.id
    )
    manh.start()
    await manh.next_message()
    fake.remove_bot(province)
    first = replace(bot_app.ctx, clock=FixedClock(datetime(2025, 12, 1, 8, 0, tzinfo=VN)))
    assert await reporting.monthly_summaries(first) == 1
    bot_app.outbox.wake()
    texts = [(await manh.next_message())["text"], (await manh.next_message())["text"]]
    assert any("Không gửi được báo cáo tới UBND tỉnh Quảng Ninh qua Telegram" in t for t in texts)


async def test_a_draft_made_late_is_dated_the_day_it_was_due(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh = fake.add_user("Mạnh")
    commune = await make_commune(db, members=[StaffSpec(manh.id, Role.LEADER, "Mạnh")])
    await _registered_early(db, commune)
    manh.start()
    await manh.next_message()
    # the scheduler was down on 5 December (the annual date) and catches up on the 9th
    late = replace(bot_app.ctx, clock=FixedClock(datetime(2025, 12, 9, 10, 0, tzinfo=VN)))
    assert await reporting.annual_drafts(late) == 1
    bot_app.outbox.wake()
    assert "Dự thảo báo cáo" in (await manh.next_message())["text"]
    draft = await manh.next_message()
    document = Document(io.BytesIO(fake.file_bytes(draft["document"]["file_id"])))
    assert document.tables[0].cell(1, 1).paragraphs[0].text.endswith("ngày 05 tháng 12 năm 2025")
