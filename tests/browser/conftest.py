"""The sandbox page in a real browser: `python -m bot --sandbox` as a subprocess, and
Playwright driving the system's Chromium (`apt-get install chromium`; never a downloaded
browser), headless. Under CI=true a missing browser or Playwright fails; locally it skips.

Screenshots of each step go to test-output/browser/<test>/ (ignored by git): look at them."""

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import ROOT
from tests.browser.sandbox_page import WAIT_MS, SandboxPage

OUTPUT = ROOT / "test-output" / "browser"
STARTUP_SECONDS = 90


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: a missing browser is a failure, not a skip)")
    pytest.skip(reason)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    _missing("Chromium is not installed: apt-get install chromium (scripts/test.sh does it)")
    raise AssertionError("unreachable")


# Package scope, not session: the sync API runs an event loop in this thread while it is
# open, and the asyncio tests of the other packages must not start inside it.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("Playwright is not installed: pip install -e '.[dev]'")
    executable = _chromium()
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def sandbox_url() -> Iterator[str]:
    """One sandbox for all the browser tests (it takes seconds to start); each test uses
    its own resident, so tests only share the staff group and the clock."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = (OUTPUT / "sandbox.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--sandbox", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        yield _address(process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _address(process: subprocess.Popen[str]) -> str:
    """The one line the sandbox prints: the page's address."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout=STARTUP_SECONDS):
        raise AssertionError(f"the sandbox printed nothing in {STARTUP_SECONDS} s")
    line = process.stdout.readline().strip()
    if not re.fullmatch(r"http://127\.0\.0\.1:\d+/", line):
        raise AssertionError(f"the sandbox did not start: {line!r}; see {OUTPUT}/sandbox.log")
    return line


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    directory = OUTPUT / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page_for(
    browser: Any, sandbox_url: str, shots: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """`page_for(width, height, block_events)` opens the sandbox page in a fresh browser
    context (block_events: without Server-Sent Events, so the page must poll); a test
    that fails leaves a screenshot of each of its pages as it was (failed-N.png)."""
    contexts: list[Any] = []

    def open_page(width: int = 1600, height: int = 1000, block_events: bool = False) -> SandboxPage:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        contexts.append(context)
        if block_events:  # as a proxy that does not pass Server-Sent Events would
            context.route("**/sandbox/api/events", lambda route: route.abort())
        return SandboxPage.open(context.new_page(), sandbox_url, shots)

    yield open_page
    for number, context in enumerate(contexts):
        if request.node.stash.get(FAILED, False):
            for page in context.pages:
                page.screenshot(path=str(shots / f"failed-{number}.png"), full_page=True)
        context.close()
