"""The page's API with the real bot behind it: a resident files a case by tapping what the
bot shows, staff act on it in the group, the resident gets the answer."""

import io
import zipfile

from bot.sandbox.world import Sandbox
from tests.bot.sandbox.page import Page

STREET = "Đường liên thôn đoạn qua Thôn Yên Phú bị sạt lở sau mưa lớn"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(200)


async def test_the_demo_commune_and_its_phones(page: Page, sandbox: Sandbox) -> None:
    state = await page.state()
    assert state["lang"] == "vi" and state["commune"]["name"] == "Xã Thống Nhất"
    assert state["clock"]["now"].endswith("+07:00") and "/" in state["clock"]["label"]
    kinds = [chat["kind"] for chat in state["chats"]]
    assert kinds.count("resident") == 1 and kinds.count("group") == 1 and "officer" in kinds
    assert sandbox.app is not None
    assert str(sandbox.app.bot.session.api.base).startswith(sandbox.fake.base_url)
    assert "api.telegram.org" not in str(sandbox.app.bot.session.api.base)


async def test_a_resident_files_a_case_and_staff_answer_it(page: Page) -> None:
    hoa = (await page.chat_of("resident"))["id"]
    group = (await page.chat_of("group"))["id"]
    lan = next(c for c in (await page.state())["chats"] if c["title"].startswith("Trần Thị Lan"))

    await page.send(hoa, text="/start")
    await page.expect(hoa, "Xã Thống Nhất")
    await page.tap(hoa, "📝 Gửi phản ánh")
    await page.expect(hoa, "Bạn muốn gửi gì?")
    await page.tap(hoa, "Phản ánh")
    await page.expect(hoa, "lĩnh vực")
    await page.tap(hoa, "Giao thông")
    await page.expect(hoa, "viết nội dung")
    await page.send(hoa, text=STREET)
    await page.expect(hoa, "ảnh, video")
    form = {"photo": io.BytesIO(JPEG), "caption": "Chỗ sạt lở"}
    status, answer = await page.post(f"/chats/{hoa}/send", data=form)
    assert (status, answer) == (200, {"ok": True})
    await page.expect(hoa, "Đã nhận")
    await page.tap(hoa, "Tiếp tục ➡️")
    await page.expect(hoa, "vị trí")
    await page.tap(hoa, "📍 Gửi vị trí của tôi")
    await page.expect(hoa, "Chọn một")
    await page.tap(hoa, "Thôn Yên Phú")
    await page.expect(hoa, "số điện thoại")
    await page.tap(hoa, "📞 Gửi số điện thoại của tôi")
    review = await page.expect(hoa, "Ảnh, tệp: 1")
    assert STREET in review["text"] and "0912345678" in review["text"]
    await page.tap(hoa, "✅ Gửi")
    receipt = await page.expect(hoa, "Mã hồ sơ")
    code = next(word for word in receipt["text"].split() if word.startswith("PA"))
    code = code.strip(".,:;")

    mine = await page.messages(hoa)
    assert any(m["from"] == "me" and m["photo"] for m in mine), "the photo shows in the chat"
    assert any(m["from"] == "me" and m["location"] for m in mine)
    assert any(m["from"] == "me" and m["contact"] for m in mine)
    card = await page.expect(group, code)
    assert STREET in card["text"] and "0912345678" not in card["text"]
    await page.until(group, lambda m: m["photo"] is not None)  # the photo reaches the group
    photo = next(m["photo"] for m in mine if m["photo"])
    async with page.http.get(page.base.removesuffix("/sandbox/api") + photo) as response:
        assert response.status == 200 and response.content_type == "image/jpeg"
        assert await response.read() == JPEG

    await page.tap(group, "✅ Tiếp nhận")
    await page.expect(hoa, "tiếp nhận")
    edited = await page.expect(group, code)
    assert edited["edited"] and edited["message_id"] == card["message_id"], "the card changes"
    await page.tap(group, "✔️ Hoàn thành")
    await page.expect(lan["id"], code)
    await page.send(lan["id"], text="Đã san lấp chỗ sạt lở ngày 05/12.")
    await page.expect(lan["id"], f"Đã đóng hồ sơ {code}")
    result = await page.expect(hoa, "Đã san lấp chỗ sạt lở")
    assert result["from"] == "bot"
    await page.tap(hoa, "😊 Rất hài lòng")
    await page.expect(hoa, "nhận xét")


async def test_bad_input_is_refused_politely_and_changes_nothing(
    page: Page, sandbox: Sandbox
) -> None:
    hoa = (await page.chat_of("resident"))["id"]
    before = await page.messages(hoa)
    attempts = [
        ({"text": ""}, "Please write something"),
        ({"text": "   \n "}, "Please write something"),
        ({"text": "x" * 4097}, "4096"),
        ({"location": {"latitude": 123, "longitude": 5}}, "latitude"),
        ({"nothing": 1}, "did not understand"),
    ]
    await page.post("/lang", {"lang": "en"})
    for body, words in attempts:
        status, answer = await page.post(f"/chats/{hoa}/send", body)
        assert status == 400 and answer["ok"] is False and words in answer["error"], answer
    status, answer = await page.post(f"/chats/{hoa}/tap", {"message_id": 1, "callback_data": "x"})
    assert status == 400 and "button" in answer["error"]
    not_a_picture = {"photo": io.BytesIO(b"%PDF-1.4 not a picture")}
    status, answer = await page.post(f"/chats/{hoa}/send", data=not_a_picture)
    assert status == 400 and "not a picture" in answer["error"]
    huge = {"photo": io.BytesIO(b"\xff\xd8\xff" + bytes(10 * 1024 * 1024))}
    status, answer = await page.post(f"/chats/{hoa}/send", data=huge)
    assert status == 400 and "10 MB" in answer["error"]
    await page.post("/lang", {"lang": "vi"})
    status, answer = await page.post(f"/chats/{hoa}/send", {"text": ""})
    assert status == 400 and answer["error"] != "Please write something before sending."
    status, answer = await page.post("/clock", {"advance": "year"})
    assert status == 400
    assert await page.messages(hoa) == before, "nothing reached the chat"
    assert sandbox.fake.pending_updates == [], "nothing reached the bot"


