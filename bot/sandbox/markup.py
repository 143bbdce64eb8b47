"""Telegram text with entities → HTML safe to put into the page (every character escaped,
only our own tags, links only to http(s) and tg: addresses). Newlines become <br>.

aiogram's HTML decoration walks the entities (UTF-16 offsets, nesting) as it does for the
bot's own messages; this one differs where a browser is not Telegram: links open in a new
tab and only with a safe scheme, a spoiler is a styled span, Telegram's own tags are
dropped, and a bare URL in the text becomes a link."""

import html
from typing import Any

from aiogram.types import MessageEntity
from aiogram.utils.text_decorations import HtmlDecoration

_SAFE_SCHEMES = ("http://", "https://", "tg://")


class _PageDecoration(HtmlDecoration):
    def apply_entity(self, entity: MessageEntity, text: str) -> str:
        if entity.type == "url":  # "example.org" as written in the text
            address = html.unescape(text)
            return self.link(text, address if "://" in address else "https://" + address)
        if entity.type in ("custom_emoji", "date_time"):
            return text
        return super().apply_entity(entity, text)

    def link(self, value: str, link: str) -> str:
        if not link.lower().startswith(_SAFE_SCHEMES):
            return value
        href = html.escape(link, quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{value}</a>'

    def spoiler(self, value: str) -> str:
        return f'<span class="spoiler">{value}</span>'

    def pre_language(self, value: str, language: str) -> str:
        return self.pre(value)

    def expandable_blockquote(self, value: str) -> str:
        return self.blockquote(value)


_PAGE = _PageDecoration()


def to_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    parsed = [MessageEntity.model_validate(e) for e in entities or []]
    return _PAGE.unparse(text, parsed).replace("\n", "<br>")
