"""What a resident is told of their case, in few words: a push notification's title and
line, or an SMS. The case's page says the rest."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from locales.catalogs import translation
from locales.labels import Gettext, reject_reason_label
from models import Commune, EventKind, Notification, NotificationKind, Ticket, TicketEvent
from services.communes.divisions import office_name


@dataclass(frozen=True)
class News:
    title: str
    body: str
    sms: str  # the same, with where to look the case up (an SMS has no link to the page)


def _day(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y")


def _iso_day(moment: object, tz: ZoneInfo) -> str:
    try:
        return _day(datetime.fromisoformat(str(moment)), tz)
    except ValueError:
        return ""


def _update(event: TicketEvent | None, tz: ZoneInfo, _: Gettext) -> str:
    kind = event.kind if event else None
    data = event.data if event else {}
    if kind is EventKind.ACKNOWLEDGED:
        return _("The commune accepted your case for handling.")
    if kind is EventKind.ASSIGNED:
        return _("An officer was put in charge of your case.")
    if kind is EventKind.REPLIED:
        return _("The commune answered your case. Open its page to read the answer.")
    if kind is EventKind.RESOLVED:
        return _("The commune answered and closed your case. Open its page to read the answer.")
    if kind is EventKind.FORWARDED:
        return _("Forwarded to the competent body: {to}").format(to=data.get("to", ""))
    if kind is EventKind.REJECTED:
        reason = reject_reason_label(str(data.get("reason", "other")), _)
        return _("Not accepted for handling: {reason}").format(reason=reason)
    if kind is EventKind.EXTENDED:
        return _("The answer is now due on {day}.").format(day=_iso_day(data.get("to"), tz))
    if kind is EventKind.MERGED:
        return _("Merged with case {code}, which is handled for both.").format(
            code=data.get("into", "")
        )
    return _("There is news of your case. Open its page to see it.")


def compose(
    notification: Notification,
    ticket: Ticket,
    commune: Commune,
    event: TicketEvent | None,
    *,
    language: str,
    tz: ZoneInfo,
    public_url: str,
) -> News:
    _ = translation(language).gettext
    if notification.kind is NotificationKind.RECEIPT:
        body = _("Your case was received. The answer is due by {day}.").format(
            day=_day(ticket.resolve_due_at, tz)
        )
    elif notification.kind is NotificationKind.APOLOGY_LETTER:
        body = _("The commune sent you a letter of apology for the late answer.")
    else:
        body = _update(event, tz, _)
    title = _("{code} · People's Committee of {commune}").format(
        code=ticket.code, commune=office_name(commune)
    )
    lookup = f"{public_url}/x/{commune.code}/tra-cuu"
    sms = _("{title}: {news} Look it up at {url} with the code and your phone number.").format(
        title=title, news=body, url=lookup
    )
    return News(title=title, body=body, sms=sms)
