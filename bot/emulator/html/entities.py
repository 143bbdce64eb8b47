"""Telegram's HTML subset, parsed the way the Bot API does (after tdlib's parse_html).

`parse_html` turns the source into plain text plus MessageEntity dicts (UTF-16 offsets)
and raises `HtmlParseError` with Telegram's wording for malformed markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator.html.lexer import HtmlParseError, decode_entity, parse_attributes
from bot.emulator.html.text import normalize_url, utf16_len

Entity = dict[str, Any]
UserLookup = Callable[[int], dict[str, Any] | None]

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
SUPPORTED_TAGS = {*SIMPLE_TAGS, "a", "code", "pre", "span", "tg-emoji", "blockquote"}


@dataclass
class _Open:
    name: str
    argument: str | None
    offset: int  # UTF-16 offset in the plain text
    out_index: int  # index in the output pieces, to recover the inner text
    byte_pos: int


class _Parser:
    def __init__(self, src: str, strict_ampersand: bool, users: UserLookup | None) -> None:
        self.src, self.strict, self.users = src, strict_ampersand, users
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []

    def byte(self, pos: int) -> int:
        return len(self.src[:pos].encode())

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.u16 += utf16_len(text)

    def run(self) -> tuple[str, list[Entity]]:
        src, pos = self.src, 0
        while pos < len(src):
            char = src[pos]
            if char == "&":
                decoded = decode_entity(src, pos)
                if decoded is None and self.strict:
                    raise HtmlParseError(
                        f'Character "&" must be escaped as "&amp;" at byte offset {self.byte(pos)}'
                    )
                text, pos = decoded if decoded else ("&", pos + 1)
                self.emit(text)
            elif char != "<":
                self.emit(char)
                pos += 1
            elif src.startswith("</", pos):
                pos = self.end_tag(pos)
            else:
                pos = self.start_tag(pos)
        if self.stack:
            name = self.stack[-1].name
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        return "".join(self.out), self.entities

    def end_tag(self, start: int) -> int:
        src, end = self.src, start + 2
        while end < len(src) and not src[end].isspace() and src[end] != ">":
            end += 1
        name = src[start + 2 : end].lower()
        while end < len(src) and src[end].isspace():
            end += 1
        if end >= len(src) or src[end] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte(start)}")
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte(start)}")
        top = self.stack.pop()
        if name and name != top.name:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {self.byte(start)}, "
                f'expected "</{top.name}>", found "</{name}>"'
            )
        self.close(top)
        return end + 1

    def start_tag(self, start: int) -> int:
        src, end = self.src, start + 1
        while end < len(src) and not src[end].isspace() and src[end] != ">":
            end += 1
        if end >= len(src):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte(start)}")
        name = src[start + 1 : end].lower()
        if name not in SUPPORTED_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte(start)}'
            )
        attrs, end = parse_attributes(src, end, name, start, self.byte)
        argument: str | None = None
        if name == "a":
            argument = attrs.get("href")
        elif name == "code" and attrs.get("class", "").startswith("language-"):
            argument = attrs["class"].removeprefix("language-")
        elif name == "span":
            if attrs.get("class") != "tg-spoiler":
                raise HtmlParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte(start)}'
                )
        elif name == "tg-emoji":
            argument = attrs.get("emoji-id", "")
        elif name == "blockquote" and "expandable" in attrs:
            argument = "expandable"
        self.stack.append(_Open(name, argument, self.u16, len(self.out), start))
        return end

    def close(self, top: _Open) -> None:
        length = self.u16 - top.offset
        if top.name == "tg-emoji" and not (top.argument or "").isdigit():
            raise HtmlParseError("Invalid custom emoji identifier specified")
        if length <= 0:
            return
        entity: Entity = {"offset": top.offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (top.offset, length)
        if top.name in SIMPLE_TAGS or top.name == "span":
            entity["type"] = SIMPLE_TAGS.get(top.name, "spoiler")
        elif top.name == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=top.argument)
        elif top.name == "blockquote":
            entity["type"] = "expandable_blockquote" if top.argument else "blockquote"
        elif top.name == "pre" and same_span and last is not None and last["type"] == "code":
            last["type"] = "pre"
            return
        elif top.name == "pre":
            entity["type"] = "pre"
        elif top.name == "code":
            entity["type"] = "code"
            if top.argument:
                entity["language"] = top.argument
        elif not self.link(entity, top):
            return
        self.entities.append(entity)

    def link(self, entity: Entity, top: _Open) -> bool:
        url = top.argument if top.argument is not None else "".join(self.out[top.out_index :])
        mention = re.fullmatch(r"tg://user\?id=(\d+)", url.strip())
        if mention:
            user = self.users(int(mention.group(1))) if self.users else None
            entity.update(type="text_mention", user=user)
            return user is not None
        normalized = normalize_url(url)
        entity.update(type="text_link", url=normalized)
        return normalized is not None


def parse_html(
    source: str, *, strict_ampersand: bool = True, users: UserLookup | None = None
) -> tuple[str, list[Entity]]:
    """Plain text and entities (not yet trimmed; see `finalize`)."""
    return _Parser(source, strict_ampersand, users).run()
