"""The case's own page: the story as the resident may see it, and their actions as in
Telegram — add information, withdraw, rate, ask again — through the same services; and
finding a lost link again by code and phone."""

from datetime import UTC, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import EventKind, Rating, Resident, Role, Staff, Ticket, TicketEvent, TicketStatus
from scheduler import jobs
from services.desk import actions as desk
from tests.e2e.conftest import StaffSpec, make_commune
from tests.web.conftest import Web
from tests.web.test_filing import CASE_PAGE, GOOD

OFFICER = StaffSpec(telegram_id=501, role=Role.OFFICER, name="Lê Văn Hùng")
LEADER = StaffSpec(telegram_id=502, role=Role.LEADER, name="Phạm Thị Hoa")


async def _file(web: Web, session: AsyncSession, **fields: str) -> tuple[str, str]:
    await make_commune(session, members=[OFFICER])
    sent = await web.post_form("/x/07060", {**GOOD, **fields})
    match = CASE_PAGE.match(sent.headers["location"])
    assert match, sent.text
    code, token = match.groups()
    return code, f"/h/{code}/{token}"


async def _ticket(session: AsyncSession) -> Ticket:
    await session.rollback()  # a new snapshot: the web app wrote through its own sessions
    return (await session.exec(select(Ticket))).one()


async def _answer(web: Web, session: AsyncSession, text: str) -> None:
    ticket = await _ticket(session)
    officer = (await session.exec(select(Staff))).one()
    now = web.ctx.clock.now()
    await desk.close(session, ticket, officer, text, at=now, now=now)


async def test_the_resident_adds_information_and_staff_see_it(
    web: Web, session: AsyncSession
) -> None:
    _, page = await _file(web, session)
    added = await web.post_form(f"{page}/bo-sung", {"text": "Đèn hỏng thêm ở ngõ 7"}, page=page)
    assert added.status_code == 303 and added.headers["location"] == f"{page}#bo-sung"
    shown = await web.client.get(page)
    assert "Bạn đã bổ sung:" in shown.text and "Đèn hỏng thêm ở ngõ 7" in shown.text
    ticket = await _ticket(session)
    kinds = (
        await session.exec(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id))
    ).all()
    assert EventKind.INFO_ADDED in kinds
    empty = await web.post_form(f"{page}/bo-sung", {"text": "  "}, page=page)
    assert empty.status_code == 400 and "Bạn hãy viết nội dung trước." in empty.text


async def test_the_answer_shows_on_the_page_and_the_resident_rates_it(
    web: Web, session: AsyncSession
) -> None:
    _, page = await _file(web, session)
    before = await web.client.get(page)
    assert "Bạn có hài lòng" not in before.text, "nothing to rate before an answer"
    await _answer(web, session, "Đã thay bóng đèn ngõ 5 ngày 08/12.")
    answered = await web.client.get(page)
    assert "UBND đã trả lời và kết thúc xử lý:" in answered.text
    assert "Đã thay bóng đèn ngõ 5 ngày 08/12." in answered.text
    assert "Bạn có hài lòng với câu trả lời không?" in answered.text
    unrated = await web.post_form(f"{page}/danh-gia", {"comment": "Sửa nhanh, cảm ơn"}, page=page)
    assert unrated.status_code == 400 and "Bạn hãy chọn mức độ hài lòng." in unrated.text
    assert ">Sửa nhanh, cảm ơn</textarea>" in unrated.text, "the comment typed stays"
    rated = await web.post_form(
        f"{page}/danh-gia", {"rating": "very_satisfied", "comment": "Cảm ơn UBND"}, page=page
    )
    assert rated.status_code == 303
    shown = await web.client.get(page)
    assert "Bạn đã đánh giá: 😊 Rất hài lòng" in shown.text and "Cảm ơn UBND" in shown.text
    assert "Bạn có hài lòng" not in shown.text, "rated once"
    ticket = await _ticket(session)
    assert ticket.rating is Rating.VERY_SATISFIED


async def test_an_unsatisfied_resident_asks_again_within_seven_days(
    web: Web, session: AsyncSession
) -> None:
    _, page = await _file(web, session)
    await _answer(web, session, "Đã kiểm tra.")
    again = await web.post_form(
        f"{page}/hoi-lai", {"reason": "Đèn vẫn chưa sáng, tối qua vẫn tối"}, page=page
    )
    assert again.status_code == 303
    shown = await web.client.get(page)
    assert "Bạn chưa hài lòng và đề nghị xem xét lại:" in shown.text
    assert (await _ticket(session)).status is TicketStatus.ACKNOWLEDGED


