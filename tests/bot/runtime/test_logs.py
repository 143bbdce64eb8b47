"""The bot token (and other secrets) never reach a log line or a printed traceback."""

import io
import logging
import sys
import threading

import pytest
from pydantic import SecretStr

from bot.runtime.logs import TokenFilter, install_token_filter

TOKEN = "123456789:AAHk1x-Secret_part_of_the_token_0123456789"
SECRET = TOKEN.split(":", 1)[1]
URL = f"https://api.telegram.org/bot{TOKEN}/getUpdates"


def _log(*secrets: str | SecretStr | None) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenFilter(*secrets))
    logger = logging.getLogger(f"test_logs.{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    return logger, stream


def test_message_arguments_and_tracebacks_are_redacted() -> None:
    logger, stream = _log(SecretStr(TOKEN), None)
    logger.error("could not fetch %s", URL)
    logger.warning(f"plain {SECRET} and %-encoded bot123456789%3A{SECRET}")
    try:
        try:
            raise OSError(f"Cannot connect to {URL}")
        except OSError as inner:
            raise RuntimeError("HTTP Client says - ClientDecodeError") from inner
    except RuntimeError:
        logger.exception("update %s failed", 42)
    logger.info("stack of %s", URL, stack_info=True)
    logger.error("broken %s %s", URL)  # wrong argument count: logging's own report
    written = stream.getvalue()
    assert TOKEN not in written and SECRET not in written
    assert "could not fetch https://api.telegram.org/bot[secret]/getUpdates" in written
    assert "Cannot connect to https://api.telegram.org/bot[secret]" in written
    assert "update 42 failed" in written


def test_short_values_are_not_taken_for_secrets() -> None:
    logger, stream = _log("abc", "")
    logger.error("abc stays readable")
    assert stream.getvalue() == "abc stays readable\n"


def test_installed_on_root_handlers_and_uncaught_tracebacks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install_token_filter(TOKEN)
        logging.getLogger("aiogram.dispatcher").error("Failed to fetch updates: %s", URL)
    finally:
        root.removeHandler(handler)
    assert (
        stream.getvalue()
        == "Failed to fetch updates: https://api.telegram.org/bot[secret]/getUpdates\n"
    )

    try:
        raise ConnectionError(URL)
    except ConnectionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    thread = threading.Thread(target=lambda: (_ for _ in ()).throw(ValueError(URL)), name="job")
    thread.start()
    thread.join()
    printed = capsys.readouterr().err
    assert "ConnectionError: https://api.telegram.org/bot[secret]/getUpdates" in printed
    assert "Exception in thread job" in printed and "ValueError" in printed
    assert SECRET not in printed
