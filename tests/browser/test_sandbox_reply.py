"""An officer takes a case from the card and answers it by replying to the bot's copy in
their private chat, as they would in Telegram (the ↩ button on a message)."""

from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.sandbox_page import CODE, RECEIPT, SandboxPage

PROBLEM = "Cây đổ chắn ngang đường liên thôn Đồng Sơn sau cơn bão đêm qua"
ANSWER = "Chiều nay đội thanh niên xã sẽ cưa cây và dọn đường."


def test_an_officer_answers_by_replying_to_the_case(
    page_for: Callable[..., SandboxPage],
) -> None:
    ui = page_for()
    lan = ui.phone("Trần Thị Lan")
    resident = ui.add_resident()
    resident.get_by_role("button", name="BẮT ĐẦU").click()
    ui.says(resident, "Hòm thư số")
    ui.type(resident, PROBLEM)
    ui.tap(resident, "✅ Có, gửi ngay")
    found = CODE.search(ui.says(resident, RECEIPT).inner_text())
    assert found
    code = found.group()

    ui.card(code).get_by_role("button", name="🙋 Nhận xử lý").click()
    copy = ui.says(lan, PROBLEM)
    copy.get_by_role("button", name="Trả lời tin nhắn này").click()
    banner = lan.locator(".reply-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Đang trả lời:")
    expect(lan.get_by_role("textbox", name="Tin nhắn")).to_be_focused()
    assert ui.fits(lan), "a long quoted message must not push the send button out"
    ui.shot("replying")
    ui.type(lan, ANSWER)
    expect(banner).to_be_hidden()
    mine = lan.locator(".msg.mine", has_text=ANSWER)
    expect(mine.locator(".quoted")).to_contain_text(PROBLEM[:20])  # the reply quotes the case
    ui.says(lan, "Gửi nội dung này")
    ui.shot("asked-to-confirm")
    ui.tap(lan, "📤 Gửi cho người dân")
    answer = ui.says(resident, ANSWER)
    expect(answer).to_contain_text("— UBND xã Thống Nhất")
    expect(answer).not_to_contain_text("Lan")
    ui.shot("resident-answered")
    assert ui.errors == [], ui.errors
