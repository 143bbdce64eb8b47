"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from models.commune import Category, Commune, CommunePopulation, Village
from models.enums import (
    ActorType,
    AttachmentKind,
    Channel,
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
from models.people import Resident, Staff
from models.system import AuditEntry, ConversationState, Notification
from models.ticket import Attachment, Ticket, TicketEvent, TicketSequence

__all__ = [
    "ActorType",
    "Attachment",
    "AttachmentKind",
    "AuditEntry",
    "Category",
    "Channel",
    "Commune",
    "CommunePopulation",
    "ConversationState",
    "DeliveryStatus",
    "EventKind",
    "Kind",
    "Notification",
    "NotificationKind",
    "Rating",
    "RecipientKind",
    "RejectReason",
    "Resident",
    "Role",
    "Staff",
    "Ticket",
    "TicketEvent",
    "TicketSequence",
    "TicketStatus",
    "Village",
]
