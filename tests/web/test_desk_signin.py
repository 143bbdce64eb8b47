"""Signing in to the staff desk over HTTP (issue 20): anyone not signed in is sent to
/desk/login and sees nothing of any case; a wrong password and an unknown login get the
same polite answer; every form needs its CSRF token; the session cookie is HttpOnly,
Secure and SameSite=Lax; logout ends the session; a person sees only the cases of the
commune they work in, and chooses it when they have several."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Channel, Commune, Kind, Role
from services.accounts import registry
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.cases.tickets import TicketDraft
from services.people import invites, residents
from tests.e2e.conftest import make_commune
from tests.web.conftest import CSRF, Web

PASSWORD = "mật khẩu đủ dài"
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


async def _case(session: AsyncSession, commune: Commune, text: str) -> str:
    resident = await residents.get_or_create_by_telegram(
        session, 9001, full_name="Hoa", username=None
    )
    draft = TicketDraft(
        kind=Kind.REPORT, category_id=None, text=text, received_at=NOW, channel=Channel.TELEGRAM
    )
    ticket = await tickets.submit_ticket(
        session,
        commune=commune,
        resident=resident,
        draft=draft,
        policy=DeadlinePolicy(WorkingCalendar(), ZoneInfo("Asia/Ho_Chi_Minh")),
        now=NOW,
    )
    return ticket.code


async def _person(session: AsyncSession, *communes: Commune, login: str = "ha") -> None:
    for commune in communes:
        await registry.add_member(session, commune, role=Role.OFFICER, name="Thu Hà", login=login)
    account = await registry.find_account(session, login)
    await registry.set_password(session, account, PASSWORD, NOW, how="test")


async def _log_in(web: Web, username: str = "ha", password: str = PASSWORD, **extra: str):
    token = await web.form_token("/desk/login")
    return await web.client.post(
        "/desk/login",
        data={"csrf": token, "username": username, "password": password, **extra},
    )


async def test_anyone_not_signed_in_is_sent_to_sign_in_and_sees_no_case(
    web: Web, session: AsyncSession
) -> None:
    commune = await make_commune(session)
    code = await _case(session, commune, "Đèn đường hỏng ở thôn Yên Phú")
    for path in ("/desk", "/desk/", "/desk/anything", f"/desk/case/{code}?tab=history"):
        answer = await web.client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/desk/login"), path
        assert code not in answer.text and "Đèn đường" not in answer.text
    answer = await web.client.get(f"/desk/case/{code}")
    assert answer.headers["location"] == f"/desk/login?next=/desk/case/{code}"
    posted = await web.client.post("/desk/logout", data={})
    assert posted.status_code == 303 and posted.headers["location"] == "/desk/login"
    web.client.cookies.set("desk_session", "made-up-token")
    forged = await web.client.get("/desk")
    assert forged.status_code == 303


async def test_a_wrong_password_and_an_unknown_login_get_the_same_polite_answer(
    web: Web, session: AsyncSession
) -> None:
    commune = await make_commune(session)
    await _person(session, commune)
    wrong = await _log_in(web, password="không phải mật khẩu")
    unknown = await _log_in(web, username="khong-ai-ca")
    alert = re.compile(r'<div class="alert" role="alert">(.*?)</div>', re.S)
    assert wrong.status_code == unknown.status_code == 401
    assert alert.search(wrong.text).group(1).strip() == alert.search(unknown.text).group(1).strip()
    assert "Tên đăng nhập, mật khẩu hoặc mã không đúng" in wrong.text
    assert "desk_session" not in wrong.headers.get("set-cookie", "")
    assert PASSWORD not in wrong.text and "không phải mật khẩu" not in wrong.text
    details = " ".join(e.detail or "" for e in (await session.exec(select(AuditEntry))).all())
    assert "không phải mật khẩu" not in details and "khong-ai-ca" not in details


async def test_every_form_needs_its_csrf_token(web: Web, session: AsyncSession) -> None:
    commune = await make_commune(session)
    await _person(session, commune)
    await web.client.get("/desk/login")  # the browser has its csrf cookie
    refused = await web.client.post("/desk/login", data={"username": "ha", "password": PASSWORD})
    assert refused.status_code == 400 and "desk_session" not in refused.headers.get(
        "set-cookie", ""
    )
    signed = await _log_in(web)
    assert signed.status_code == 303
    kept = await web.client.post("/desk/logout", data={})
    assert kept.headers["location"] == "/desk?error=expired"
    assert (await web.client.get("/desk")).status_code == 200, "still signed in"


async def test_sign_in_shows_the_desk_and_logout_ends_the_session(
    web: Web, session: AsyncSession
) -> None:
    home = await make_commune(session)
    other = await make_commune(session, "4")
    mine = await _case(session, home, "Đèn đường hỏng ở thôn Yên Phú")
    for text in (
        "Rác thải ở chợ chưa thu gom",
        "Nước ngập đường liên thôn",
        "Cây đổ chắn đường đi",
    ):
        await _case(session, other, text)
    await _person(session, home)
    await web.client.get("/desk/login?next=//evil.example/")
    signed = await _log_in(web, next="https://evil.example/")
    assert signed.status_code == 303 and signed.headers["location"] == "/desk"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("desk_session=")
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    assert "Path=/desk" in cookie
    page = await web.client.get("/desk")
    assert page.status_code == 200 and "ha" in page.text and "Thu Hà" in page.text
    assert home.name in page.text and other.name not in page.text
    rows = re.findall(r"<tr><td>(PA\d\d-\d+)</td>", page.text)
    assert rows == [mine], "only the commune's own cases: codes repeat between communes"
    assert page.headers["cache-control"] == "no-store"

    stolen = web.client.cookies.get("desk_session")
    token = CSRF.search(page.text).group(1)
    out = await web.client.post("/desk/logout", data={"csrf": token})
    assert out.status_code == 303 and out.headers["location"] == "/desk/login?done=logout"
    assert stolen and "desk_session" not in web.client.cookies, "the browser forgets it"
    web.client.cookies.set("desk_session", stolen)
    again = await web.client.get("/desk")
    assert again.status_code == 303, "the old cookie opens nothing"
    actions = [(e.action, e.allowed) for e in (await session.exec(select(AuditEntry))).all()]
    assert ("desk_sign_in", True) in actions and ("desk_logout", True) in actions


async def test_a_person_of_two_communes_chooses_where_they_work(
    web: Web, session: AsyncSession
) -> None:
    home = await make_commune(session)
    other = await make_commune(session, "4")
    third = await make_commune(session, "70")
    await _case(session, home, "Đèn đường hỏng ở thôn")
    await _case(session, other, "Rác thải ở chợ chưa thu gom")
    await _case(session, other, "Cây đổ chắn đường đi")
    await _person(session, home, other)
    await _log_in(web, next="/desk")
    page = await web.client.get("/desk")
    assert "Chọn xã bạn đang làm việc" in page.text and "<tr><td>" not in page.text
    token = CSRF.search(page.text).group(1)
    for commune in (third, other):  # not theirs: refused; theirs: kept
        chosen = await web.client.post(
            "/desk/commune", data={"csrf": token, "commune": commune.code}
        )
        assert chosen.status_code == 303
    page = await web.client.get("/desk")
    assert len(re.findall(r"<tr><td>PA", page.text)) == 2
    refusals = (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "desk_commune_chosen"))
    ).all()
    assert refusals and not any(e.allowed for e in refusals), "one entry per commune of theirs"


async def test_an_invitation_opened_on_the_web_makes_a_desk_member(
    web: Web, session: AsyncSession
) -> None:
    commune = await make_commune(session)
    invite = await invites.create_invite(
        session, commune, role=Role.OFFICER, now=datetime.now(UTC), name="Trần Thị Lan"
    )
    path = f"/desk/invite/{invite.token}"
    short = await web.post_form(path, {"login": "lan", "password": "ngắn", "password2": "ngắn"})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.text
    joined = await web.post_form(
        path, {"login": "Lan", "password": PASSWORD, "password2": PASSWORD}
    )
    assert joined.status_code == 303, joined.text
    again = await web.client.get(path)
    assert again.status_code == 404 and "không còn dùng được" in again.text
    assert (await _log_in(web, "lan")).status_code == 303
    assert "Trần Thị Lan" in (await web.client.get("/desk")).text
