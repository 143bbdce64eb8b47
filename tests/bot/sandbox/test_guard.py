"""The sandbox answers its own page only: another site the trainee has open cannot post
messages or move the clock, and the sandbox is not served under another name."""

import aiohttp

from bot.sandbox.world import Sandbox
from tests.bot.sandbox.page import Page


async def test_requests_from_elsewhere_are_refused_and_change_nothing(
    page: Page, sandbox: Sandbox
) -> None:
    before = (await page.state())["clock"]
    hoa = (await page.chat_of("resident"))["id"]
    clock, send = f"{page.base}/clock", f"{page.base}/chats/{hoa}/send"
    token = await page.token()
    own = page.root.rstrip("/")
    refused = [
        # another site's page: its Origin, even with the token somehow known
        (clock, {"Origin": "https://evil.example", "X-Sandbox-Token": token}, None, 403),
        (send, {"Origin": "http://evil.example"}, None, 403),
        # the sandbox reached under another name (DNS rebinding)
        (clock, {"Host": "evil.example:8080", "X-Sandbox-Token": token}, None, 421),
        # a form can post text/plain or a url-encoded body without asking first
        (clock, {"Origin": own, "X-Sandbox-Token": token}, "advance=week", 415),
        (send, {"Origin": own, "X-Sandbox-Token": token}, '{"text": "/start"}', 415),
        # without this run's token, or with a wrong one
        (clock, {"Origin": own}, None, 403),
        (clock, {"Origin": own, "X-Sandbox-Token": "guessed"}, None, 403),
    ]
    async with aiohttp.ClientSession() as http:
        for url, headers, text, status in refused:
            if text is None:
                answer = await http.post(url, json={"advance": "week"}, headers=headers)
            else:
                plain = {**headers, "Content-Type": "text/plain"}
                answer = await http.post(url, data=text, headers=plain)
            assert answer.status == status, (url, headers, text)
        wrong_host = await http.get(page.root, headers={"Host": "evil.example"})
        assert wrong_host.status == 421
    assert (await page.state())["clock"] == before, "the clock did not move"
    assert not [m for m in await page.messages(hoa) if m["from"] == "me"], "nothing was sent"

    status, moved = await page.post("/clock", {"advance": "day"}, headers={"Origin": own})
    assert status == 200 and moved["clock"] != before, "the page's own request works"
    await page.send(hoa, text="/start")
    await page.expect(hoa, "Xã Thống Nhất")


async def test_each_run_has_its_own_token(page: Page, sandbox: Sandbox) -> None:
    assert await page.token() == sandbox.token and len(sandbox.token) >= 24
