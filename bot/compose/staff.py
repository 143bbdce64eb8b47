"""Outbox composers for the staff desk (registered when bot.compose.dispatch imports them)."""

from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.parts import Outgoing, composer, text_messages
from bot.ui.formatting import escape
from config.context import AppContext
from models import Notification, NotificationKind


@composer(NotificationKind.STAFF_REMOVED)
async def _staff_removed(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    """To the group: who is no longer staff, and which of their cases need a new assignee."""
    name = str(notification.payload.get("staff_name") or "")
    codes = [str(code) for code in notification.payload.get("codes", [])]
    header = _("👤 {name} is no longer on the commune's staff.").format(name=escape(name))
    if not codes:
        return [Outgoing("text", {"text": header + "\n" + _("They had no open cases.")})]
    needing = _("These {count} open case(s) are unassigned again and need a new assignee:")
    return text_messages(f"{header}\n{needing.format(count=len(codes))}", ", ".join(codes), None)
