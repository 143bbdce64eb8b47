"""A group may take 20 messages a minute: when more cards wait than that, they arrive as one
list instead of trickling in for an hour."""

from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from models import DeliveryStatus, Notification, NotificationKind, RecipientKind
from services.cases.lifecycle import notify
from tests.e2e.conftest import make_commune
from tests.e2e.outbox_helpers import file_cases, running_bot, statuses


async def test_cards_beyond_what_a_group_may_take_in_a_minute_come_as_one_list(
    fake: FakeTelegram, database_url: str, db: AsyncSession
) -> None:
    group = fake.add_group("Tổ PAKN")
    commune = await make_commune(db, staff_chat=group.id)
    now = datetime.now(UTC)
    people = [fake.add_user(f"Dân {i}", started=True) for i in range(25)]
    texts = [f"Đèn đường số {i} ở thôn Yên Phú bị hỏng đã lâu không ai sửa" for i in range(25)]
    filed = await file_cases(db, commune, people, texts, now)  # as if written while it was down
    notify(db, filed[0], NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
    codes = [ticket.code for ticket in filed]
    await db.commit()
    async with running_bot(fake, database_url):

        async def all_sent() -> bool:
            return set(await statuses(db)) == {DeliveryStatus.SENT}

        await fake.wait_until(all_sent, timeout=15)
    [summary_message] = fake.sent_messages(group)
    assert "/queue" in summary_message["text"]
    for code in codes:
        assert code in summary_message["text"]
    assert "Đèn đường số 7 ở thôn Yên Phú…" in summary_message["text"]
    summary = (
        await db.exec(
            select(Notification).where(Notification.kind == NotificationKind.STAFF_SUMMARY)
        )
    ).one()
    cards = (
        await db.exec(
            select(Notification)
            .where(Notification.kind == NotificationKind.STAFF_CARD)
            .order_by(col(Notification.id))
        )
    ).all()
    assert [c.result for c in cards] == [{"merged_into_summary": summary.id}] * 25
    assert fake.calls_to("editMessageText") == [], "a merged card has nothing to edit"
    assert len([m for m in fake.calls_to("sendMessage") if m["chat_id"] > 0]) == 25, "receipts"
