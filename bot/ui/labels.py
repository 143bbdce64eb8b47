"""Names of enum values and default categories, in the current locale: the tables are
channel-neutral (locales/labels.py); this is the bot's side, with aiogram's gettext."""

from aiogram.utils.i18n import gettext as _

from locales import labels
from models import Kind, TicketStatus


def kind_label(kind: Kind) -> str:
    return labels.kind_label(kind, _)


def status_label(status: TicketStatus) -> str:
    return labels.status_label(status, _)


def category_label(slug: str | None, stored_name: str | None) -> str:
    """Default categories are translated; a commune's own keep the name it gave them."""
    return labels.category_label(slug, stored_name, _)


def rule_label(rule: str, basis: str = "") -> str:
    """Which rule set a due date, with its legal basis."""
    return labels.rule_label(rule, basis, _)


def reject_reason_label(reason: str) -> str:
    return labels.reject_reason_label(reason, _)


def status_icon(status: TicketStatus) -> str:
    return {
        TicketStatus.NEW: "🆕",
        TicketStatus.ACKNOWLEDGED: "🔧",
        TicketStatus.RESOLVED: "✅",
        TicketStatus.FORWARDED: "↪️",
        TicketStatus.REJECTED: "⛔",
        TicketStatus.MERGED: "🔗",
        TicketStatus.WITHDRAWN: "↩️",
    }[status]


def channel_label(channel: str) -> str:
    """Kênh tiếp nhận, as staff say it."""
    return labels.channel_label(channel, _)


def answer_way_label(way: str) -> str:
    """How an answer reached a citizen without Telegram."""
    return labels.answer_way_label(way, _)


def answered_text(data: dict[str, str]) -> str:
    """ "in person, 21/11/2026": how and when an answer reached a citizen without Telegram."""
    day = "/".join(reversed(data["answered_on"].split("-")))
    return _("{way}, {day}").format(way=answer_way_label(data["answered_via"]), day=day)
