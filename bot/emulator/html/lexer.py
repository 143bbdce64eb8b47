"""Lexing pieces of Telegram's HTML: character entities and start-tag attributes."""

from __future__ import annotations

import re
from collections.abc import Callable

NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


class HtmlParseError(ValueError):
    """Markup Telegram would refuse; str(error) follows "can't parse entities: "."""


def decode_entity(src: str, pos: int) -> tuple[str, int] | None:
    """The character an HTML entity at `pos` stands for and the index after it."""
    match = _ENTITY_RE.match(src, pos)
    if match is None:
        return None
    dec, hexa, name = match.groups()
    if name is not None:
        char = NAMED_ENTITIES.get(name)
        return (char, match.end()) if char else None
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def decode_attribute(raw: str) -> str:
    pieces, pos = [], 0
    while pos < len(raw):
        decoded = decode_entity(raw, pos) if raw[pos] == "&" else None
        char, pos = decoded if decoded else (raw[pos], pos + 1)
        pieces.append(char)
    return "".join(pieces)


def parse_attributes(
    src: str, pos: int, tag: str, start: int, byte: Callable[[int], int]
) -> tuple[dict[str, str], int]:
    """Attributes of a start tag from `pos` (after the name) and the index after its `>`."""
    attrs: dict[str, str] = {}
    unclosed = HtmlParseError(f"Unclosed start tag at byte offset {byte(start)}")
    while True:
        while pos < len(src) and src[pos].isspace():
            pos += 1
        if pos >= len(src):
            raise unclosed
        if src[pos] == ">":
            return attrs, pos + 1
        name_end = pos
        while name_end < len(src) and not src[name_end].isspace() and src[name_end] not in "=>/\"'":
            name_end += 1
        name = src[pos:name_end].lower()
        if not name:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {byte(start)}'
            )
        pos = name_end
        while pos < len(src) and src[pos].isspace():
            pos += 1
        if pos >= len(src):
            raise unclosed
        if src[pos] != "=":
            attrs[name] = ""
            continue
        pos += 1
        while pos < len(src) and src[pos].isspace():
            pos += 1
        if pos >= len(src):
            raise unclosed
        if src[pos] in "\"'":
            close = src.find(src[pos], pos + 1)
            if close < 0:
                raise unclosed
            attrs[name] = decode_attribute(src[pos + 1 : close])
            pos = close + 1
            continue
        value_end = pos
        while value_end < len(src) and (
            (src[value_end].isascii() and src[value_end].isalnum()) or src[value_end] in ".-"
        ):
            value_end += 1
        if value_end >= len(src):
            raise unclosed
        if not src[value_end].isspace() and src[value_end] != ">":
            raise HtmlParseError(f"Unexpected end of name token at byte offset {byte(value_end)}")
        attrs[name] = src[pos:value_end].lower()
        pos = value_end
