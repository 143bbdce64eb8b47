"""/export: a leader picks a period and gets the cases as an Excel file; an officer is told
it is for the leaders, and the refusal is recorded."""

import io

from openpyxl import load_workbook
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from models import AuditEntry, Role
from tests.e2e.conftest import StaffSpec, make_commune


async def test_a_leader_exports_this_month_and_an_officer_cannot(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    lan, manh, hoa = fake.add_user("Lan"), fake.add_user("Mạnh"), fake.add_user("Hoa")
    group = fake.add_group("Tổ PAKN", members=(lan, manh))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[StaffSpec(lan.id, Role.OFFICER, "Lan"), StaffSpec(manh.id, Role.LEADER, "Mạnh")],
    )
    hoa.send("Đèn đường thôn Yên Phú bị hỏng")
    await hoa.next_message()
    hoa.tap("✅ Có, gửi ngay")
    receipt = await hoa.next_message()
    await group.next_message()

    lan.send("/export")
    assert "dành cho lãnh đạo" in (await lan.next_message())["text"]

    manh.send("/export")
    menu = await manh.next_message()
    assert "kỳ nào" in menu["text"]
    manh.tap("Tháng này · Excel")
    sent = await manh.next_message()
    assert sent["document"]["file_name"].startswith("PAKN_Xa-Thong-Nhat_")
    assert "Hồ sơ tiếp nhận từ" in sent["caption"]
    sheet = load_workbook(io.BytesIO(fake.file_bytes(sent["document"]["file_id"]))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "Nội dung" not in rows[0]
    case = dict(zip(rows[0], rows[1], strict=True))
    assert case["Mã hồ sơ"] in receipt["text"]
    assert (case["Kênh tiếp nhận"], case["Trạng thái"]) == ("Telegram", "Mới tiếp nhận")

    audit = (await db.exec(select(AuditEntry.action, AuditEntry.allowed))).all()
    assert ("export", False) in audit and ("export_cases", True) in audit
