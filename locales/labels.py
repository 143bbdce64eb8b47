"""Names of enum values, default categories and deadline rules, the same in every channel:
each channel passes its own `gettext` (aiogram's for the bot, the page's language for the
web). The English words are the catalogs' message ids."""

from collections.abc import Callable

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


KINDS = {
    "report": N_("Report"),
    "proposal": N_("Proposal"),
    "question": N_("Question"),
    "complaint": N_("Complaint"),
    "denunciation": N_("Denunciation"),
}
STATUSES = {
    "new": N_("Received, waiting to be accepted"),
    "acknowledged": N_("Accepted, being handled"),
    "resolved": N_("Answered"),
    "forwarded": N_("Forwarded to the competent body"),
    "rejected": N_("Not accepted for handling"),
    "merged": N_("Merged with another case"),
    "withdrawn": N_("Withdrawn"),
}
DEFAULT_CATEGORIES = {
    "dat_dai": N_("Land"),
    "xay_dung": N_("Construction"),
    "moi_truong": N_("Environment"),
    "giao_thong": N_("Transport"),
    "an_ninh_trat_tu": N_("Public order and security"),
    "thu_tuc_hanh_chinh": N_("Administrative procedures"),
    "chinh_sach_xa_hoi": N_("Social policy"),
    "khac": N_("Other"),
}
RULES = {
    "default": N_("10 working days, Law on Citizen Reception 2013, Article 28"),
    "complaint": N_("Law on Complaints 2011, Articles 27–28"),
    "denunciation": N_("Law on Denunciations 2018, Articles 24 and 30"),
}
REJECT_REASONS = {
    "outside_authority": N_("Not within the commune's authority"),
    "anonymous": N_("Anonymous, the sender cannot be identified"),
    "already_resolved": N_("Already settled before"),
    "duplicate": N_("Same as a case already received"),
    "other": N_("Other reason"),
}
CHANNELS = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "web": N_("Website"),
    "portal": N_("Web portal"),
    "facebook": "Facebook",
    "email": N_("E-mail"),
    "in_person": N_("In person"),
    "phone": N_("Phone call"),
    "mailbox": N_("Suggestion box"),
    "other": N_("Other"),
}
ANSWER_WAYS = {"in_person": N_("in person"), "phone": N_("by phone"), "letter": N_("in writing")}


def kind_label(kind: str, gettext: Gettext) -> str:
    return gettext(KINDS[kind])


def status_label(status: str, gettext: Gettext) -> str:
    return gettext(STATUSES[status])


def category_label(slug: str | None, stored_name: str | None, gettext: Gettext) -> str:
    """Default categories are translated; a commune's own keep the name it gave them."""
    if slug in DEFAULT_CATEGORIES:
        return gettext(DEFAULT_CATEGORIES[slug])
    return stored_name or gettext(DEFAULT_CATEGORIES["khac"])


def rule_label(rule: str, basis: str, gettext: Gettext) -> str:
    """Which rule set a due date, with its legal basis."""
    if rule in RULES:
        return gettext(RULES[rule])
    return f"{rule}: {basis}" if basis else rule


def reject_reason_label(reason: str, gettext: Gettext) -> str:
    return gettext(REJECT_REASONS[reason]) if reason in REJECT_REASONS else reason


def channel_label(channel: str, gettext: Gettext) -> str:
    """Kênh tiếp nhận, as staff say it."""
    return gettext(CHANNELS[channel]) if channel in CHANNELS else channel


def answer_way_label(way: str, gettext: Gettext) -> str:
    """How an answer reached a citizen without Telegram."""
    return gettext(ANSWER_WAYS[way]) if way in ANSWER_WAYS else way
