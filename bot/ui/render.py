"""Words the resident and the staff group see about a ticket (current locale)."""

from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.ui.formatting import escape, local_day, local_time
from bot.ui.labels import category_label, kind_label, rule_label, status_label
from services.cases.views import TicketView
from services.communes.divisions import office_name


def _category(view: TicketView) -> str:
    return category_label(view.category_slug, view.category_name)


def receipt_text(view: TicketView, tz: ZoneInfo) -> str:
    lines = [
        _("✅ {commune} has received your case.").format(commune=escape(commune_office(view))),
        "",
        _("Reference code: <b>{code}</b>").format(code=view.code),
        _("Kind: {kind} · Field: {category}").format(
            kind=kind_label(view.kind), category=escape(_category(view))
        ),
        _("Received: {time}").format(time=local_time(view.received_at, tz)),
        _("Acknowledgement due: {day}").format(day=local_day(view.ack_due_at, tz)),
        _("Answer due: <b>{day}</b>").format(day=local_day(view.resolve_due_at, tz)),
        _("({rule})").format(rule=rule_label(view.deadline_rule, view.deadline_basis)),
        "",
        _("You will get a message here when your case moves. To check it: /status {code}").format(
            code=view.code
        ),
    ]
    return "\n".join(lines)


def status_text(view: TicketView, tz: ZoneInfo) -> str:
    lines = [
        _("<b>{code}</b> · {kind} · {category}").format(
            code=view.code, kind=kind_label(view.kind), category=escape(_category(view))
        ),
        _("Status: {status}").format(status=status_label(view.status)),
        _("Received: {time}").format(time=local_time(view.received_at, tz)),
        _("Answer due: {day}").format(day=local_day(view.resolve_due_at, tz)),
    ]
    return "\n".join(lines)


def commune_office(view: TicketView) -> str:
    return _("People's Committee of {commune}").format(commune=office_name(view.commune))
