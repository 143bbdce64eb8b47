"""The sandbox page's API as the page uses it: a client that reads chats and taps buttons."""

import asyncio
import re
from collections.abc import Callable
from typing import Any

import aiohttp


class Page:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.root = http, base.rstrip("/") + "/"
        self.base = self.root + "sandbox/api"
        self.cursor: dict[int, int] = {}  # per chat: the seq already looked at
        self._token: str | None = None

    async def token(self) -> str:
        """This run's token, read from the page as the page's script does."""
        if self._token is None:
            async with self.http.get(self.root) as response:
                page = await response.text()
            found = re.search(r'<meta name="sandbox-token" content="([^"]+)">', page)
            assert found, "the page holds the run's token"
            self._token = found.group(1)
        return self._token

    async def get(self, path: str) -> Any:
        async with self.http.get(self.base + path) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        """As the page posts: JSON (`{}` when there is nothing to say), or a form (`data`)."""
        headers = {"X-Sandbox-Token": await self.token(), **kwargs.pop("headers", {})}
        if "data" not in kwargs:
            kwargs["json"] = {} if body is None else body
        async with self.http.post(self.base + path, headers=headers, **kwargs) as response:
            return response.status, await response.json()

    async def state(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.get("/state")
        return result

    async def chat_of(self, kind: str) -> dict[str, Any]:
        return next(c for c in (await self.state())["chats"] if c["kind"] == kind)

    async def messages(self, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
        """The chat as the page shows it: each message's latest form, by seq."""
        found: list[dict[str, Any]] = (await self.get(f"/chats/{chat_id}/messages?after={after}"))[
            "messages"
        ]
        return found

    async def send(self, chat_id: int, **body: Any) -> dict[str, Any]:
        status, answer = await self.post(f"/chats/{chat_id}/send", body)
        assert status == 200 and answer == {"ok": True}, answer
        return answer

    async def expect(self, chat_id: int, words: str, seconds: float = 15) -> dict[str, Any]:
        """The next bot message in the chat (new or changed) holding `words`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            for message in await self.messages(chat_id, self.cursor.get(chat_id, 0)):
                self.cursor[chat_id] = message["seq"]
                if message["from"] == "bot" and words in message["text"]:
                    return message
            if loop.time() > deadline:
                shown = [m["text"][:80] for m in await self.messages(chat_id)]
                raise AssertionError(f"no bot message with {words!r} in {chat_id}: {shown}")
            await asyncio.sleep(0.05)

    async def until(
        self, chat_id: int, wanted: Callable[[dict[str, Any]], bool], seconds: float = 15
    ) -> dict[str, Any]:
        """The first message of the chat (any sender, any time) that is `wanted`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not (found := [m for m in await self.messages(chat_id) if wanted(m)]):
            if loop.time() > deadline:
                raise AssertionError(f"no such message in chat {chat_id}")
            await asyncio.sleep(0.05)
        return found[0]

    async def tap(self, chat_id: int, label: str, seconds: float = 15) -> None:
        """A reply-keyboard button, else the newest inline button with this label (waiting
        for the bot to show it)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (body := await self._button(chat_id, label)) is None:
            if loop.time() > deadline:
                raise AssertionError(f"no button {label!r} in chat {chat_id}")
            await asyncio.sleep(0.05)
        status, answer = await self.post(f"/chats/{chat_id}/tap", body)
        assert status == 200, answer

    async def _button(self, chat_id: int, label: str) -> dict[str, Any] | None:
        chat = await self.get(f"/chats/{chat_id}")
        for row in chat["reply_keyboard"] or []:
            if any(button["text"] == label for button in row):
                return {"text": label}
        for message in reversed(await self.messages(chat_id)):
            for row in message["inline_keyboard"] or []:
                for button in row:
                    if button["text"] == label and not message["deleted"]:
                        return {
                            "message_id": message["message_id"],
                            "callback_data": button["callback_data"],
                        }
        return None
