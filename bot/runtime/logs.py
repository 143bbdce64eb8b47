"""Secrets never reach the log: the bot token rides in every Bot API URL
(`…/bot<token>/getUpdates`), and aiohttp's and aiogram's errors can carry that URL, or the
body of a proxy's error page that quotes it.

`install_token_filter` redacts the token, and its secret part alone (so `bot<id>:<secret>`
and any encoding of the colon are covered), from every record the root logger's handlers
write: message, arguments, traceback and stack. Tracebacks that bypass logging (a crash
out of `asyncio.run`, an exception in a thread) go through the same redaction.
"""

import logging
import re
import sys
import threading
import traceback
from types import TracebackType

from pydantic import SecretStr

REDACTED = "[secret]"
MIN_SECRET = 8  # shorter values would garble ordinary words; a real token is 40+ characters


def _plain(secret: SecretStr | str | None) -> str:
    return secret.get_secret_value() if isinstance(secret, SecretStr) else (secret or "")


class TokenFilter(logging.Filter):
    def __init__(self, *secrets: SecretStr | str | None) -> None:
        super().__init__()
        parts: set[str] = set()
        for secret in (_plain(s).strip() for s in secrets):
            parts.add(secret)
            if ":" in secret:  # a bot token: <bot id>:<secret>
                parts.add(secret.split(":", 1)[1])
        kept = sorted((p for p in parts if len(p) >= MIN_SECRET), key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, kept))) if kept else None

    def redact(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # bad arguments: logging would print them raw in its error report
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_token_filter(*secrets: SecretStr | str | None) -> TokenFilter:
    """Call right after logging.basicConfig(): handlers added later are not covered."""
    token_filter = TokenFilter(*secrets)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TokenFilter) for f in handler.filters):
            handler.addFilter(token_filter)

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(token_filter.redact("".join(traceback.format_exception(kind, exc, tb))))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread else "?"
        text = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        sys.stderr.write(token_filter.redact(f"Exception in thread {name}:\n{text}"))

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    return token_filter
