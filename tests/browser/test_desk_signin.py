"""An officer signs in to the desk in Chromium: sets a password through the link the
administrator printed, is refused once (the login stays typed), signs in, sees the
commune's open cases, signs out. axe-core finds no serious or critical problem."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import ROOT
from tests.browser.conftest import OUTPUT
from tests.browser.resident_site import Site, resident_site
from tests.browser.test_resident_web import PHONE, _file, _no_serious_accessibility_problem

PASSWORD = "Thôn Yên Phú 2026"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with resident_site(tmp_path_factory.mktemp("desk"), OUTPUT / "desk.log") as running:
        yield running


def _pakn(site: Site, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": site.database_url, "PUBLIC_URL": site.url}
    env.pop("BOT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_officer_sets_a_password_signs_in_and_out(browser: Any, site: Site) -> None:
    shots = OUTPUT / "desk-signin"
    shots.mkdir(parents=True, exist_ok=True)
    _pakn(
        site,
        "staff",
        "add",
        "--commune",
        "7060",
        "--name",
        "Trần Thị Lan",
        "--role",
        "officer",
        "--login",
        "lan",
    )
    link = re.search(r"http://\S+/desk/password/\S+", _pakn(site, "staff", "login-link", "lan"))
    assert link, "the administrator gets a link to hand over"

    resident = browser.new_context(**PHONE)
    form = resident.new_page()
    form.goto(f"{site.url}/x/07060")
    code = _file(form, shots, "Cột điện nghiêng trước cổng trường tiểu học")
    resident.close()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site.url}/desk")
    expect(page.get_by_role("heading", name="Trang cán bộ: đăng nhập")).to_be_visible()
    page.goto(link.group(0))
    _no_serious_accessibility_problem(page)
    page.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_text("Đã đặt mật khẩu. Hãy đăng nhập bằng mật khẩu mới.")).to_be_visible()

    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu", exact=True).fill("not her password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("không đúng")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("lan")  # what was typed stays
    _no_serious_accessibility_problem(page)

    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Đã đăng nhập: lan.")).to_be_visible()
    expect(page.get_by_role("cell", name=code)).to_be_visible()
    page.screenshot(path=shots / "desk.png", full_page=True)
    _no_serious_accessibility_problem(page)

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    page.goto(f"{site.url}/desk")
    expect(page.get_by_role("cell", name=code)).to_have_count(0)
    context.close()
