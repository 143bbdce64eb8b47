"""Enumerations shared by the models, the services and the reports.

Values are the stable strings stored in the database and used in exports; what people
see is translated in the locale files.
"""

from enum import StrEnum


class Kind(StrEnum):
    REPORT = "report"  # phản ánh
    PROPOSAL = "proposal"  # kiến nghị
    QUESTION = "question"  # hỏi đáp
    COMPLAINT = "complaint"  # khiếu nại
    DENUNCIATION = "denunciation"  # tố cáo


class Channel(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"
    WEB = "web"
    PORTAL = "portal"
    FACEBOOK = "facebook"
    EMAIL = "email"
    IN_PERSON = "in_person"
    PHONE = "phone"
    MAILBOX = "mailbox"
    OTHER = "other"

    @property
    def is_digital(self) -> bool:
        return self in DIGITAL_CHANNELS


DIGITAL_CHANNELS = frozenset(
    {Channel.TELEGRAM, Channel.ZALO, Channel.WEB, Channel.PORTAL, Channel.FACEBOOK, Channel.EMAIL}
)


class TicketStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    FORWARDED = "forwarded"
    REJECTED = "rejected"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({TicketStatus.NEW, TicketStatus.ACKNOWLEDGED})


class Role(StrEnum):
    OFFICER = "officer"
    LEADER = "leader"
    ADMIN = "admin"


class ActorType(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"


class EventKind(StrEnum):
    CREATED = "created"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    REPLIED = "replied"
    RESOLVED = "resolved"
    FORWARDED = "forwarded"
    REJECTED = "rejected"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"
    REOPENED = "reopened"
    EXTENDED = "extended"
    RECLASSIFIED = "reclassified"
    DEADLINE_CHANGED = "deadline_changed"
    NOTE = "note"
    INFO_ADDED = "info_added"
    RATED = "rated"
    COMMENTED = "commented"  # the resident's words about the answer, after rating it
    PHONE_VIEWED = "phone_viewed"
    REDACTED = "redacted"
    APOLOGY_DRAFTED = "apology_drafted"  # the case went overdue: a letter awaits a leader
    APOLOGY_EDITED = "apology_edited"  # a leader rewrote the letter before sending it
    APOLOGY_SENT = "apology_sent"  # a leader approved it; it went to the resident


# the events that answer the resident: a reply, or closing the case as resolved, forwarded or
# refused. The earliest of them is the case's first answer, kept as Ticket.first_answered_at
ANSWER_EVENTS = (EventKind.REPLIED, EventKind.RESOLVED, EventKind.FORWARDED, EventKind.REJECTED)


class Rating(StrEnum):
    VERY_SATISFIED = "very_satisfied"  # Rất hài lòng
    SATISFIED = "satisfied"  # Hài lòng
    UNSATISFIED = "unsatisfied"  # Chưa hài lòng


class RejectReason(StrEnum):
    """Legal grounds for not accepting a matter (Luật Tiếp công dân 2013, Điều 9)."""

    OUTSIDE_AUTHORITY = "outside_authority"
    ANONYMOUS = "anonymous"
    ALREADY_RESOLVED = "already_resolved"
    DUPLICATE = "duplicate"
    OTHER = "other"


class DayKind(StrEnum):
    DAY_OFF = "day_off"
    WORKDAY = "workday"  # a make-up working day (ngày làm bù)


class DayUnit(StrEnum):
    WORKING = "working"  # ngày làm việc
    CALENDAR = "calendar"  # ngày (theo lịch)


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    VOICE = "voice"
    AUDIO = "audio"
    DOCUMENT = "document"


class NotificationKind(StrEnum):
    """What an outbox message says; the channel adapter renders it when sending."""

    RECEIPT = "receipt"
    STAFF_CARD = "staff_card"
    TICKET_UPDATE = "ticket_update"  # to the resident: a step of their case (payload: event)
    CARD_REFRESH = "card_refresh"  # edit the staff card in place
    STAFF_ASSIGNED = "staff_assigned"  # to the officer: the case, in private
    STAFF_NEWS = "staff_news"  # to the group: the resident withdrew, added, reopened…
    REMINDER = "reminder"  # a deadline is near or passed (payload: which)
    ESCALATION = "escalation"  # to leaders: what is late, once a working day
    DIGEST = "digest"  # to the group at 07:30: new, due today, overdue, unassigned
    STAFF_ALERT = "staff_alert"  # the group was lost (to admins), an officer blocked the bot
    STAFF_REMOVED = "staff_removed"  # to the group: who left, which cases need a new assignee
    STAFF_SUMMARY = "staff_summary"  # to the group: cards merged when they came too fast
    APOLOGY_DRAFT = "apology_draft"  # to a leader: the apology letter to approve or edit
    APOLOGY_LETTER = "apology_letter"  # to the resident: the approved apology letter
    APOLOGY_DONE = "apology_done"  # to a leader: the draft was sent, its buttons go away
    REPORT_DRAFT = "report_draft"  # to a leader: a report (.docx) to approve or edit
    REPORT_DONE = "report_done"  # to a leader: the report went out, its buttons go away
    REPORT_SENT = "report_sent"  # to the superior level: the report (.docx) and its figures


class RecipientKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    STAFF_GROUP = "staff_group"
    SUPERIOR = "superior"  # the superior level's chat (recipient_id = superior.id)
    SUPERIOR_EMAIL = "superior_email"  # its e-mail address: sent by the mailer, not Telegram


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanently: the recipient blocked the bot, or parked after retries
