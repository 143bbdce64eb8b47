"""Plain-text helpers: UTF-16 lengths, trimming, entities Telegram detects by itself."""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]
WHITESPACE = " \t\r\n"
_DETECTORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bot_command", re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?!\w)")),
    ("url", re.compile(r"(?<![\w@])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'»]", re.IGNORECASE)),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{4,31}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
)
_BLOCKING = {"code", "pre", "text_link", "text_mention", "url", "email", "mention", "bot_command"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def normalize_url(url: str) -> str | None:
    """Telegram's normalisation of a link target, or None when it drops the link."""
    url = url.strip()
    scheme_match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*)://", url)
    if scheme_match is None:
        if not re.match(r"[\w-]+(\.[\w-]+)+", url):
            return None
        url = "http://" + url
    elif scheme_match.group(1).lower() not in {"http", "https", "tg", "ftp", "tonsite"}:
        return None
    rest = url.split("://", 1)[1]
    if not rest:
        return None
    if url.lower().startswith(("http://", "https://")) and "/" not in rest:
        url += "/"
    return url


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def finalize(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace as Telegram does, clipping entities to what is left."""
    stripped_left = text.lstrip(WHITESPACE)
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(WHITESPACE)
    size = utf16_len(result)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return result, sort_entities(kept)


def detect_entities(text: str, existing: list[Entity] | None = None) -> list[Entity]:
    """Entities Telegram adds by itself (commands, links, e-mails, mentions, hashtags)."""
    taken = [
        (e["offset"], e["offset"] + e["length"]) for e in existing or [] if e["type"] in _BLOCKING
    ]
    found: list[Entity] = []
    for kind, pattern in _DETECTORS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group())
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return found


def with_detected(text: str, entities: list[Entity]) -> list[Entity]:
    return sort_entities([*entities, *detect_entities(text, entities)])


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The part of `text` an entity covers."""
    data = text.encode("utf-16-le")
    return data[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")
