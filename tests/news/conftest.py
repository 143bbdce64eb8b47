"""A web app and the news courier of its process, with a fake push service the residents'
browsers subscribe to and a fake SMS provider."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from config.context import build_context
from news.courier import NewsCourier, build_courier
from services.database.keys import application_server_key, vapid_pem
from tests.news import sms_provider
from tests.news.push_service import PushService
from tests.web.conftest import Web, web_settings
from web.app import build_web_app


@dataclass
class Site:
    web: Web
    courier: NewsCourier
    push: PushService


@pytest.fixture
async def push() -> AsyncIterator[PushService]:
    service = PushService()
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def site(
    database_url: str, engine: AsyncEngine, tmp_path: Path, push: PushService
) -> AsyncIterator[Site]:
    settings = web_settings(
        database_url,
        data_dir=str(tmp_path / "data"),
        web_push_services=push.origin,
        sms_provider="tests.news.sms_provider:factory",
    )
    ctx = build_context(settings, engine)
    app = await build_web_app(ctx)
    courier = await build_courier(ctx, engine)
    async with ctx.sessions() as session:
        push.vapid_public_key = application_server_key(await vapid_pem(session))
    sms_provider.SENT.clear()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield Site(Web(client, ctx), courier, push)
    await courier.push.close()
