"""`pakn staff add --login`, `login-link`, `set-password`, `sessions`, `revoke-sessions`,
`totp` and the desk link of `pakn staff invite` (issue 20), each a fresh process; the link
is then opened on the web app, as the person would."""

import os
import re
import subprocess
import sys

from sqlmodel.ext.asyncio.session import AsyncSession

from services.accounts import registry
from tests import ROOT
from tests.cli.test_main import run
from tests.web.conftest import PUBLIC_URL, Web, web  # noqa: F401  (the fixture)

PASSWORD = "mật khẩu đủ dài"


def _set_password(url: str, login: str, typed: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": url}
    environment.pop("BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "staff", "set-password", login],
        input=typed,
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def _ok(*args: str, url: str) -> str:
    done = run(*args, database_url=url, env={"PUBLIC_URL": PUBLIC_URL})
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_one_login_in_two_communes_and_a_password_from_stdin(
    database_url: str, session: AsyncSession
) -> None:
    for code in ("7060", "4"):
        _ok("commune", "add", code, url=database_url)
    added = _ok(
        "staff",
        "add",
        "--commune",
        "7060",
        "--role",
        "officer",
        "--name",
        "Thu Hà",
        "--login",
        "Ha",
        "--email",
        "ha@thongnhat.gov.vn",
        url=database_url,
    )
    assert "pakn staff login-link ha" in added
    _ok(
        "staff",
        "add",
        "--commune",
        "4",
        "--role",
        "leader",
        "--name",
        "Thu Hà",
        "--login",
        "ha",
        "--telegram-id",
        "777",
        url=database_url,
    )
    for code in ("7060", "4"):
        listing = _ok("staff", "list", "--commune", code, url=database_url)
        assert re.search(r"\s+ha\s+", listing) and "Thu Hà" in listing
    account = await registry.find_account(session, "ha")
    assert account.email == "ha@thongnhat.gov.vn"
    nobody = run(
        "staff",
        "add",
        "--commune",
        "7060",
        "--role",
        "officer",
        "--name",
        "X",
        database_url=database_url,
    )
    assert nobody.returncode == 1 and "--login" in nobody.stderr
    taken = run(
        "staff",
        "add",
        "--commune",
        "7060",
        "--role",
        "officer",
        "--name",
        "Lan",
        "--login",
        "ha",
        "--telegram-id",
        "888",
        database_url=database_url,
    )
    assert taken.returncode == 1 and "thuộc về người khác" in taken.stderr

    short = _set_password(database_url, "ha", "ngắn quá\n")
    assert short.returncode == 1 and "ít nhất 10 ký tự" in short.stderr
    await session.refresh(account)
    assert account.password_hash is None, "nothing was changed"
    done = _set_password(database_url, "ha", PASSWORD + "\nthe second line is not read\n")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    unknown = _set_password(database_url, "khong-ai", PASSWORD + "\n")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    await session.rollback()  # a new snapshot: the process wrote meanwhile
    await session.refresh(account)
    assert account.password_hash and account.password_hash.startswith("$argon2id$")


async def test_a_login_link_sets_the_password_through_the_page(
    database_url: str,
    session: AsyncSession,
    web: Web,  # noqa: F811  (the fixture)
) -> None:
    _ok("commune", "add", "7060", url=database_url)
    _ok(
        "staff",
        "add",
        "--commune",
        "7060",
        "--role",
        "officer",
        "--name",
        "Thu Hà",
        "--login",
        "ha",
        url=database_url,
    )
    printed = _ok("staff", "login-link", "ha", url=database_url)
    found = re.search(re.escape(PUBLIC_URL) + r"(/desk/password/[A-Za-z0-9_-]{40,})", printed)
    assert found, printed
    page = await web.client.get(found.group(1))
    assert page.status_code == 200 and "ha" in page.text
    mismatch = await web.post_form(found.group(1), {"password": PASSWORD, "password2": "khác"})
    assert mismatch.status_code == 400 and "không giống nhau" in mismatch.text
    set_ = await web.post_form(found.group(1), {"password": PASSWORD, "password2": PASSWORD})
    assert set_.status_code == 303 and set_.headers["location"] == "/desk/login?done=password"
    again = await web.client.get(found.group(1))
    assert again.status_code == 404, "the link works once"

    signed = await web.post_form(
        "/desk/login", {"username": "ha", "password": PASSWORD}, page="/desk/login"
    )
    assert signed.status_code == 303
    listed = _ok("staff", "sessions", "ha", url=database_url)
    assert listed.count("phiên ") == 1
    revoked = _ok("staff", "revoke-sessions", "ha", url=database_url)
    assert "Đã kết thúc 1 phiên" in revoked
    assert (await web.client.get("/desk")).status_code == 303, "signed out everywhere"

    totp = _ok("staff", "totp", "ha", url=database_url)
    assert "otpauth://totp/" in totp
    asked = await web.post_form(
        "/desk/login", {"username": "ha", "password": PASSWORD}, page="/desk/login"
    )
    assert asked.status_code == 401 and 'name="otp"' in asked.text


def test_an_invitation_prints_a_desk_link(database_url: str) -> None:
    _ok("commune", "add", "7060", url=database_url)
    made = _ok("staff", "invite", "--commune", "7060", "--role", "officer", url=database_url)
    telegram = re.search(r"inv-([A-Za-z0-9_-]{20,})", made)
    desk = re.search(re.escape(PUBLIC_URL) + r"/desk/invite/([A-Za-z0-9_-]{20,})", made)
    assert telegram and desk and telegram.group(1) == desk.group(1), made
    _ok("commune", "set", "7060", "--desk-totp", "required", url=database_url)
