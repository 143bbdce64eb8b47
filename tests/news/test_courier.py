"""A web resident hears of their case without an app: the phone that asked for news gets a
push notification it can decrypt and show; without one, the phone number given gets an
SMS; the case's page is always there."""

import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.cases import card_messages
from bot.runtime.i18n import build_i18n
from models import (
    Channel,
    DeliveryStatus,
    Notification,
    NotificationKind,
    PushSubscription,
    Role,
    Staff,
    Ticket,
)
from services.cases.views import load_ticket_view
from services.desk import actions as desk
from tests.e2e.conftest import StaffSpec, make_commune
from tests.news import sms_provider
from tests.news.conftest import Site
from tests.news.push_service import FakeBrowser
from tests.web.test_filing import CASE_PAGE, GOOD

OFFICER = StaffSpec(telegram_id=501, role=Role.OFFICER, name="Lê Văn Hùng")
TITLE = "PA26-0001 · UBND xã Thống Nhất"


async def _file(site: Site, session: AsyncSession, **fields: str) -> str:
    await make_commune(session, members=[OFFICER])
    sent = await site.web.post_form("/x/07060", {**GOOD, **fields})
    match = CASE_PAGE.match(sent.headers["location"])
    assert match, sent.text
    code, token = match.groups()
    return f"/h/{code}/{token}"


async def _subscribe(site: Site, page: str, browser: FakeBrowser) -> int:
    keys = browser.subscription(site.push.origin)
    form = {"endpoint": keys.endpoint, "p256dh": keys.p256dh, "auth": keys.auth}
    answer = await site.web.post_form(f"{page}/thong-bao", form, page=page)
    return answer.status_code


async def _close(site: Site, session: AsyncSession, text: str) -> None:
    await session.rollback()
    ticket = (await session.exec(select(Ticket))).one()
    officer = (await session.exec(select(Staff))).one()
    now = site.web.ctx.clock.now()
    await desk.close(session, ticket, officer, text, at=now, now=now)


async def _news(session: AsyncSession) -> list[Notification]:
    await session.rollback()
    found = await session.exec(
        select(Notification)
        .where(Notification.channel == Channel.WEB)
        .order_by(col(Notification.id))
        .execution_options(populate_existing=True)
    )
    return list(found.all())


async def test_the_phone_that_asked_is_told_of_the_receipt_and_the_answer(
    site: Site, session: AsyncSession
) -> None:
    page = await _file(site, session)
    shown = await site.web.client.get(page)
    assert 'id="thong-bao"' in shown.text and "Nhận thông báo" in shown.text
    assert f'data-key="{site.push.vapid_public_key}"' in shown.text
    phone = site.push.browser("lan-phone")
    assert await _subscribe(site, page, phone) == 303

    await site.courier.sweep()
    await _close(site, session, "Đã thay bóng đèn ngõ 5 ngày 08/12.")
    await site.courier.sweep()

    assert site.push.refused == []
    receipt, answer = phone.received
    assert receipt["title"] == TITLE and receipt["page"] == "07060/PA26-0001"
    assert re.fullmatch(
        r"Phản ánh của bạn đã được tiếp nhận\. Hạn trả lời: ngày \d\d/\d\d/2026\.",
        receipt["body"],
    )
    assert answer["body"] == (
        "UBND đã trả lời và kết thúc xử lý phản ánh của bạn. Mở trang phản ánh để đọc câu trả lời."
    )
    assert sms_provider.SENT == [], "a phone told by push gets no SMS as well"
    assert all(n.status is DeliveryStatus.SENT for n in await _news(session))


async def test_without_a_subscribed_browser_the_phone_number_gets_an_sms(
    site: Site, session: AsyncSession
) -> None:
    await _file(site, session)
    await site.courier.sweep()
    [(number, text)] = sms_provider.SENT
    assert number == "0912345678"
    assert text.startswith(TITLE + ": Phản ánh của bạn đã được tiếp nhận.")
    assert text.endswith(
        "Tra cứu tại https://pakn.example.gov.vn/x/07060/tra-cuu "
        "bằng mã phản ánh và số điện thoại của bạn."
    )
    [receipt] = await _news(session)
    assert receipt.result == {"push": 0, "sms": True}


async def test_with_neither_the_case_page_is_where_news_waits(
    site: Site, session: AsyncSession
) -> None:
    page = await _file(site, session, phone="")
    await site.courier.sweep()
    assert sms_provider.SENT == []
    [receipt] = await _news(session)
    assert receipt.status is DeliveryStatus.SENT and receipt.result == {"push": 0, "sms": False}
    assert "Mã hồ sơ: <b>PA26-0001</b>" in (await site.web.client.get(page)).text