async def test_withdrawing_needs_the_box_ticked(web: Web, session: AsyncSession) -> None:
    _, page = await _file(web, session)
    unticked = await web.post_form(f"{page}/rut", {}, page=page)
    forged = await web.client.post(f"{page}/bo-sung", data={"text": "Ảnh chụp lúc 7 giờ"})
    assert forged.status_code == 400 and ">Ảnh chụp lúc 7 giờ</textarea>" in forged.text
    assert unticked.status_code == 400 and "đánh dấu vào ô để xác nhận" in unticked.text
    assert (await _ticket(session)).status is TicketStatus.NEW
    ticked = await web.post_form(f"{page}/rut", {"confirm": "yes"}, page=page)
    assert ticked.status_code == 303
    shown = await web.client.get(page)
    assert "Bạn đã rút phản ánh." in shown.text
    assert 'action="' + page + '/rut"' not in shown.text, "nothing left to withdraw"
    assert (await _ticket(session)).status is TicketStatus.WITHDRAWN


async def test_a_post_without_the_token_or_to_a_wrong_link_changes_nothing(
    web: Web, session: AsyncSession
) -> None:
    code, page = await _file(web, session)
    forged = await web.client.post(f"{page}/rut", data={"confirm": "yes"})
    assert forged.status_code == 400
    wrong = await web.post_form(f"/h/{code}/{'x' * 32}/rut", {"confirm": "yes"}, page=page)
    assert wrong.status_code == 404
    other_code = await web.client.get(page.replace(code, "PA26-0002"))
    assert other_code.status_code == 404, "a token opens its own case only"
    assert (await _ticket(session)).status is TicketStatus.NEW


async def test_a_lost_link_is_found_again_by_code_and_phone(
    web: Web, session: AsyncSession
) -> None:
    code, page = await _file(web, session)
    lookup = "/x/07060/tra-cuu"
    found = await web.post_form(lookup, {"case": code.lower(), "phone": "+84 912 345 678"})
    assert found.status_code == 303
    fresh = found.headers["location"]
    assert fresh.startswith(f"/h/{code}/") and fresh != page
    assert (await web.client.get(fresh)).status_code == 200
    assert (await web.client.get(page)).status_code == 200, "the old link still works"
    wrong_phone = await web.post_form(lookup, {"case": code, "phone": "0987654321"})
    wrong_code = await web.post_form(lookup, {"case": "PA26-0099", "phone": "0912345678"})
    assert wrong_phone.status_code == wrong_code.status_code == 404
    message = "Không tìm thấy phản ánh nào có mã và số điện thoại này."
    assert message in wrong_phone.text and message in wrong_code.text
    assert 'value="0987654321"' in wrong_phone.text, "what was typed stays"


async def test_lookups_are_limited_per_address(web: Web, session: AsyncSession) -> None:
    await make_commune(session)
    statuses = [
        (
            await web.post_form("/x/07060/tra-cuu", {"case": f"PA26-{n:04}", "phone": "0912345678"})
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [404] * 10 and statuses[10:] == [429, 429]


async def test_the_resident_erases_their_data_from_the_case_page(
    web: Web, session: AsyncSession
) -> None:
    _, page = await _file(web, session)
    unticked = await web.post_form(f"{page}/xoa", {}, page=page)
    assert unticked.status_code == 400
    waits = await web.post_form(f"{page}/xoa", {"confirm": "yes"}, page=page)
    assert waits.status_code == 303
    shown = await web.client.get(page)
    assert "sẽ được xóa khi phản ánh này được giải quyết xong" in shown.text, "open: it waits"
    await _answer(web, session, "Đã thay bóng đèn.")
    await session.rollback()
    ticket = await _ticket(session)
    resident = await session.get(Resident, ticket.resident_id)
    assert resident is not None and resident.erasure_requested_at is not None
    await jobs.retention_job(web.ctx)  # completes a waiting erasure, as for /forget
    erased = await web.client.get(page)
    assert "đã được xóa" in erased.text
    assert "Đèn đường ở ngõ 5" not in erased.text and "Nguyễn Thị Lan" not in erased.text
    ticket = await _ticket(session)
    assert ticket.contact_phone is None


async def test_an_extension_shows_its_new_due_day_in_local_time(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session, members=[LEADER])
    sent = await web.post_form("/x/07060", GOOD)
    page = CASE_PAGE.match(sent.headers["location"]).group(0).split("?")[0]  # type: ignore[union-attr]
    ticket = await _ticket(session)
    leader = (await session.exec(select(Staff))).one()
    now = web.ctx.clock.now()
    # 17:30 UTC on 31/12/2026 is already 00:30 on 01/01/2027 in Vietnam: the resident's day
    new_due = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    await desk.extend(session, ticket, leader, new_due, "Cần thêm ý kiến điện lực", at=now, now=now)
    shown = await web.client.get(page)
    assert "Hạn trả lời được gia hạn đến ngày 01/01/2027." in shown.text
