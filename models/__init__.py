"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from models.account import DeskSession, PasswordLink, SignInThrottle, StaffAccount
from models.apology import ApologyLetter, LetterStatus
from models.calendar import CalendarDay, DeadlineRuleRow
from models.commune import Category, Commune, CommunePopulation, ReplyTemplate, Village
from models.enums import (
    ActorType,
    AttachmentKind,
    Channel,
    DayKind,
    DayUnit,
    DeliveryStatus,
    EventKind,
    Kind,
    NotificationKind,
    Rating,
    RecipientKind,
    RejectReason,
    Role,
    TicketStatus,
)
from models.invite import StaffInvite
from models.people import Resident, Staff
from models.report import (
    ReportKind,
    ReportSection,
    ReportSettings,
    ReportStatus,
    ReportVersion,
    SignerRole,
    Superior,
)
from models.scheduling import JobMark, SchedulerLease
from models.system import AuditEntry, ChannelMessage, ConversationState, InboxUpdate, Notification
from models.ticket import Attachment, Ticket, TicketEvent, TicketSequence
from models.web import CaseLink, PushSubscription, SiteKey

__all__ = [
    "ActorType",
    "ApologyLetter",
    "Attachment",
    "AttachmentKind",
    "AuditEntry",
    "CalendarDay",
    "CaseLink",
    "Category",
    "Channel",
    "ChannelMessage",
    "Commune",
    "CommunePopulation",
    "ConversationState",
    "DayKind",
    "DayUnit",
    "DeadlineRuleRow",
    "DeliveryStatus",
    "DeskSession",
    "EventKind",
    "InboxUpdate",
    "JobMark",
    "Kind",
    "LetterStatus",
    "Notification",
    "NotificationKind",
    "PasswordLink",
    "PushSubscription",
    "Rating",
    "RecipientKind",
    "RejectReason",
    "ReplyTemplate",
    "ReportKind",
    "ReportSection",
    "ReportSettings",
    "ReportStatus",
    "ReportVersion",
    "Resident",
    "Role",
    "SchedulerLease",
    "SignInThrottle",
    "SignerRole",
    "SiteKey",
    "Staff",
    "StaffAccount",
    "StaffInvite",
    "Superior",
    "Ticket",
    "TicketEvent",
    "TicketSequence",
    "TicketStatus",
    "Village",
]