async def test_a_browser_that_unsubscribed_is_forgotten_and_sms_takes_over(
    site: Site, session: AsyncSession
) -> None:
    page = await _file(site, session)
    phone = site.push.browser("old-phone")
    assert await _subscribe(site, page, phone) == 303
    phone.answer = 410
    await site.courier.sweep()
    await session.rollback()
    assert (await session.exec(select(PushSubscription))).all() == []
    assert len(sms_provider.SENT) == 1


async def test_a_busy_push_service_is_tried_again_and_nothing_is_lost(
    site: Site, session: AsyncSession
) -> None:
    page = await _file(site, session, phone="")
    phone = site.push.browser("lan-phone")
    assert await _subscribe(site, page, phone) == 303
    phone.answer = 503
    await site.courier.sweep()
    [receipt] = await _news(session)
    assert receipt.status is DeliveryStatus.PENDING and receipt.attempts == 1
    assert receipt.next_attempt_at > site.web.ctx.clock.now() + timedelta(seconds=20)

    await session.exec(update(Notification).values(next_attempt_at=receipt.created_at))
    await session.commit()
    phone.answer = 201
    await site.courier.sweep()
    assert [m["title"] for m in phone.received] == [TITLE]
    [receipt] = await _news(session)
    assert receipt.status is DeliveryStatus.SENT and receipt.result == {"push": 1, "sms": False}


async def test_a_refused_sms_is_tried_again(site: Site, session: AsyncSession) -> None:
    await _file(site, session, phone="0999 123 456")
    await site.courier.sweep()
    [receipt] = await _news(session)
    assert receipt.status is DeliveryStatus.PENDING and "provider refused" in (
        receipt.last_error or ""
    )


async def test_only_the_push_services_the_installation_names_are_taken(
    site: Site, session: AsyncSession
) -> None:
    page = await _file(site, session)
    keys = site.push.browser("lan-phone").subscription(site.push.origin)
    for endpoint, p256dh in [
        ("http://10.0.0.5:6379/push/x", keys.p256dh),  # the commune's own network
        ("https://evil.example/push/x", keys.p256dh),
        (keys.endpoint, "bm90IGEga2V5"),  # not a P-256 key
    ]:
        refused = await site.web.post_form(
            f"{page}/thong-bao",
            {"endpoint": endpoint, "p256dh": p256dh, "auth": keys.auth},
            page=page,
        )
        assert refused.status_code == 400
        assert "Trình duyệt này chưa nhận được thông báo." in refused.text
    await session.rollback()
    assert (await session.exec(select(PushSubscription))).all() == []


async def _card(site: Site, session: AsyncSession) -> str:
    """The staff group's card as the outbox composes it."""
    ticket = (await session.exec(select(Ticket))).one()
    assert ticket.id is not None
    view = await load_ticket_view(session, ticket.id)
    i18n = build_i18n()
    with i18n.context(), i18n.use_locale("vi"):
        [card, *_] = await card_messages(session, view, site.web.ctx)
    return str(card.params["text"])


async def test_staff_see_how_the_resident_is_reached(site: Site, session: AsyncSession) -> None:
    page = await _file(site, session)
    assert (
        "Liên hệ qua: trang web của phản ánh (trả lời hiện ở đó), "
        "tin nhắn SMS tới số điện thoại đã cho" in await _card(site, session)
    )
    assert await _subscribe(site, page, site.push.browser("lan-phone")) == 303
    await session.rollback()
    refresh = await session.exec(
        select(Notification).where(Notification.kind == NotificationKind.CARD_REFRESH)
    )
    assert refresh.first() is not None, "the card is edited to say so"
    assert (
        "Liên hệ qua: trang web của phản ánh (trả lời hiện ở đó), thông báo trên 1 thiết bị, "
        "nếu không được thì nhắn SMS" in await _card(site, session)
    )


async def test_erasing_the_residents_data_forgets_their_browsers(
    site: Site, session: AsyncSession
) -> None:
    page = await _file(site, session)
    assert await _subscribe(site, page, site.push.browser("lan-phone")) == 303
    await _close(site, session, "Đã thay bóng đèn.")
    erased = await site.web.post_form(f"{page}/xoa", {"confirm": "yes"}, page=page)
    assert erased.status_code == 303
    await session.rollback()
    assert (await session.exec(select(PushSubscription))).all() == []


async def test_the_service_worker_is_served_from_the_root(site: Site) -> None:
    worker = await site.web.client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "showNotification" in worker.text and "notificationclick" in worker.text
