"""Bad input gets a clear answer next to the input; the location picker; the English
switch; and the page on a phone-sized screen, one phone at a time."""

import re
from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.sandbox_page import CODE, RECEIPT, SandboxPage

EMPTY = "Bạn hãy viết nội dung trước khi gửi."
NOT_A_PICTURE = "Tệp này không phải là ảnh: bạn hãy chọn ảnh JPEG, PNG, GIF hoặc WebP."
ENGLISH_DAY = re.compile(r"^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d\d/\d\d/\d{4} \d\d:\d\d$")


def test_bad_input_location_and_english(page_for: Callable[..., SandboxPage]) -> None:
    ui = page_for()
    resident = ui.add_resident()
    resident.get_by_role("button", name="BẮT ĐẦU").click()
    ui.says(resident, "Hòm thư số")
    shown = resident.locator(".msg").count()

    resident.get_by_role("button", name="Gửi", exact=True).click()
    expect(ui.error(resident)).to_have_text(EMPTY)
    ui.shot("empty-message")
    ui.type(resident, "   ")
    expect(ui.error(resident)).to_have_text(EMPTY)
    ui.type(resident, "x" * 4100)
    expect(ui.error(resident)).to_have_text(
        "Mỗi tin nhắn dài tối đa 4096 ký tự; tin này có 4100 ký tự."
    )
    expect(resident.get_by_role("textbox", name="Tin nhắn")).to_have_value("x" * 4100)  # kept
    resident.get_by_role("textbox", name="Tin nhắn").fill("")
    expect(ui.error(resident)).to_be_hidden()  # typing again clears the error

    resident.locator("input[type=file]").set_input_files(
        files=[{"name": "ghi-chu.txt", "mimeType": "text/plain", "buffer": "Xin chào".encode()}]
    )
    expect(ui.error(resident)).to_have_text(NOT_A_PICTURE)
    ui.shot("not-a-picture")
    expect(resident.locator(".msg")).to_have_count(shown)  # nothing reached the bot

    # The location picker: a point outside the globe is refused in the page.
    resident.get_by_role("button", name="Gửi vị trí", exact=True).click()
    picker = resident.get_by_role("group", name="Chọn vị trí để gửi")
    expect(picker).to_be_visible()
    picker.get_by_label("Vĩ độ").fill("121.5")
    picker.get_by_label("Kinh độ").fill("107.15")
    picker.get_by_role("button", name="Gửi vị trí này").click()
    expect(ui.error(resident)).to_contain_text("Vĩ độ phải từ -90 đến 90")
    picker.get_by_label("Vĩ độ").fill("21.0471")
    expect(ui.error(resident)).to_be_hidden()  # correcting it clears the error
    picker.get_by_role("button", name="Gửi vị trí này").click()
    expect(picker).to_be_hidden()
    expect(resident.locator(".msg.mine .location")).to_contain_text("21.04710, 107.15000")
    # …or a place of the demo commune, chosen from the list.
    resident.get_by_role("button", name="Gửi vị trí", exact=True).click()
    picker.get_by_label("Địa điểm có sẵn").select_option(label="Nhà văn hóa Thôn Yên Phú")
    expect(picker.get_by_label("Vĩ độ")).to_have_value("21.0512")
    ui.shot("location-picker")
    picker.get_by_role("button", name="Gửi vị trí này").click()
    expect(resident.locator(".msg.mine .location").last).to_contain_text("21.05120, 107.14890")
    ui.shot("location-sent")

    # English: the page's words, the clock and the refusals; then back to Vietnamese.
    ui.page.get_by_role("button", name="Switch the page to English").click()
    try:
        expect(ui.page.get_by_role("heading", level=1)).to_have_text(
            "Hòm thư số — training sandbox"
        )
        expect(ui.page.locator("#clock-label")).to_have_text(ENGLISH_DAY)
        expect(resident.locator(".chat-kind")).to_have_text("Resident")
        resident.get_by_role("button", name="Send", exact=True).click()
        expect(ui.error(resident)).to_have_text("Please write something before sending.")
        ui.shot("english")
    finally:
        ui.page.get_by_role("button", name="Chuyển trang sang tiếng Việt").click()
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Hòm thư số — Môi trường tập huấn")
    assert ui.errors == [], ui.errors


def test_one_phone_at_a_time_on_a_phone_sized_screen(
    page_for: Callable[..., SandboxPage],
) -> None:
    ui = page_for(390, 844)
    tabs = ui.page.get_by_role("tab")
    expect(tabs.first).to_be_visible()
    expect(ui.page.locator(".phone:visible")).to_have_count(1)
    ui.shot("phone-opened")

    resident = ui.add_resident()
    expect(resident).to_be_visible()  # the new phone is the one shown
    expect(ui.page.locator(".phone:visible")).to_have_count(1)
    resident.get_by_role("button", name="BẮT ĐẦU").click()
    ui.says(resident, "Hòm thư số")
    ui.type(resident, "Rác thải đổ trộm bên bờ suối Khe Cát, bốc mùi cả tuần nay")
    ui.tap(resident, "✅ Có, gửi ngay")
    found = CODE.search(ui.says(resident, RECEIPT).inner_text())
    assert found
    code = found.group()
    ui.shot("phone-receipt")
    width = ui.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"

    group_tab = ui.page.get_by_role("tab", name=re.compile("^Tổ xử lý PAKN xã Thống Nhất"))
    expect(group_tab).to_have_text(re.compile(r"Tổ xử lý PAKN xã Thống Nhất \(\d+\)$"))  # unread
    group_tab.click()
    expect(group_tab).to_have_text(re.compile("Thống Nhất$"))
    group = ui.group()
    expect(group).to_be_visible()
    expect(resident).to_be_hidden()
    card = ui.card(code)
    expect(card.get_by_role("button", name="✅ Tiếp nhận")).to_be_visible()
    ui.shot("phone-group-card")
    assert ui.errors == [], ui.errors


def test_without_live_events_the_page_polls(page_for: Callable[..., SandboxPage]) -> None:
    """A proxy that drops Server-Sent Events: the page says so and asks every few seconds."""
    ui = page_for(block_events=True)
    expect(ui.page.locator("#live-status")).to_have_text("Đang cập nhật định kỳ")
    resident = ui.add_resident()
    resident.get_by_role("button", name="BẮT ĐẦU").click()
    ui.says(resident, "Hòm thư số")
    ui.tap(resident, "❓ Hướng dẫn")
    ui.says(resident, "/new")
    ui.shot("polling")
    assert ui.errors == [], ui.errors