async def test_more_residents_and_the_english_switch(page: Page, sandbox: Sandbox) -> None:
    status, added = await page.post("/residents")
    assert status == 200 and added["chat"]["kind"] == "resident"
    assert added["chat"] in (await page.state())["chats"]
    assert (await page.post("/lang", {"lang": "en"}))[0] == 200
    state = await page.state()
    assert state["lang"] == "en" and state["clock"]["label"].split(",")[0] in {
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    }
    newcomer = added["chat"]["id"]
    await page.send(newcomer, text="/start")
    welcome = await page.expect(newcomer, "Xã Thống Nhất")
    assert "Hello" in welcome["text"] or "Welcome" in welcome["text"], welcome["text"]
    assert sandbox.fake.state.users[newcomer].language_code == "en"


async def test_reports_from_the_sandbox_data(page: Page) -> None:
    hoa = (await page.chat_of("resident"))["id"]
    await page.send(hoa, text="Mương thoát nước thôn Yên Phú bị lấp, nước tràn vào nhà")
    await page.tap(hoa, "✅ Có, gửi ngay")
    await page.expect(hoa, "Mã hồ sơ")
    root = page.base.removesuffix("/sandbox/api")
    async with page.http.get(f"{page.base}/reports/monthly.html") as response:
        assert response.status == 200 and response.content_type == "text/html"
        monthly = await response.text()
    assert "XÃ THỐNG NHẤT" in monthly and "đã tiếp nhận 1 lượt phản ánh" in monthly
    async with page.http.get(f"{page.base}/reports/annual.docx") as response:
        assert response.status == 200
        assert "attachment" in response.headers["Content-Disposition"]
        assert "bao-cao-nam-" in response.headers["Content-Disposition"], "Vietnamese words"
        body = await response.read()
    import docx

    document = docx.Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Thống Nhất" in text and "đã tiếp nhận 1 lượt phản ánh" in text
    assert zipfile.is_zipfile(io.BytesIO(body))
    async with page.http.get(root + "/") as response:
        assert response.status == 200 and "<html" in (await response.text()).lower()


async def test_the_page_hears_of_changes_as_server_sent_events(page: Page) -> None:
    hoa = (await page.chat_of("resident"))["id"]
    async with page.http.get(f"{page.base}/events") as stream:
        assert stream.status == 200 and stream.content_type == "text/event-stream"
        assert (await stream.content.readline()).startswith(b":")  # connected
        await page.send(hoa, text="/start")
        while not (line := (await stream.content.readline()).decode()).startswith("data:"):
            pass
        assert line.strip() == f'data: {{"chat_id": {hoa}}}'
        await page.expect(hoa, "Xã Thống Nhất")
        await page.post("/clock", {"advance": "day"})
        while not (line := (await stream.content.readline()).decode()).startswith("event: clock"):
            pass
        assert '"label"' in (await stream.content.readline()).decode()


async def test_an_officer_answers_by_replying_to_the_case(page: Page) -> None:
    hoa = (await page.chat_of("resident"))["id"]
    group = (await page.chat_of("group"))["id"]
    state = await page.state()
    lan = next(c["id"] for c in state["chats"] if c["title"].startswith("Trần Thị Lan"))
    assert state["commune"]["places"][0]["latitude"]
    await page.send(hoa, text="Đèn đường ngõ 5 Thôn Yên Phú bị hỏng")
    await page.tap(hoa, "✅ Có, gửi ngay")
    await page.expect(hoa, "Mã hồ sơ")
    await page.expect(group, "Đèn đường ngõ 5")
    await page.tap(group, "🙋 Nhận xử lý")
    copy = await page.expect(lan, "Đèn đường ngõ 5")
    status, answer = await page.post(
        f"/chats/{lan}/send", {"text": "Chiều mai thay bóng.", "reply_to_message_id": 999}
    )
    assert status == 400 and answer["ok"] is False
    await page.send(lan, text="Chiều mai thay bóng.", reply_to_message_id=copy["message_id"])
    await page.expect(lan, "Gửi nội dung này")
    mine = await page.until(lan, lambda m: m["from"] == "me")
    assert mine["reply_to"]["message_id"] == copy["message_id"] and mine["time"].count(":") == 1
    await page.tap(lan, "📤 Gửi cho người dân")
    answered = await page.expect(hoa, "Chiều mai thay bóng")
    assert "— UBND xã Thống Nhất" in answered["text"]


async def test_the_english_switch_sends_the_menu_again(page: Page) -> None:
    hoa = (await page.chat_of("resident"))["id"]
    await page.send(hoa, text="/start")
    await page.expect(hoa, "Xã Thống Nhất")
    assert (await page.post("/lang", {"lang": "en"}))[0] == 200
    await page.expect(hoa, "Language: English")
    shown = (await page.get(f"/chats/{hoa}"))["reply_keyboard"]
    assert [b["text"] for row in shown for b in row] == [
        "📝 Send feedback",
        "📋 My cases",
        "❓ Help",
    ]
    await page.tap(hoa, "📋 My cases")
    await page.expect(hoa, "You have not sent any feedback yet")
