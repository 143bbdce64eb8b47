"""The sandbox in this process on a free port, and the page's API client."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox.world import Sandbox
from tests.bot.sandbox.page import Page


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    running = Sandbox(tmp_path)
    try:
        await running.start(port=0)
        yield running
    finally:
        await running.stop()
    assert running.fake.state.crashes == [], "the emulator itself failed"


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=90)) as http:
        yield Page(http, sandbox.address)
