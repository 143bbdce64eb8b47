"""Reports by e-mail, against a real local SMTP server (aiosmtpd): the message arrives with
its Vietnamese subject and the .docx; a server that is down means a retry, one that refuses
the address means the leaders are told."""

import email
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from config.context import AppContext
from config.settings import Settings
from mail.outbox import send_due_mail
from mail.smtp import Mail, MailNotConfigured, build_message, send_mail
from models import (
    DeliveryStatus,
    Notification,
    NotificationKind,
    RecipientKind,
    ReportKind,
    Role,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.clock import FixedClock
from services.communes import registry as communes
from services.database.engine import session_factory
from services.people import staff
from services.reporting import settings as report_settings
from services.reporting import versions as report_versions

NOW = datetime(2024, 12, 1, 1, 0, tzinfo=UTC)
DOCX = b"PK\x03\x04" + bytes(range(256)) * 4


class Inbox:
    def __init__(self, refuse: str | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = refuse

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse and address == self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.messages.append(email.message_from_bytes(raw, policy=default_policy))  # type: ignore[arg-type]
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox(refuse="nobody@tinh.gov.vn")
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _settings(port: int, **extra: Any) -> Settings:
    return Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_from="UBND xã Thống Nhất <ubnd@thongnhat.gov.vn>",
        **extra,
    )


async def test_a_report_mail_arrives_whole(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    mail = Mail(
        to="vanthu@quangninh.gov.vn",
        subject="[Xã Thống Nhất] Báo cáo kết quả tiếp nhận phản ánh, kiến nghị tháng 11 năm 2024",
        body="Tiếp nhận: 1.297 phản ánh, kiến nghị.",
        filename="BC-PAKN_Xa-Thong-Nhat_2024-11.docx",
        attachment=DOCX,
    )
    await send_mail(_settings(port), mail)
    [received] = handler.messages
    assert received["Subject"] == mail.subject
    assert received["To"] == "vanthu@quangninh.gov.vn"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None and "1.297 phản ánh" in body.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == mail.filename
    assert attachment.get_content() == DOCX


def test_without_smtp_settings_mail_waits() -> None:
    with pytest.raises(MailNotConfigured):
        build_message(Settings(), Mail("a@b.vn", "s", "b", "f.docx", b""))


async def test_the_mail_job_sends_retries_and_reports_refusals(
    engine: AsyncEngine, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    sessions = session_factory(engine)
    async with sessions() as session:
        commune = await communes.add_commune(session, "7060", year=2024, population=1000)
        assert commune.id is not None
        await staff.add_staff(session, commune, telegram_id=10, role=Role.LEADER, name="Mạnh")
        await report_settings.add_superior(
            session, commune.id, "UBND tỉnh Quảng Ninh", email="vanthu@quangninh.gov.vn"
        )
        await report_settings.add_superior(session, commune.id, "Sở cũ", email="nobody@tinh.gov.vn")
        version = await report_versions.save_version(
            session,
            commune_id=commune.id,
            kind=ReportKind.MONTHLY,
            period=(date(2024, 11, 1), date(2024, 11, 30)),
            channels="all",
            as_of=NOW,
            title="Kết quả tiếp nhận phản ánh, kiến nghị tháng 11 năm 2024",
            summary="Tiếp nhận: 12",
            statistics={},
            docx=DOCX,
            now=NOW,
        )
        assert await report_versions.deliver(session, version, NOW) == 2
        await session.commit()

    policy = DeadlinePolicy(WorkingCalendar(), Settings().tz)
    clock = FixedClock(NOW)
    down = AppContext(_settings(_free_port()), sessions, policy, clock)  # nothing listens
    assert await send_due_mail(down) == 0
    async with sessions() as session:
        waiting = (
            await session.exec(
                select(Notification).where(
                    Notification.recipient_kind == RecipientKind.SUPERIOR_EMAIL
                )
            )
        ).all()
        assert {n.status for n in waiting} == {DeliveryStatus.PENDING}
        assert all(n.attempts == 1 and n.next_attempt_at > NOW for n in waiting)

    clock.set(NOW + timedelta(minutes=2))
    up = AppContext(_settings(port), sessions, policy, clock)
    assert await send_due_mail(up) == 1
    assert [m["To"] for m in handler.messages] == ["vanthu@quangninh.gov.vn"]
    async with sessions() as session:
        statuses = {
            n.payload.get("version_id") and n.status
            for n in (
                await session.exec(
                    select(Notification).where(
                        Notification.recipient_kind == RecipientKind.SUPERIOR_EMAIL
                    )
                )
            ).all()
        }
        assert statuses == {DeliveryStatus.SENT, DeliveryStatus.FAILED}
        alerts = (
            await session.exec(
                select(Notification).where(Notification.kind == NotificationKind.STAFF_ALERT)
            )
        ).all()
        assert [(a.payload["alert"], a.payload["superior"]) for a in alerts] == [
            ("superior_unreachable", "Sở cũ")
        ]
    assert await send_due_mail(up) == 0  # nothing is sent twice
