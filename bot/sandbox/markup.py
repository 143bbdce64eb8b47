"""Telegram text with entities → HTML safe to put into the page (every character escaped,
only our own tags, links only to http(s) and tg: addresses). Newlines become <br>."""

import html
from typing import Any

_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}
_SAFE_SCHEMES = ("http://", "https://", "tg://")


def _link(url: str) -> tuple[str, str]:
    if not url.lower().startswith(_SAFE_SCHEMES):
        return ("", "")
    href = html.escape(url, quote=True)
    return (f'<a href="{href}" target="_blank" rel="noopener noreferrer">', "</a>")


def _tags(entity: dict[str, Any], body: str) -> tuple[str, str]:
    kind = entity.get("type", "")
    if kind in _TAGS:
        return _TAGS[kind]
    if kind == "text_link":
        return _link(str(entity.get("url", "")))
    if kind == "url":
        return _link(body if "://" in body else "https://" + body)
    return ("", "")


def _units(text: str) -> list[str]:
    """The text as UTF-16 code units (entity offsets count those), one str per unit."""
    raw = text.encode("utf-16-le")
    return [raw[i : i + 2].decode("utf-16-le", "surrogatepass") for i in range(0, len(raw), 2)]


def _join(units: list[str]) -> str:
    return "".join(units).encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def to_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    units = _units(text)
    ordered = sorted(entities or [], key=lambda e: (e["offset"], -e["length"]))
    opens: dict[int, list[tuple[int, str, str]]] = {}
    for entity in ordered:
        start, end = entity["offset"], entity["offset"] + entity["length"]
        opening, closing = _tags(entity, _join(units[start:end]))
        if opening:
            opens.setdefault(start, []).append((end, opening, closing))
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (end, closing tag)
    position, run_start = 0, 0

    def flush(upto: int) -> None:
        out.append(html.escape(_join(units[run_start:upto]), quote=False))

    ends = {end for starting in opens.values() for end, _, _ in starting}
    for position in sorted({*opens, *ends}):
        flush(position)
        run_start = position
        while stack and stack[-1][0] <= position:
            out.append(stack.pop()[1])
        for end, opening, closing in opens.get(position, []):
            out.append(opening)
            stack.append((end, closing))
    flush(len(units))
    while stack:
        out.append(stack.pop()[1])
    return "".join(out).replace("\n", "<br>")
