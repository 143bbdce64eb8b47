"""Commune A's own screens in the isolation test, walked by A's people with B's ids tried on
the way: filing, /log, and the files A's admin gets (report draft, Excel, CSV)."""

import csv
import io
from typing import Any

from docx import Document
from openpyxl import load_workbook

from bot.emulator import FakeTelegram, FakeUser
from bot.ui.callbacks import CategoryChoice, ExportPick, LogPick, VillageChoice
from tests.e2e.isolation_probes import Seen, press
from tests.e2e.isolation_setup import Side, said


def texts_of(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = [b.get("text", "") for row in rows for b in row]
    return [message.get("text") or "", message.get("caption") or "", *buttons]


async def filing_with_b_choices(
    fake: FakeTelegram, seen: Seen, resident: FakeUser, category: int, village: int
) -> None:
    """Half-way through filing in A, B's field and village offered by a forged button."""
    resident.send("/new")
    await resident.next_message()
    resident.tap("Phản ánh")
    question = await resident.next_message()
    forged = CategoryChoice(category_id=category).pack()
    assert "không còn dùng được" in await press(fake, seen, resident, question, forged)
    resident.tap("Giao thông")
    await resident.next_message()
    resident.send("Ổ gà trên đường liên thôn Yên Phú")
    await resident.next_message()
    resident.tap("Tiếp tục ➡️")
    await resident.next_message()
    resident.tap("Bỏ qua")  # the location
    await resident.next_message()  # "Việc này ở thôn, tổ dân phố nào?"
    village_question = await resident.next_message()
    forged = VillageChoice(village_id=village).pack()
    assert "không còn dùng được" in await press(fake, seen, resident, village_question, forged)
    resident.send("/cancel")
    assert "Đã hủy" in (await resident.next_message())["text"]


async def log_with_b_choices(
    fake: FakeTelegram, seen: Seen, staff: FakeUser, category: int, village: int
) -> str:
    """/log in A, with B's field and village tried by hand; returns the new case's code."""
    staff.send("/log")
    await staff.next_message()  # for which commune: A, the only one
    await staff.next_message()  # which channel
    staff.tap("Điện thoại")
    await staff.next_message()
    staff.tap("🕒 Vừa nhận")
    await staff.next_message()
    staff.tap("Phản ánh")
    fields = await staff.next_message()
    forged = LogPick(step="category", value=str(category)).pack()
    assert "không còn dùng được" in await press(fake, seen, staff, fields, forged)
    staff.tap("Môi trường")
    villages = await staff.next_message()
    forged = LogPick(step="village", value=str(village)).pack()
    assert "không còn dùng được" in await press(fake, seen, staff, villages, forged)
    staff.tap("Thôn Yên Phú")
    for _step in ("name", "phone"):
        await staff.next_message()
        staff.tap("Bỏ qua")
    await staff.next_message()
    staff.send("Người dân gọi báo cống thôn Yên Phú bị tắc")
    await staff.next_message()
    staff.tap("Tiếp tục ➡️")
    await staff.next_message()
    staff.tap("💾 Lưu")
    done = await staff.next_message()
    return next(w for w in done["text"].split() if w.startswith("PA"))


async def _document(fake: FakeTelegram, user: FakeUser, before: int) -> tuple[str, bytes]:
    def new_file() -> dict[str, Any] | None:
        return next((m for m in user.sent_messages()[before:] if "document" in m), None)

    message = await fake.wait_until(new_file, timeout=30)
    return message["document"]["file_name"], fake.file_bytes(message["document"]["file_id"])


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


async def files_of_a(fake: FakeTelegram, a: Side) -> list[str]:
    """A's report draft and A's cases as Excel and CSV, as A's admin gets them."""
    found = []
    before = len(a.admin.sent_messages())
    assert "Lập báo cáo nào" in await said(fake, a.admin, "/report")
    a.admin.tap("Tháng này (đến hôm nay)")
    name, data = await _document(fake, a.admin, before)
    assert name.endswith(".docx") and "Xa-Thong-Nhat" in name
    found.append(_docx_text(data))
    for kind in ("xlsx", "csv"):
        before = len(a.admin.sent_messages())
        await said(fake, a.admin, "/export")
        menu = a.admin.sent_messages()[-1]
        picked = ExportPick(choice="this_month", file_format=kind, commune_id=a.id).pack()
        await press(fake, Seen(), a.admin, menu, picked)
        name, data = await _document(fake, a.admin, before)
        if kind == "xlsx":
            sheet = load_workbook(io.BytesIO(data)).active
            assert sheet is not None
            rows = [[str(v or "") for v in r] for r in sheet.iter_rows(values_only=True)]
        else:
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        codes = {row[rows[0].index("Mã hồ sơ")] for row in rows[1:]}
        assert codes == set(a.codes), (kind, codes)
        found.append("\n".join(" ".join(row) for row in rows))
    return found
