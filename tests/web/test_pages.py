"""What every page carries: security headers (a CSP with no inline script; frames only from
the commune's portal), Vietnamese first and English by the switch."""

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from config.context import build_context
from tests.e2e.conftest import make_commune
from tests.web.conftest import Web, web_settings
from web.app import build_web_app


async def test_pages_carry_a_strict_content_security_policy(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    page = await web.client.get("/x/07060")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer", "a case link never leaks onward"
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert scripts == ['<script src="/static/app.js" defer>'], "no inline script; none needed"
    docs = await web.client.get("/docs")
    assert docs.status_code == 404, "no CDN-loaded API pages"
    assert "Không tìm thấy trang" in docs.text, "an unknown address gets the plain page, not JSON"


async def test_a_commune_portal_may_frame_the_form(
    database_url: str, engine: AsyncEngine, session: AsyncSession
) -> None:
    await make_commune(session)
    settings = web_settings(
        database_url, web_embed_origins="https://thongnhat.quangninh.gov.vn http://insecure.example"
    )
    app = await build_web_app(build_context(settings, engine))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as client:
        page = await client.get("/x/07060")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors https://thongnhat.quangninh.gov.vn;" in policy + ";"
    assert "insecure.example" not in policy


async def test_vietnamese_first_english_by_the_switch(web: Web, session: AsyncSession) -> None:
    await make_commune(session)
    vietnamese = await web.client.get("/x/07060")
    assert '<html lang="vi">' in vietnamese.text and "Bạn muốn gửi gì?" in vietnamese.text
    switched = await web.client.get("/ngon-ngu/en", params={"next": "/x/07060"})
    assert switched.status_code == 303 and switched.headers["location"] == "/x/07060"
    english = await web.client.get("/x/07060")
    assert '<html lang="en">' in english.text and "What are you sending?" in english.text
    elsewhere = await web.client.get("/ngon-ngu/vi", params={"next": "//evil.example/"})
    assert elsewhere.headers["location"] == "/", "never a way to send someone elsewhere"
