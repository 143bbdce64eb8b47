"""Hypothesis strategies for test_fuzz: what people could send the bot, and how an update
could come malformed (no sender, an unknown chat type, entities out of range, a button on a
message too old to be shown)."""

import zlib
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

COMMANDS = (
    "/start", "/new", "/mine", "/status", "/help", "/cancel", "/language", "/mydata",
    "/forget", "/privacy", "/ack", "/assign", "/reply", "/close", "/forward", "/reject",
    "/extend", "/merge", "/note", "/queue", "/find", "/bind", "/log", "/export", "/report",
    "/templates", "/route", "/staff", "/invite", "/start@homthuso_bot", "/unknown",
)  # fmt: skip
WORDS = (
    "Đường", "liên", "thôn", "bị", "sạt", "lở", "đèn", "hỏng", "rác", "dat", "dai", "@lan",
    "+5", "-3", "+999999999999", "31/02/2026", "01/01/2020", "hôm", "qua", "9:00", "c-07060",
    "inv-abc", "c-99999", "0912345678", "dat_dai", "khac", "<b>", "</i>", "&amp;", "\u200b",
)  # fmt: skip
MEDIA = ("photo", "video", "voice", "audio", "document", "sticker", "video_note", "animation")
OTHER = ("location", "venue", "contact", "poll", "dice")
CHAT_TYPES = ("channel", "secret", "", "supergroup", "group", "private", "sender")


@dataclass
class UpdateSpec:
    actor: str
    in_group: bool
    text: str | None = None
    caption: str | None = None
    kind: str = "text"
    album: str | None = None
    callback_data: str | None = None
    pick: int = 0  # which bot message a button press is on, from the newest
    real: int | None = None  # press one of the buttons the bot really shows (drives flows)
    malformed: str | None = None
    chat_type: str = "channel"
    entities: list[dict[str, Any]] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        """The message's content, as Telegram shapes it."""
        n = zlib.crc32(f"{self.kind}{self.text}{self.caption}".encode())
        file = {"file_id": f"AgAD{n}", "file_unique_id": f"u{n}", "file_size": 1000}
        shapes: dict[str, dict[str, Any]] = {
            "text": {"text": self.text or "?"},
            "photo": {"photo": [{**file, "width": 90, "height": 90}]},
            "video": {"video": {**file, "width": 1, "height": 1, "duration": 5}},
            "voice": {"voice": {**file, "duration": 3}},
            "audio": {"audio": {**file, "duration": 3}},
            "document": {"document": {**file, "file_name": "đơn.pdf"}},
            "animation": {
                "animation": {**file, "width": 1, "height": 1, "duration": 1},
                "document": {**file, "file_name": "a.mp4"},
            },
            "sticker": {
                "sticker": {**file, "type": "regular", "width": 512, "height": 512,
                            "is_animated": False, "is_video": False}
            },
            "video_note": {"video_note": {**file, "length": 240, "duration": 4}},
            "location": {"location": {"latitude": 21.03, "longitude": 105.8}},
            "venue": {
                "location": {"latitude": 21.03, "longitude": 105.8},
                "venue": {"location": {"latitude": 21.03, "longitude": 105.8},
                          "title": self.caption or "UBND", "address": "Thôn Yên Phú"},
            },
            "contact": {"contact": {"phone_number": self.text or "+84912345678",
                                    "first_name": "Ai đó"}},
            "poll": {"poll": {"id": str(n), "question": self.caption or "?",
                              "options": [{"persistent_id": f"{n}-0", "text": "Có",
                                           "voter_count": 0}],
                              "total_voter_count": 0, "is_closed": False,
                              "is_anonymous": True, "type": "regular",
                              "allows_multiple_answers": False, "allows_revoting": True,
                              "members_only": False}},
            "dice": {"dice": {"emoji": "🎲", "value": 6}},
        }  # fmt: skip
        content = shapes[self.kind]
        if self.caption is not None and self.kind in MEDIA:
            content["caption"] = self.caption
        if self.album is not None and self.kind in MEDIA:
            content["media_group_id"] = self.album
        return content


def _telegram_text(text: str) -> str:
    """What Telegram would deliver: 1 to 4,096 characters, never blank."""
    return text[:4096] if text.strip() else "."


plain = st.text(max_size=200)  # any code point Telegram carries: control characters too
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
huge = st.builds(lambda piece, n: piece * n, st.text(min_size=1, max_size=9), st.integers(1, 5000))
command = st.builds(
    lambda c, args: " ".join([c, *args]),
    st.sampled_from(COMMANDS),
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(["PA26-0001"]), plain), max_size=4),
)
menu = st.sampled_from(["📝 Gửi phản ánh", "📋 Phản ánh của tôi", "❓ Hướng dẫn", "Bỏ qua"])
texts = st.one_of(plain, sentence, huge, command, menu).map(_telegram_text)
entity = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["bold", "bot_command", "mention", "code", "pre", "url"]),
        "offset": st.integers(-5, 5000),
        "length": st.integers(0, 5000),
    }
)


def callback_data(prefixes: list[str], codes: list[str]) -> st.SearchStrategy[str]:
    part = st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.integers(0, 5).map(str),
        st.sampled_from(["", "send", "no", "details", "ack", "approve", "edit", "next",
                         "submit", "cancel", "true", "false", "vi", "en", "yes", *codes]),
        st.text(max_size=10),
    )  # fmt: skip
    prefixed = st.builds(
        lambda p, parts: ":".join([p, *parts]),
        st.sampled_from(prefixes),
        st.lists(part, max_size=4),
    )
    return st.one_of(prefixed, st.text(min_size=1, max_size=64)).map(
        lambda s: s.encode()[:64].decode(errors="ignore") or "x"  # 1 to 64 bytes
    )


def updates(
    actors: list[str], prefixes: list[str], codes: list[str]
) -> st.SearchStrategy[UpdateSpec]:
    base = {"actor": st.sampled_from(actors), "in_group": st.booleans()}
    message = st.builds(
        UpdateSpec,
        **base,
        text=texts,
        caption=st.none() | texts.map(lambda t: t[:1024]),
        kind=st.sampled_from(("text",) * 6 + MEDIA + OTHER),
        album=st.none() | st.sampled_from(["a1", "a2"]),
        malformed=st.none() | st.sampled_from(["no_sender", "chat_type", "entities"]),
        chat_type=st.sampled_from(CHAT_TYPES),
        entities=st.lists(entity, max_size=3),
    )
    press = st.builds(
        UpdateSpec,
        **base,
        callback_data=callback_data(prefixes, codes),
        pick=st.integers(0, 3),
        real=st.none() | st.integers(0, 20),
        malformed=st.none() | st.sampled_from(["inaccessible", "chat_type"]),
        chat_type=st.sampled_from(CHAT_TYPES),
    )
    return st.one_of(message, press)
