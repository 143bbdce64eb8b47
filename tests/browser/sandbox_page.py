"""What a trainer does on the sandbox page, in words a test reads like a script: tap a
button in a phone, type in it, wait for the bot's answer, take a screenshot."""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

# The real bot answers through the emulator, its outbox and the page's SSE, on a machine
# that may be busy: every wait (expect) allows this long (set by the browser fixture).
WAIT_MS = 30_000
CODE = re.compile(r"\b(?:PA|KN|CH)\d{2}-\d{4}\b")  # a case's code: PA26-0001
RECEIPT = re.compile(r"Mã hồ sơ: (?:PA|KN|CH)\d{2}-\d{4}")  # the receipt, not the question


@dataclass
class SandboxPage:
    page: Page
    shots: Path
    errors: list[str] = field(default_factory=list)
    taken: int = 0

    @classmethod
    def open(cls, page: Page, url: str, shots: Path) -> "SandboxPage":
        opened = cls(page, shots)
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.goto(url)
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        return opened

    # -- finding phones ------------------------------------------------------------------
    def phone(self, title: str) -> Locator:
        return self.page.locator(".phone").filter(
            has=self.page.locator(".chat-title", has_text=title)
        )

    def group(self) -> Locator:
        return self.page.locator(".phone[data-kind=group]")

    def add_resident(self) -> Locator:
        before = self.page.locator(".phone[data-kind=resident]").count()
        self.page.get_by_role("button", name="Thêm người dân").click()
        residents = self.page.locator(".phone[data-kind=resident]")
        expect(residents).to_have_count(before + 1)
        return residents.nth(before)

    # -- acting in a phone -----------------------------------------------------------------
    @staticmethod
    def tap(phone: Locator, name: str) -> None:
        """The newest button with exactly this label (inline or reply keyboard)."""
        button = phone.get_by_role("button", name=name, exact=True).last
        expect(button).to_be_visible()
        button.click()

    @staticmethod
    def type(phone: Locator, text: str) -> None:
        box = phone.get_by_role("textbox", name="Tin nhắn")
        box.fill(text)
        box.press("Enter")

    @staticmethod
    def error(phone: Locator) -> Locator:
        return phone.get_by_role("alert")

    # -- reading -----------------------------------------------------------------------
    @staticmethod
    def says(phone: Locator, text: str | re.Pattern[str]) -> Locator:
        """Waits until a message in the phone shows `text` (a string: ignoring case);
        returns the newest such message."""
        message = phone.locator(".msg", has_text=text).last
        expect(message).to_be_visible()
        message.scroll_into_view_if_needed()  # so that the next screenshot shows it
        return message

    @staticmethod
    def fits(phone: Locator) -> bool:
        """Nothing in the phone's composer sticks out of the phone (the send button shows)."""
        return bool(
            phone.locator(".composer").evaluate("c => c.scrollWidth <= c.clientWidth")
            and phone.get_by_role("button", name="Gửi", exact=True).is_visible()
        )

    def card(self, code: str) -> Locator:
        """The case's card in the staff group: the first message whose own text names the
        case (photos, locations and reminders after it quote the card or name it too)."""
        card = self.group().locator(".msg").filter(has=self.page.locator(".text", has_text=code))
        expect(card.first).to_be_visible()
        card.first.scroll_into_view_if_needed()
        return card.first

    @staticmethod
    def keyboard(phone: Locator) -> Locator:
        return phone.locator(".reply-keyboard")

    def shot(self, name: str, **options: Any) -> Path:
        self.taken += 1
        path = self.shots / f"{self.taken:02d}-{name}.png"
        try:
            self.page.screenshot(path=str(path), **options)
        except PlaywrightError:  # a fresh headless Chromium once failed its first capture
            self.page.wait_for_timeout(500)
            self.page.screenshot(path=str(path), **options)
        return path
