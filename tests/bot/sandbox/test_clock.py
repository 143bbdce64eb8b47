"""The clock control: sandbox time moves forward and the scheduled jobs run on it, so a
trainer sees the digest, the reminders, the escalation and the apology draft."""

from datetime import datetime

from tests.bot.sandbox.page import Page


async def _file_a_case(page: Page) -> str:
    hoa = (await page.chat_of("resident"))["id"]
    await page.send(hoa, text="Mương thoát nước thôn Yên Phú bị lấp, nước tràn vào nhà")
    await page.tap(hoa, "✅ Có, gửi ngay")
    receipt = await page.expect(hoa, "Mã hồ sơ")
    return next(w for w in receipt["text"].split() if w.startswith("PA")).strip(".,:;")


async def test_moving_the_clock_runs_the_scheduler_on_sandbox_time(page: Page) -> None:
    code = await _file_a_case(page)
    group = (await page.chat_of("group"))["id"]
    chats = (await page.state())["chats"]
    leader = next(c["id"] for c in chats if c["title"].startswith("Ngô Xuân Mạnh"))
    await page.expect(group, code)  # the card
    before = datetime.fromisoformat((await page.state())["clock"]["now"])

    status, moved = await page.post("/clock", {"advance": "working_day"})
    assert status == 200
    after = datetime.fromisoformat(moved["clock"]["now"])
    assert after > before and after.weekday() < 5 and (after.hour, after.minute) == (8, 30)
    assert moved["clock"]["label"].endswith("08:30")
    assert any("Bản tin buổi sáng" in line for line in moved["ran"]), moved["ran"]
    assert (await page.state())["clock"] == moved["clock"]
    await page.expect(group, "Chào buổi sáng")

    status, moved = await page.post("/clock", {"advance": "week"})
    assert status == 200
    week_later = datetime.fromisoformat(moved["clock"]["now"])
    assert (week_later - after).days == 7
    reminder = await page.expect(group, "chưa được tiếp nhận")
    assert code in reminder["text"]
    await page.expect(leader, "chưa được tiếp nhận")  # escalated to the leaders

    for _ in range(2):  # past the answer deadline (10 working days)
        assert (await page.post("/clock", {"advance": "week"}))[0] == 200
    await page.expect(group, "Quá hạn")
    draft = await page.expect(leader, "thư xin lỗi")
    assert code in draft["text"]


async def test_a_day_forward(page: Page) -> None:
    before = datetime.fromisoformat((await page.state())["clock"]["now"])
    status, moved = await page.post("/clock", {"advance": "day"})
    assert status == 200
    after = datetime.fromisoformat(moved["clock"]["now"])
    assert (after - before).days == 1 and after.utcoffset() is not None
    assert moved["ran"], "a day holds scheduled jobs"
