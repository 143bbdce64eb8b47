"""Hoa and An, residents of commune 7060, with all that a resident leaves behind: cases with a
phone, a location, a photo and their own words; an officer's reply naming her; a rating with
a comment; the bot's messages to her and what Telegram answered; her updates in the inbox;
her half-filled conversation; a phone view; a refusal logged under her Telegram id."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AttachmentKind,
    AuditEntry,
    Channel,
    ChannelMessage,
    ConversationState,
    DeliveryStatus,
    InboxUpdate,
    Kind,
    Notification,
    Rating,
    RecipientKind,
    Resident,
    Role,
    Ticket,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import follow_up, tickets
from services.cases.tickets import AttachmentDraft, TicketDraft
from services.cases.views import reveal_phone
from services.communes import registry as communes
from services.desk import actions as desk
from services.people import residents, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy(WorkingCalendar(), VN)
NOW = datetime(2024, 12, 20, 3, 0, tzinfo=UTC)
HOA_ID = 987654321
SECRETS = (
    "Nguyễn Thị Hoa",
    "hoa_nt_yenphu",
    "0912345678",
    str(HOA_ID),
    "Ổ gà lớn trước cổng trường",
    "AgACphotoHoa",
    "ảnh chụp sáng nay",
    "Nhà tôi ở số 12",
    "cán bộ nhiệt tình",
    "21.0278",
)


def at(day: int, month: int = 11) -> datetime:
    return datetime(2024, month, day, 9, 0, tzinfo=VN)


async def hoa_world(session: AsyncSession):  # type: ignore[no-untyped-def]
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    officer = await staff.add_staff(session, commune, telegram_id=1, role=Role.OFFICER, name="Lan")
    hoa = await residents.get_or_create_by_telegram(
        session, HOA_ID, full_name="Nguyễn Thị Hoa", username="hoa_nt_yenphu"
    )
    an = await residents.get_or_create_by_telegram(
        session, 2002, full_name="Trần An", username=None
    )

    async def file(who: Resident, text: str, when: datetime, **extra: object) -> Ticket:
        draft = TicketDraft(
            kind=Kind.REPORT,
            category_id=None,
            text=text,
            received_at=when,
            channel=Channel.TELEGRAM,
            **extra,  # type: ignore[arg-type]
        )
        return await tickets.submit_ticket(
            session, commune=commune, resident=who, draft=draft, policy=POLICY, now=when
        )

    closed = await file(
        hoa,
        "Ổ gà lớn trước cổng trường",
        at(4),
        phone="0912345678",
        latitude=21.0278,
        longitude=105.8342,
        attachments=[
            AttachmentDraft(AttachmentKind.PHOTO, "AgACphotoHoa", caption="ảnh chụp sáng nay")
        ],
    )
    await follow_up.add_info(session, closed, hoa, "Nhà tôi ở số 12", at=at(5), now=at(5))
    await desk.reply(
        session, closed, officer, "Chào chị Nguyễn Thị Hoa, đã ghi nhận", at=at(6), now=at(6)
    )
    await desk.close(session, closed, officer, "Đã vá xong", at=at(8), now=at(8))
    await follow_up.rate(
        session, closed, hoa, Rating.SATISFIED, at=at(9), comment="cán bộ nhiệt tình"
    )
    others = await file(an, "Đèn đường ngõ 5 bị hỏng", at(10))
    session.add(ConversationState(key=f"fsm:{HOA_ID}:{HOA_ID}:default", state="Filing:text"))
    session.add(
        ChannelMessage(chat_id=HOA_ID, message_id=7, ticket_id=closed.id, purpose="receipt")
    )
    await reveal_phone(session, closed, officer, at=at(7))
    await _telegram_traces(session, hoa)
    await session.commit()
    return commune, officer, hoa, an, closed, others


async def _telegram_traces(session: AsyncSession, hoa: Resident) -> None:
    """What the outbox and the inbox write as they talk to Telegram for her."""
    await session.exec(
        update(Notification)
        .where(
            col(Notification.recipient_kind) == RecipientKind.RESIDENT,
            col(Notification.recipient_id) == hoa.id,
        )
        .values(status=DeliveryStatus.SENT, result={"chat_id": HOA_ID, "message_ids": [7]})
    )
    # done: their payload is gone (a later update of hers is still to be handled, as anyone's)
    session.add(InboxUpdate(update_id=500, chat_id=HOA_ID, done_at=at(5)))
    session.add(
        InboxUpdate(update_id=501, chat_id=HOA_ID, done_at=at(9), error="set aside after 5 tries")
    )
    session.add(AuditEntry(actor_telegram_id=HOA_ID, action="not_staff", allowed=False))
