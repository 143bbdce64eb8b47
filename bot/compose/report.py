"""Words of the reports in chat: a draft for a leader (with "Duyệt gửi" / "Sửa" and the
.docx), the leaders told it went out, and the report itself in the superior level's chat."""

from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.parts import Outgoing, composer, text_messages
from bot.ui.callbacks import ReportAction
from bot.ui.formatting import escape
from config.context import AppContext
from models import (
    Commune,
    Notification,
    NotificationKind,
    ReportStatus,
    ReportVersion,
    Staff,
)
from reports.issuing import file_name
from reports.sections import unusable
from services.reporting.settings import section_overrides, superiors_for

CAPTION_LIMIT = 1024
EDITABLE = ("basis", "direction", "situation", "difficulties", "proposals", "closing")


def section_names() -> dict[str, str]:
    return {
        "basis": _("Opening (on what basis)"),
        "direction": _("1. Direction and management"),
        "situation": _("2. Situation (before the figures)"),
        "difficulties": _("3. Shortcomings and difficulties"),
        "proposals": _("4. Proposals"),
        "closing": _("Closing"),
    }


def draft_keyboard(version: ReportVersion) -> InlineKeyboardMarkup:
    def button(text: str, action: str) -> InlineKeyboardButton:
        data = ReportAction(version_id=version.id or 0, action=action)
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(_("✅ Approve and send"), "approve"), button(_("✏️ Change"), "edit")]
        ]
    )


def sections_keyboard(version: ReportVersion) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=name,
                callback_data=ReportAction(
                    version_id=version.id or 0, action="section", section=section
                ).pack(),
            )
        ]
        for section, name in section_names().items()
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _loaded(
    session: AsyncSession, notification: Notification
) -> tuple[ReportVersion, Commune] | None:
    version = await session.get(ReportVersion, notification.payload.get("version_id"))
    commune = await session.get(Commune, notification.commune_id)
    if version is None or commune is None:
        return None
    return version, commune


def _document(version: ReportVersion, commune: Commune, caption: str) -> Outgoing:
    upload = BufferedInputFile(version.docx or b"", filename=file_name(version, commune.name))
    params: dict[str, object] = {"document": upload}
    if caption:
        params["caption"] = escape(caption[: CAPTION_LIMIT - 50])
    return Outgoing("document", params, reply_to_first=True)


async def _recipients(session: AsyncSession, commune_id: int) -> str:
    names = [s.short_name or s.name for s in await superiors_for(session, commune_id)]
    return ", ".join(names)


@composer(NotificationKind.REPORT_DRAFT)
async def _draft(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    loaded = await _loaded(session, notification)
    if loaded is None:
        return []
    version, commune = loaded
    title = f"<b>{escape(version.title)}</b>"
    if version.status is not ReportStatus.DRAFT:  # decided before this copy went out
        header = _("📄 Report {title} (already decided: see the latest version).").format(
            title=title
        )
        return text_messages(header, version.summary, None)
    whom = await _recipients(session, version.commune_id)
    header = _(
        "📄 Draft report (version {number}): {title}. Read the attached file; approve it to "
        "send it to {whom}, or edit a section."
    ).format(
        number=version.version,
        title=title,
        whom=escape(whom)
        if whom
        else _(
            "(no superior level set yet: the system administrator adds it on the server, "
            "with the command pakn superior add)"
        ),
    )
    skipped = unusable(await section_overrides(session, version.commune_id), version.sections)
    if skipped:
        names = section_names()
        header += "\n\n" + _(
            "⚠️ The text saved for {sections} was written with template code (conditions, "
            "loops or filters), which a section can no longer hold: this draft uses the "
            "default text there. Use “✏️ Change” to write it again as plain text."
        ).format(sections=escape(", ".join(f"“{names.get(s, s)}”" for s in skipped)))
    messages = text_messages(header, version.summary, draft_keyboard(version))
    return [*messages, _document(version, commune, version.title)]


@composer(NotificationKind.REPORT_DONE)
async def _done(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    loaded = await _loaded(session, notification)
    if loaded is None:
        return []
    version, _commune = loaded
    title = f"<b>{escape(version.title)}</b>"
    if not notification.payload.get("deliveries"):
        text = _(
            "⚠️ Report {title} is ready but has nowhere to go: no superior level has a "
            "Telegram chat or an e-mail address. An administrator sets one with "
            "pakn superior add; the file is kept (pakn report versions)."
        ).format(title=title)
        return [Outgoing("text", {"text": text})]
    approver = await session.get(Staff, version.approved_by_id) if version.approved_by_id else None
    whom = escape(await _recipients(session, version.commune_id))
    if approver is not None:
        text = _("✅ Report {title} was approved by {name} and sent to {whom}.").format(
            title=title, name=escape(approver.name), whom=whom
        )
    else:
        text = _("✅ Report {title} was sent to {whom} on schedule.").format(title=title, whom=whom)
    return [Outgoing("text", {"text": text})]


@composer(NotificationKind.REPORT_SENT)
async def _to_superior(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    loaded = await _loaded(session, notification)
    if loaded is None:
        return []
    version, commune = loaded
    header = _("📄 {commune} sends its report: {title}").format(
        commune=escape(commune.name), title=f"<b>{escape(version.title)}</b>"
    )
    return [*text_messages(header, version.summary, None), _document(version, commune, "")]
