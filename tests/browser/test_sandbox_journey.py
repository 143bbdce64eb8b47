"""A trainer's whole session in the browser: a resident files a case by tapping, the staff
accept and close it from the group and the officer's private chat, the resident gets the
answer; a second resident's case goes unaccepted until the clock makes it overdue and the
reminder appears; the reports open in the page."""

import re
import struct
import zlib
from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.sandbox_page import CODE, RECEIPT, SandboxPage

STREET_LIGHT = "Đèn đường ngõ 5 thôn Yên Phú bị hỏng cả tuần nay, buổi tối rất tối"
DRAIN = "Cống thoát nước đầu thôn Yên Mỹ bị tắc, nước tràn ra đường"
RESULT = "Đã thay bóng đèn mới ngày 05/12, đèn sáng bình thường."


def png(width: int = 240, height: int = 150) -> bytes:
    """A small real PNG (a blue-green gradient) for the photo upload."""
    rows = b"".join(
        b"\x00"
        + b"".join(
            bytes((40, 60 + x * 190 // width, 120 + y * 120 // height)) for x in range(width)
        )
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_file_answer_overdue_and_reports(page_for: Callable[..., SandboxPage]) -> None:
    ui = page_for()
    hoa = ui.phone("Nguyễn Thị Hoa")
    group, lan = ui.group(), ui.phone("Trần Thị Lan")
    expect(ui.page.get_by_role("heading", name="Hòm thư số — Môi trường tập huấn")).to_be_visible()
    expect(hoa.locator(".chat-kind")).to_have_text("Người dân")
    ui.shot("page-opened")

    # The resident opens the bot and files a case with a photo, her location and phone.
    hoa.get_by_role("button", name="BẮT ĐẦU").click()
    ui.says(hoa, "Hòm thư số")
    expect(ui.keyboard(hoa)).to_contain_text("📝 Gửi phản ánh")
    ui.shot("resident-welcome")
    ui.tap(hoa, "📝 Gửi phản ánh")
    ui.says(hoa, "Bạn muốn gửi gì?")
    ui.tap(hoa, "Phản ánh")
    ui.says(hoa, "lĩnh vực")
    ui.tap(hoa, "Giao thông")
    ui.says(hoa, "viết nội dung")
    ui.type(hoa, STREET_LIGHT)
    ui.says(hoa, "ảnh, video")
    hoa.locator("input[type=file]").set_input_files(
        files=[{"name": "den-duong.png", "mimeType": "image/png", "buffer": png()}]
    )
    expect(hoa.locator(".msg.mine img.photo")).to_be_visible()
    ui.says(hoa, "Đã nhận")
    ui.shot("resident-photo-sent")
    ui.tap(hoa, "Tiếp tục ➡️")
    ui.says(hoa, "vị trí")
    ui.tap(hoa, "📍 Gửi vị trí của tôi")
    ui.says(hoa, "Chọn một")
    ui.tap(hoa, "Thôn Yên Phú")
    ui.says(hoa, "số điện thoại")
    ui.tap(hoa, "📞 Gửi số điện thoại của tôi")
    expect(hoa.locator(".msg.mine .contact")).to_contain_text("0912345678")
    review = ui.says(hoa, "Ảnh, tệp: 1")
    for expected in ("Giao thông", STREET_LIGHT, "Thôn Yên Phú", "0912345678"):
        expect(review).to_contain_text(expected)
    ui.shot("resident-review")
    ui.tap(hoa, "✅ Gửi")
    receipt = ui.says(hoa, RECEIPT)
    expect(receipt).to_contain_text("Hạn trả lời")
    match = CODE.search(receipt.inner_text())
    assert match, receipt.inner_text()
    code = match.group()
    ui.shot("resident-receipt")

    # The staff group gets the card (never the phone); an officer accepts it.
    card = ui.card(code)
    expect(card).to_contain_text(STREET_LIGHT)
    expect(card).not_to_contain_text("0912345678")
    expect(group.locator(".msg", has=ui.page.locator("img.photo"))).not_to_have_count(0)
    ui.shot("group-card")
    card.get_by_role("button", name="✅ Tiếp nhận").click()
    ui.says(hoa, f"đã tiếp nhận phản ánh {code}")
    expect(ui.card(code)).to_contain_text("Đã tiếp nhận, đang xử lý")
    ui.shot("case-accepted")

    # Closing it from the card asks the officer, in private, for the result.
    ui.card(code).get_by_role("button", name="✔️ Hoàn thành").click()
    ui.says(lan, f"Viết kết quả giải quyết hồ sơ {code}")
    ui.type(lan, RESULT)
    ui.says(lan, f"Đã đóng hồ sơ {code}")
    answer = ui.says(hoa, "đã được UBND xã Thống Nhất giải quyết")
    expect(answer).to_contain_text(RESULT)
    expect(answer.get_by_role("button", name="😊 Rất hài lòng")).to_be_visible()
    ui.shot("resident-answered")

    # A second resident's case nobody accepts: moving the clock makes it overdue.
    binh = ui.add_resident()
    binh.get_by_role("button", name="BẮT ĐẦU").click()
    ui.says(binh, "Hòm thư số")
    ui.type(binh, DRAIN)
    ui.tap(binh, "✅ Có, gửi ngay")
    late = CODE.search(ui.says(binh, RECEIPT).inner_text())
    assert late
    ui.card(late.group())
    ui.shot("second-case-filed")
    before = ui.page.locator("#clock-label").inner_text()
    reminder = group.locator(".msg", has_text=f"{late.group()} chưa được tiếp nhận")
    for _week in range(4):  # a week at a time, more around Tết
        ui.page.get_by_role("button", name="+1 tuần").click()
        expect(ui.page.get_by_role("status").filter(has_text="Việc định kỳ")).to_be_visible()
        if reminder.count():
            break
    expect(reminder.last).to_contain_text("đã quá hạn tiếp nhận")
    reminder.last.scroll_into_view_if_needed()
    assert ui.page.locator("#clock-label").inner_text() != before
    ui.shot("overdue-reminder")
    ran = ui.page.locator("#clock-ran")
    ran.get_by_text("Việc định kỳ đã chạy").click()  # the list of jobs unfolds
    expect(ran.get_by_role("listitem").filter(has_text="Nhắc hạn xử lý").first).to_be_visible()
    ui.shot("jobs-that-ran")
    ran.get_by_text("Việc định kỳ đã chạy").click()

    # The reports: this month's and this year's, in the page and as .docx.
    ui.page.get_by_role("button", name="Báo cáo", exact=True).click()
    report = ui.page.get_by_role("dialog", name="Báo cáo từ dữ liệu tập huấn")
    expect(report).to_be_visible()
    frame = ui.page.frame_locator("#report-frame")
    expect(frame.locator("body")).to_contain_text(re.compile(r"xã Thống Nhất tháng \d+ năm \d{4}"))
    ui.shot("report-monthly")
    link = report.get_by_role("link", name="Tải bản .docx")
    docx = ui.page.request.get(link.evaluate("a => a.href"))  # the absolute address
    assert docx.ok and docx.body()[:2] == b"PK", "a .docx is a zip file"
    report.get_by_role("tab", name="Báo cáo năm").click()
    expect(frame.locator("body")).to_contain_text(re.compile(r"xã Thống Nhất năm \d{4}"))
    ui.shot("report-annual")
    report.get_by_role("button", name="Đóng").click()
    expect(report).to_be_hidden()
    assert ui.errors == [], ui.errors
