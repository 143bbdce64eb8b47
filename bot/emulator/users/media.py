"""The non-text things a FakeUser can send: photos, albums, files, polls, places, contacts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.emulator.media import fake_bytes, media_object, photo_sizes
from bot.emulator.state import State, UserState
from bot.emulator.users.group_chat import FakeChat
from bot.emulator.users.inject import Date

HANOI = (21.028511, 105.804817)


class MediaActions:
    """Mixed into FakeUser; `_write` stores and delivers the message."""

    _state: State
    user: UserState

    def _write(
        self,
        fields: dict[str, Any],
        chat: FakeChat | int | None,
        date: Date,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError

    def _file(self, kind: str, data: bytes | None, **extra: Any) -> Any:
        n = self._state.next_id("user_file", 1)
        content = data if data is not None else fake_bytes(kind, n)
        if kind == "photo":
            return photo_sizes(self._state, content)
        record = self._state.files.add(
            kind,
            content,
            file_name=extra.pop("file_name", None),
            mime_type=extra.pop("mime_type", None),
        )
        return media_object(
            self._state, kind, record, duration=extra.pop("duration", None), extra=extra
        )

    def send_photo(
        self,
        caption: str | None = None,
        *,
        chat: FakeChat | int | None = None,
        media_group_id: str | None = None,
        date: Date = None,
        data: bytes | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {"photo": self._file("photo", data)}
        if media_group_id:
            fields["media_group_id"] = media_group_id
        if caption:
            fields["caption"] = caption
        return self._write(fields, chat, date, reply_to)

    def send_album(
        self,
        count: int = 3,
        caption: str | None = None,
        *,
        chat: FakeChat | int | None = None,
        date: Date = None,
    ) -> list[dict[str, Any]]:
        """`count` photo messages sharing a media_group_id; the caption sits on the first."""
        group_id = str(self._state.next_id("user_album", 13_500_000_000_000_001))
        return [
            self.send_photo(
                caption if i == 0 else None, chat=chat, media_group_id=group_id, date=date
            )
            for i in range(count)
        ]

    def send_video(
        self,
        caption: str | None = None,
        *,
        duration: int = 5,
        chat: FakeChat | int | None = None,
        date: Date = None,
        data: bytes | None = None,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {"video": self._file("video", data, duration=duration)}
        if caption:
            fields["caption"] = caption
        return self._write(fields, chat, date)

    def send_voice(
        self,
        *,
        duration: int = 3,
        chat: FakeChat | int | None = None,
        date: Date = None,
        data: bytes | None = None,
    ) -> dict[str, Any]:
        return self._write({"voice": self._file("voice", data, duration=duration)}, chat, date)

    def send_document(
        self,
        file_name: str = "a.pdf",
        caption: str | None = None,
        *,
        mime_type: str | None = "application/pdf",
        chat: FakeChat | int | None = None,
        date: Date = None,
        data: bytes | None = None,
    ) -> dict[str, Any]:
        document = self._file("document", data, file_name=file_name, mime_type=mime_type)
        fields: dict[str, Any] = {"document": document}
        if caption:
            fields["caption"] = caption
        return self._write(fields, chat, date)

    def send_sticker(
        self, *, chat: FakeChat | int | None = None, date: Date = None
    ) -> dict[str, Any]:
        return self._write({"sticker": self._file("sticker", None)}, chat, date)

    def send_poll(
        self,
        question: str = "Ý kiến của bạn?",
        options: Sequence[str] = ("Có", "Không"),
        *,
        chat: FakeChat | int | None = None,
        date: Date = None,
    ) -> dict[str, Any]:
        poll_id = str(self._state.next_id("poll", 5_000_000_000_000_000_001))
        poll = {
            "id": poll_id,
            "question": question,
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": True,
            "members_only": False,
            "options": [
                {"persistent_id": f"{poll_id}-{i}", "text": text, "voter_count": 0}
                for i, text in enumerate(options)
            ],
        }
        return self._write({"poll": poll}, chat, date)

    def send_location(
        self,
        latitude: float = HANOI[0],
        longitude: float = HANOI[1],
        *,
        chat: FakeChat | int | None = None,
        date: Date = None,
    ) -> dict[str, Any]:
        return self._write({"location": {"latitude": latitude, "longitude": longitude}}, chat, date)

    def send_contact(
        self,
        phone: str = "0912345678",
        *,
        own: bool = True,
        first_name: str | None = None,
        last_name: str | None = None,
        chat: FakeChat | int | None = None,
        date: Date = None,
    ) -> dict[str, Any]:
        """A shared contact; own=True is the "share my phone number" case (user_id = sender)."""
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": first_name or self.user.first_name,
        }
        last = last_name if last_name is not None else (self.user.last_name if own else None)
        if last:
            contact["last_name"] = last
        if own:
            contact["user_id"] = self.user.id
        return self._write({"contact": contact}, chat, date)
