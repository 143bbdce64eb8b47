"""The web app in-process (FastAPI's ASGI app through httpx), on the database under test;
the browser tests (tests/browser) drive the same pages in Chromium."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from config.context import AppContext, build_context
from config.settings import Settings
from web.app import build_web_app

PUBLIC_URL = "https://pakn.example.gov.vn"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass
class Web:
    client: httpx.AsyncClient
    ctx: AppContext

    async def form_token(self, path: str) -> str:
        page = await self.client.get(path)
        assert page.status_code == 200, page.text
        found = CSRF.search(page.text)
        assert found, "every form carries its token"
        return found.group(1)

    async def post_form(
        self,
        path: str,
        data: dict[str, str],
        *,
        page: str | None = None,
        files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
    ) -> httpx.Response:
        token = await self.form_token(page or path)
        return await self.client.post(path, data={"csrf": token, **data}, files=files)


def web_settings(database_url: str, **overrides: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        public_url=PUBLIC_URL,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
async def web(database_url: str, engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[Web]:
    ctx = build_context(web_settings(database_url, data_dir=str(tmp_path / "data")), engine)
    app = await build_web_app(ctx)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield Web(client, ctx)
