"""File objects (PhotoSize arrays, Document, Video, …) backed by the server's file store."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import ApiError, bad_request
from bot.emulator.params import Upload
from bot.emulator.state import FileRecord, State

UPLOAD_LIMIT, PHOTO_LIMIT, DOWNLOAD_LIMIT = 50 * 1024 * 1024, 10 * 1024 * 1024, 20 * 1024 * 1024
PHOTO_SIZES = ((90, 68), (320, 240), (1280, 960))
MIME = {
    "photo": "image/jpeg",
    "video": "video/mp4",
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "sticker": "image/webp",
    "animation": "video/mp4",
}


def fake_bytes(kind: str, n: int) -> bytes:
    header = b"\xff\xd8\xff\xe0" if kind == "photo" else b""
    return header + f"fake {kind} content #{n}".encode()


def file_fields(record: FileRecord) -> dict[str, Any]:
    return {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "file_size": len(record.data),
    }


def photo_sizes(state: State, data: bytes) -> list[dict[str, Any]]:
    sizes = []
    for width, height in PHOTO_SIZES:
        record = state.files.add("photo", data, mime_type="image/jpeg")
        sizes.append({**file_fields(record), "width": width, "height": height})
    for size in sizes:
        state.photo_sets[size["file_id"]] = sizes
    return sizes


def media_object(
    state: State,
    kind: str,
    record: FileRecord,
    *,
    duration: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Any:
    """The Bot API object for a file of `kind` (a list of sizes for photos)."""
    if kind == "photo":
        return state.photo_sets.get(record.file_id) or photo_sizes(state, record.data)
    obj = file_fields(record)
    if record.file_name and kind in {"document", "audio", "video", "animation"}:
        obj["file_name"] = record.file_name
    if record.mime_type or kind in MIME:
        obj["mime_type"] = record.mime_type or MIME[kind]
    if kind in {"video", "animation"}:
        obj.update(width=1280, height=720)
    if kind in {"video", "voice", "audio", "animation"}:
        obj["duration"] = duration if duration is not None else 5
    if kind == "sticker":
        obj.update(
            type="regular", width=512, height=512, is_animated=False, is_video=False, emoji="👍"
        )
        obj.pop("mime_type", None)
    obj.update(extra or {})
    return obj


def store_upload(state: State, kind: str, upload: Upload) -> FileRecord:
    limit = PHOTO_LIMIT if kind == "photo" else UPLOAD_LIMIT
    if len(upload.data) > limit:
        raise ApiError(413, "Request Entity Too Large")
    if not upload.data:
        raise bad_request("file must be non-empty")
    mime = upload.content_type if upload.content_type != "application/octet-stream" else None
    return state.files.add(kind, upload.data, file_name=upload.filename, mime_type=mime)


def resolve_input_file(state: State, kind: str, ref: str | Upload) -> FileRecord:
    """An upload, an http(s) URL (fetched as placeholder bytes) or a known file_id."""
    if isinstance(ref, Upload):
        return store_upload(state, kind, ref)
    if ref.startswith(("http://", "https://")):
        name = ref.rstrip("/").rsplit("/", 1)[-1] or None
        return state.files.add(kind, fake_bytes(kind, 0), file_name=name)
    record = state.files.get(ref)
    if record is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return record
