"""The half-filed case lives in the conversation state as plain JSON."""

from datetime import datetime
from typing import Any

from aiogram.types import Message

from models import AttachmentKind, Channel, Kind
from services.cases.tickets import AttachmentDraft, TicketDraft

MAX_ATTACHMENTS = 30


def attachment_of(message: Message) -> dict[str, Any] | None:
    """The file a message carries, as stored in the draft; None for anything else."""
    caption = message.caption
    group = message.media_group_id
    if message.photo:
        largest = message.photo[-1]
        return _item(AttachmentKind.PHOTO, largest.file_id, largest.file_unique_id, group, caption)
    for kind, media in (
        (AttachmentKind.VIDEO, message.video),
        (AttachmentKind.VOICE, message.voice),
        (AttachmentKind.AUDIO, message.audio),
        (AttachmentKind.DOCUMENT, message.document),
    ):
        if media is not None:
            item = _item(kind, media.file_id, media.file_unique_id, group, caption)
            item["file_name"] = getattr(media, "file_name", None)
            return item
    return None


def _item(
    kind: AttachmentKind, file_id: str, unique_id: str, group: str | None, caption: str | None
) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "file_ref": file_id,
        "file_unique_id": unique_id,
        "media_group": group,
        "caption": caption,
    }


def to_ticket_draft(data: dict[str, Any]) -> TicketDraft:
    return TicketDraft(
        kind=Kind(data["kind"]),
        category_id=data.get("category_id"),
        text=data["text"],
        received_at=datetime.fromisoformat(data["received_at"]),
        channel=Channel.TELEGRAM,
        village_id=data.get("village_id"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        phone=data.get("phone"),
        attachments=[
            AttachmentDraft(
                kind=AttachmentKind(item["kind"]),
                file_ref=item["file_ref"],
                file_unique_id=item.get("file_unique_id"),
                media_group=item.get("media_group"),
                caption=item.get("caption"),
                file_name=item.get("file_name"),
            )
            for item in data.get("attachments", [])
        ],
    )
