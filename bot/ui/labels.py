"""Names of enum values and default categories, in the current locale."""

from aiogram.utils.i18n import gettext as _

from models import Kind, TicketStatus


def kind_label(kind: Kind) -> str:
    return {
        Kind.REPORT: _("Report"),
        Kind.PROPOSAL: _("Proposal"),
        Kind.QUESTION: _("Question"),
        Kind.COMPLAINT: _("Complaint"),
        Kind.DENUNCIATION: _("Denunciation"),
    }[kind]


def status_label(status: TicketStatus) -> str:
    return {
        TicketStatus.NEW: _("Received, waiting to be accepted"),
        TicketStatus.ACKNOWLEDGED: _("Accepted, being handled"),
        TicketStatus.RESOLVED: _("Answered"),
        TicketStatus.FORWARDED: _("Forwarded to the competent body"),
        TicketStatus.REJECTED: _("Not accepted for handling"),
        TicketStatus.MERGED: _("Merged with another case"),
        TicketStatus.WITHDRAWN: _("Withdrawn"),
    }[status]


def category_label(slug: str | None, stored_name: str | None) -> str:
    """Default categories are translated; a commune's own keep the name it gave them."""
    names = {
        "dat_dai": _("Land"),
        "xay_dung": _("Construction"),
        "moi_truong": _("Environment"),
        "giao_thong": _("Transport"),
        "an_ninh_trat_tu": _("Public order and security"),
        "thu_tuc_hanh_chinh": _("Administrative procedures"),
        "chinh_sach_xa_hoi": _("Social policy"),
        "khac": _("Other"),
    }
    if slug in names:
        return names[slug]
    return stored_name or _("Other")


def rule_label(rule: str, basis: str = "") -> str:
    """Which rule set a due date, with its legal basis."""
    known = {
        "default": _("10 working days, Law on Citizen Reception 2013, Article 28"),
        "complaint": _("Law on Complaints 2011, Articles 27–28"),
        "denunciation": _("Law on Denunciations 2018, Articles 24 and 30"),
    }
    return known.get(rule) or (f"{rule}: {basis}" if basis else rule)


def reject_reason_label(reason: str) -> str:
    return {
        "outside_authority": _("Not within the commune's authority"),
        "anonymous": _("Anonymous, the sender cannot be identified"),
        "already_resolved": _("Already settled before"),
        "duplicate": _("Same as a case already received"),
        "other": _("Other reason"),
    }.get(reason, reason)


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
    return {
        "telegram": "Telegram",
        "zalo": "Zalo",
        "web": _("Website"),
        "portal": _("Web portal"),
        "facebook": "Facebook",
        "email": _("E-mail"),
        "in_person": _("In person"),
        "phone": _("Phone call"),
        "mailbox": _("Suggestion box"),
        "other": _("Other"),
    }.get(channel, channel)


def answer_way_label(way: str) -> str:
    """How an answer reached a citizen without Telegram."""
    return {
        "in_person": _("in person"),
        "phone": _("by phone"),
        "letter": _("in writing"),
    }.get(way, way)


def answered_text(data: dict[str, str]) -> str:
    """ "in person, 21/11/2026": how and when an answer reached a citizen without Telegram."""
    day = "/".join(reversed(data["answered_on"].split("-")))
    return _("{way}, {day}").format(way=answer_way_label(data["answered_via"]), day=day)
