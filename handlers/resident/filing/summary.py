"""The review screen: everything the resident is about to send, in their words."""

from typing import Any

from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.formatting import escape
from bot.ui.labels import category_label, kind_label
from models import Category, Kind, Village

PREVIEW_CHARS = 1500


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


async def summary_text(data: dict[str, Any], session: AsyncSession) -> str:
    category = await session.get(Category, data["category_id"]) if data.get("category_id") else None
    village = await session.get(Village, data["village_id"]) if data.get("village_id") else None
    files = len(data.get("attachments", []))
    none = _("(none)")
    lines = [
        _("Kind: {kind}").format(kind=kind_label(Kind(data["kind"]))),
        _("Field: {category}").format(
            category=escape(category_label(category.slug, category.name) if category else none)
        ),
        _("Content: {text}").format(text=escape(_preview(data.get("text", "")))),
        _("Photos, files: {count}").format(count=files),
        _("Location: {where}").format(
            where=_("sent") if data.get("latitude") is not None else none
        ),
    ]
    if village is not None:
        lines.append(_("Village: {village}").format(village=escape(village.name)))
    lines.append(_("Phone number: {phone}").format(phone=escape(data.get("phone") or none)))
    lines += [
        "",
        _(
            "By tapping Send you agree that the commune keeps these details to handle your "
            "case (see /privacy)."
        ),
    ]
    return "\n".join(lines)
