"""The handlers' filters are checked on the event loop: aiogram would send each synchronous
one (F.text, a conversation State) to a worker thread and back, ~25 trips per update."""

import asyncio
from typing import Any

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from tests.e2e.conftest import make_commune


async def test_filing_a_case_sends_no_filter_to_a_thread(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = fake.add_group("Tổ PAKN")
    await make_commune(db, villages=["Thôn Yên Phú"], staff_chat=group.id)
    hoa = fake.add_user("Nguyễn Thị Hoa")
    sent_to_threads: list[str] = []
    to_thread = asyncio.to_thread

    async def watched(function: Any, /, *args: Any, **kwargs: Any) -> Any:
        called = getattr(function, "func", function)  # aiogram passes a partial
        sent_to_threads.append(f"{type(called).__module__}.{type(called).__qualname__}")
        return await to_thread(function, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", watched)

    hoa.start()
    await hoa.next_message()
    hoa.send("/new")
    assert "Bạn muốn gửi gì?" in (await hoa.next_message())["text"]
    hoa.send("/cancel")
    assert "Đã hủy" in (await hoa.next_message())["text"]
    hoa.send("Cống thoát nước trước nhà văn hóa thôn bị tắc, nước tràn ra đường")
    await hoa.next_message()  # shall we send it?
    hoa.tap("✅ Có, gửi ngay")
    assert "PA" in (await hoa.next_message())["text"]  # the receipt, with the case's code
    assert "Cống thoát nước" in (await group.next_message())["text"]

    from_aiogram = [name for name in sent_to_threads if name.startswith(("aiogram", "magic"))]
    assert from_aiogram == []
