"""A resident on a cheap phone (390×844) files a case on the web page, keeps its link, sees
the officer's answer and rates it; the same with JavaScript off; a lost link found again.
axe-core finds no serious or critical problem on any page; a page weighs under 150 KB."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OUTPUT
from tests.browser.resident_site import Site, resident_site, staff_close, ticket_position
from tests.photos import phone_photo

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CASE_PAGE = re.compile(r"/h/(PA\d\d-\d{4})/[A-Za-z0-9_-]+")
MAX_PAGE_BYTES = 150_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with resident_site(tmp_path_factory.mktemp("web"), OUTPUT / "web.log") as running:
        yield running


def _no_serious_accessibility_problem(page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious


def _weigh(page: Page) -> list[int]:
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())))
    return sizes


def _file(page: Page, shots: Path, text: str, photo: Path | None = None) -> str:
    page.get_by_label("Phản ánh", exact=True).check()
    page.get_by_label("Sự việc là gì, ở đâu, từ khi nào?").fill(text)
    if photo is not None:
        page.get_by_label("Ảnh hoặc tệp", exact=False).set_input_files(photo)
    page.get_by_label("Thôn, tổ dân phố").select_option(label="Thôn Yên Phú")
    page.get_by_label("Số điện thoại (không bắt buộc", exact=False).fill("0912 345 678")
    page.get_by_label("Tôi đồng ý để UBND dùng thông tin tôi gửi").check()
    page.screenshot(path=shots / "1-form.png", full_page=True)
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("heading", name="Đã gửi. Hãy lưu đường dẫn này")).to_be_visible()
    found = CASE_PAGE.search(page.url)
    assert found, page.url
    return found.group(1)


def test_a_resident_files_on_a_phone_and_rates_the_answer(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    shots = OUTPUT / "resident-web"
    shots.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "IMG_2041.JPG"
    photo.write_bytes(phone_photo())
    context = browser.new_context(
        **PHONE,
        locale="vi-VN",
        geolocation={"latitude": 21.0285, "longitude": 105.8542},
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sizes = _weigh(page)
    page.goto(site.url)
    _no_serious_accessibility_problem(page)
    page.get_by_label("Xã, phường của bạn").fill("thong nhat")  # no diacritics typed
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="Phường Ba Đình")).to_have_count(0)
    page.get_by_role("link", name="Xã Thống Nhất").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Gửi phản ánh, kiến nghị tới UBND xã Thống Nhất"
    )
    assert sum(sizes) < MAX_PAGE_BYTES, sizes
    _no_serious_accessibility_problem(page)

    page.get_by_role("button", name="Gửi", exact=True).click()  # nothing filled in
    expect(page.get_by_text("Bạn hãy mô tả thêm vài từ (ít nhất 3 từ).")).to_be_visible()
    page.screenshot(path=shots / "0-refused.png", full_page=True)

    words = page.get_by_label("Sự việc là gì, ở đâu, từ khi nào?")
    words.fill("Nháp: cống trước nhà văn hóa")
    page.reload()  # a lost connection, a closed tab: the draft stays in the browser
    expect(words).to_have_value("Nháp: cống trước nhà văn hóa")
    page.get_by_role("button", name="📍 Gửi vị trí của tôi").click()
    expect(page.get_by_text("Vị trí của bạn sẽ được gửi kèm phản ánh.")).to_be_visible()

    code = _file(
        page, shots, "Cống thoát nước trước nhà văn hóa thôn bị tắc, nước tràn ra đường", photo
    )
    expect(page.get_by_text("1 tệp")).to_be_visible()
    page.get_by_label("Bạn muốn bổ sung gì?").fill("Nước tràn vào cả sân nhà bên cạnh")
    page.get_by_role("button", name="Gửi bổ sung").click()
    expect(page.get_by_text("Bạn đã bổ sung:")).to_be_visible()
    expect(page.get_by_text("Nước tràn vào cả sân nhà bên cạnh")).to_be_visible()
    assert ticket_position(site, code) == (21.0285, 105.8542)
    case_page = page.url
    page.goto(f"{site.url}/x/07060")  # filed: the draft is gone
    expect(page.get_by_label("Sự việc là gì, ở đâu, từ khi nào?")).to_have_value("")
    page.goto(case_page.split("?")[0])
    page.screenshot(path=shots / "2-receipt.png", full_page=True)
    expect(page.get_by_text(f"Mã hồ sơ: {code}")).to_be_visible()
    expect(page.get_by_text("Hạn trả lời", exact=True)).to_be_visible()
    _no_serious_accessibility_problem(page)

    staff_close(site, code, "Đã nạo vét cống ngày 08/12, nước đã thoát.")
    page.reload()
    expect(page.get_by_text("UBND đã trả lời và kết thúc xử lý:")).to_be_visible()
    expect(page.get_by_text("Đã nạo vét cống ngày 08/12, nước đã thoát.")).to_be_visible()
    page.get_by_label("😊 Rất hài lòng").check()
    page.get_by_label("Ý kiến thêm (không bắt buộc)").fill("Cảm ơn các anh")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Bạn đã đánh giá: 😊 Rất hài lòng")).to_be_visible()
    page.screenshot(path=shots / "3-rated.png", full_page=True)
    page.get_by_label("Vì sao câu trả lời chưa thỏa đáng?").fill("Chiều nay mưa, cống lại tắc")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_text("Bạn chưa hài lòng và đề nghị xem xét lại:")).to_be_visible()
    _no_serious_accessibility_problem(page)
    page.goto(f"{site.url}/x/07060/tra-cuu")
    _no_serious_accessibility_problem(page)
    assert errors == []
    context.close()


def test_without_javascript_a_resident_files_and_finds_the_case_again(
    browser: Any, site: Site
) -> None:
    shots = OUTPUT / "resident-web-no-js"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site.url}/x/07060")
    code = _file(page, shots, "Đèn đường ngõ 5 thôn Yên Phú hỏng đã một tuần")
    expect(page.get_by_text(f"Mã hồ sơ: {code}")).to_be_visible()

    page.goto(f"{site.url}/x/07060/tra-cuu")  # (axe needs JavaScript: it checks this page above)
    page.get_by_label("Mã phản ánh, ví dụ PA26-0042").fill(code)
    page.get_by_label("Số điện thoại của bạn").fill("0912345678")
    page.get_by_role("button", name="Tìm phản ánh của tôi").click()
    expect(page.get_by_text(f"Mã hồ sơ: {code}")).to_be_visible()
    assert "moi=1" not in page.url
    page.screenshot(path=shots / "found.png", full_page=True)
    page.get_by_label("Tôi không cần UBND xử lý phản ánh này nữa.").check()
    page.get_by_role("button", name="Rút phản ánh").click()
    expect(page.get_by_text("Bạn đã rút phản ánh.")).to_be_visible()
    page.get_by_label("Tôi muốn xóa dữ liệu cá nhân của tôi trong phản ánh này.").check()
    page.get_by_role("button", name="Xóa dữ liệu của tôi").click()
    expect(
        page.get_by_text("Dữ liệu cá nhân của bạn trong phản ánh này đã được xóa.")
    ).to_be_visible()
    expect(page.get_by_text("Đèn đường ngõ 5")).to_have_count(0)
    context.close()


def test_keeping_the_link_and_asking_for_notifications(browser: Any, site: Site) -> None:
    """The link is copied in one tap (the share sheet, where the phone has one, offers Zalo).
    Asking for notifications: headless Chromium reaches no vendor push service (nor would
    the server take one not in WEB_PUSH_SERVICES), so the resident is told, politely, to
    keep the link instead; the server's side of Web Push is tested against a fake push
    service (tests/news). Without JavaScript neither button shows."""
    shots = OUTPUT / "resident-web-push"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        **PHONE, permissions=["notifications", "clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site.url}/x/07060")
    _file(page, shots, "Rác thải đổ trộm ven đường liên thôn")
    link = page.url.split("?")[0]
    page.get_by_role("button", name="📋 Sao chép đường dẫn").click()
    expect(page.get_by_text("Đã sao chép. Hãy dán vào nơi bạn hay lưu")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.get_by_role("button", name="🔔 Nhận thông báo").click()
    expect(
        page.get_by_text("Trình duyệt này chưa nhận được thông báo. Bạn hãy lưu đường dẫn")
    ).to_be_visible(timeout=30_000)
    page.screenshot(path=shots / "refused.png", full_page=True)
    assert errors == []
    context.close()

    without_js = browser.new_context(**PHONE, java_script_enabled=False)
    page = without_js.new_page()
    page.goto(f"{site.url}/x/07060")
    _file(page, shots, "Rác thải đổ trộm ven đường liên thôn, đoạn gần cầu")
    expect(page.get_by_role("button", name="🔔 Nhận thông báo")).to_be_hidden()
    expect(page.get_by_role("button", name="📋 Sao chép đường dẫn")).to_be_hidden()
    without_js.close()


def test_a_wrong_or_stale_link_opens_a_plain_page_that_leads_home(browser: Any, site: Site) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    for address in ("/h/PA26-0001/a-token-nobody-was-given", "/x/99999", "/khong-co"):
        shown = page.goto(f"{site.url}{address}")
        assert shown is not None and shown.status == 404
        expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    _no_serious_accessibility_problem(page)
    page.get_by_role("link", name="Trang chủ").click()
    expect(page.get_by_role("link", name="Xã Thống Nhất")).to_be_visible()
    context.close()
