"""Without nginx in front (the embedded default), the app itself refuses a body larger than
any form it takes (FastAPI's `max_body_size`), before the form is read."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from tests.e2e.conftest import make_commune
from tests.web.conftest import Web
from web import app as web_app


async def test_a_body_declared_too_large_is_refused_at_once(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    refused = await web.client.post(
        "/x/07060",
        content=b"x",
        headers={"content-length": str(web_app.MAX_BODY_BYTES + 1)},
    )
    assert refused.status_code == 413


async def test_a_body_that_grows_too_large_is_refused(
    web: Web, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body sent in chunks with no length: counted as it arrives (a small cap here)."""
    await make_commune(session)
    monkeypatch.setattr(web_app, "MAX_BODY_BYTES", 10_000)
    capped = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=await web_app.build_web_app(web.ctx)),
        base_url="https://testserver",
    )

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"text=" + b"a" * 1000

    async with capped:
        refused = await capped.post(
            "/x/07060",
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert refused.status_code == 413
        page = await capped.get("/x/07060")
        assert page.status_code == 200, "a normal request still passes"
