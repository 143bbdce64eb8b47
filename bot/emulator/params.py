"""Method parameters: typed from form/multipart/JSON bodies, with Telegram's complaints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import ApiError, bad_request, required

JSON_FIELDS = {
    "reply_markup": "reply keyboard markup",
    "entities": "entities",
    "caption_entities": "caption entities",
    "media": "media",
    "commands": "commands",
    "scope": "bot command scope",
    "reply_parameters": "reply parameters",
    "link_preview_options": "link preview options",
    "allowed_updates": "allowed updates",
    "message_ids": "message identifiers",
    "options": "poll options",
}
INT_FIELDS = {
    "message_id",
    "from_chat_id",
    "reply_to_message_id",
    "offset",
    "limit",
    "timeout",
    "user_id",
    "message_thread_id",
    "max_connections",
    "cache_time",
    "duration",
    "width",
    "height",
    "live_period",
    "heading",
    "proximity_alert_radius",
}
FLOAT_FIELDS = {"latitude", "longitude", "horizontal_accuracy"}
BOOL_FIELDS = {
    "disable_notification",
    "protect_content",
    "show_alert",
    "drop_pending_updates",
    "allow_sending_without_reply",
    "disable_web_page_preview",
    "has_spoiler",
    "show_caption_above_media",
    "supports_streaming",
    "disable_content_type_detection",
    "allow_paid_broadcast",
    "remove_caption",
}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes)"


def _typed(name: str, value: Any) -> Any:
    if isinstance(value, Upload) or value is None:
        return value
    if name in JSON_FIELDS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {JSON_FIELDS[name]} JSON object") from None
    if not isinstance(value, str):
        return value
    try:
        if name in INT_FIELDS:
            return int(value)
        if name in FLOAT_FIELDS:
            return float(value)
    except ValueError:
        raise bad_request(f"invalid {name} specified") from None
    if name in BOOL_FIELDS and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    if name == "chat_id":
        try:
            return int(value)
        except ValueError:
            return value
    return value


class Params:
    """Typed access to one call's parameters; uploads addressed by `attach://` names."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload] | None = None) -> None:
        self.uploads = dict(uploads or {})
        self.values = {key: _typed(key, value) for key, value in values.items()}
        for key, upload in self.uploads.items():
            self.values.setdefault(key, upload)

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None or value == "" else value

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def need_int(self, name: str, missing: ApiError | None = None) -> int:
        value = self.get_int(name)
        if value is None:
            raise missing or required(name)
        return value

    def message_id(self, name: str = "message_id") -> int:
        return self.need_int(name, bad_request("message identifier is not specified"))

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.get(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request("chat not found")
        return value

    def get_str(self, name: str) -> str | None:
        value = self.get(name)
        return None if value is None else str(value)

    def get_bool(self, name: str) -> bool:
        value = self.get(name)
        if isinstance(value, str):
            return value.lower() in _TRUE
        return bool(value)

    def get_float(self, name: str) -> float:
        value = self.get(name)
        if value is None:
            raise required(name)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def file_ref(self, value: Any) -> str | Upload | None:
        """Resolve an InputFile value: `attach://name`, a direct upload, a file_id or URL."""
        if isinstance(value, Upload) or value is None:
            return value
        if isinstance(value, str) and value.startswith("attach://"):
            upload = self.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return upload
        return str(value)

    def logged(self) -> dict[str, Any]:
        """What the call log keeps: values with `attach://` resolved to the upload."""
        result: dict[str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, str) and value.startswith("attach://"):
                result[key] = self.uploads.get(value.removeprefix("attach://"), value)
            elif key not in self.uploads or key in {
                "photo",
                "document",
                "video",
                "voice",
                "audio",
                "animation",
                "sticker",
            }:
                result[key] = value
        return result
