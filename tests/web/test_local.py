"""`/healthz` (and `/metrics` where Telegram adds it) answer this machine only: a request
from a loopback address with no proxy header. A request relayed by nginx, or from another
address, gets the page any unknown address gets."""

import httpx
import pytest

from tests.web.conftest import Web
from web.app import build_web_app
from web.local import is_loopback

RELAYED = (
    {"X-Forwarded-For": "127.0.0.1"},
    {"Forwarded": "for=127.0.0.1"},
    {"X-Real-IP": "1.2.3.4"},
)


async def test_healthz_answers_this_machine(web: Web) -> None:
    response = await web.client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


async def test_a_relayed_or_remote_request_gets_the_unknown_address_page(web: Web) -> None:
    await web.client.get("/")  # the form cookie, so that every page has the same token
    unknown = await web.client.get("/khong-co-trang-nay")
    assert unknown.status_code == 404 and "Không tìm thấy trang" in unknown.text
    for headers in RELAYED:
        relayed = await web.client.get("/healthz", headers=headers)
        assert relayed.status_code == 404, headers
        assert relayed.text == unknown.text.replace("/khong-co-trang-nay", "/healthz")
    posted = await web.client.post("/healthz", headers=RELAYED[0])
    assert posted.status_code == 404, "no 405 that would tell the path exists"
    assert (await web.client.post("/healthz")).status_code == 405

    remote = httpx.ASGITransport(app=await build_web_app(web.ctx), client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=remote, base_url="https://testserver") as client:
        response = await client.get("/healthz")
        assert response.status_code == 404 and "Không tìm thấy trang" in response.text


async def test_without_telegram_there_is_no_metrics_path(web: Web) -> None:
    assert (await web.client.get("/metrics")).status_code == 404


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.53", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("testclient", False),
        ("", False),
    ],
)
def test_what_counts_as_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
