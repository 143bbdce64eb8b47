"""Sends the outbox rows addressed to a superior level's e-mail. Run by the scheduler's
process (one sender), retried with growing pauses, never given up while the address
stands: a report to the superior level must arrive."""

import logging
from datetime import datetime, timedelta

import aiosmtplib
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.context import AppContext
from mail.smtp import Mail, MailNotConfigured, send_mail
from models import (
    Commune,
    DeliveryStatus,
    Notification,
    RecipientKind,
    ReportVersion,
    Superior,
)
from reports.issuing import file_name
from services.desk import reachability

log = logging.getLogger(__name__)
BATCH = 20
PAUSES = (60, 300, 1800, 7200, 21600)  # seconds before the next attempt
PERMANENT = range(500, 600)  # SMTP 5xx: the server refuses this mail for good


def mail_for(version: ReportVersion, commune: Commune, superior: Superior) -> Mail:
    body = "\n".join(
        [
            f"Kính gửi: {superior.name}.",
            "",
            f"{commune.name} gửi báo cáo: {version.title}.",
            "",
            version.summary,
            "",
            "Báo cáo đính kèm (tệp .docx). Thư này được gửi tự động từ Hòm thư số; "
            "xin vui lòng không trả lời thư này.",
        ]
    )
    return Mail(
        to=superior.email or "",
        subject=f"[{commune.name}] Báo cáo {version.title}",
        body=body,
        filename=file_name(version, commune.name),
        attachment=version.docx or b"",
    )


async def send_due_mail(ctx: AppContext) -> int:
    now = ctx.clock.now()
    async with ctx.sessions() as session:
        due = (
            await session.exec(
                select(Notification)
                .where(
                    Notification.recipient_kind == RecipientKind.SUPERIOR_EMAIL,
                    Notification.status == DeliveryStatus.PENDING,
                    col(Notification.next_attempt_at) <= now,
                )
                .order_by(col(Notification.id))
                .limit(BATCH)
            )
        ).all()
        sent = 0
        for notification in due:
            sent += await _send_one(ctx, session, notification)
            session.add(notification)
            await session.commit()
    return sent


async def _send_one(ctx: AppContext, session: AsyncSession, notification: Notification) -> int:
    now = ctx.clock.now()
    version = await session.get(ReportVersion, notification.payload.get("version_id"))
    superior = await session.get(Superior, notification.recipient_id)
    commune = await session.get(Commune, notification.commune_id)
    if version is None or superior is None or commune is None or not superior.email:
        notification.status, notification.last_error = DeliveryStatus.FAILED, "no address"
        return 0
    try:
        await send_mail(ctx.settings, mail_for(version, commune, superior))
    except MailNotConfigured as exc:
        notification.last_error = str(exc)
        notification.next_attempt_at = now + timedelta(hours=1)
        log.warning("report e-mail waits: %s", exc)
        return 0
    except aiosmtplib.SMTPRecipientsRefused as exc:
        said = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        if all(refusal.code in PERMANENT for refusal in exc.recipients):
            notification.status, notification.last_error = DeliveryStatus.FAILED, said
            await reachability.superior_unreachable(session, superior, "email", said, now=now)
            return 0
        _later(notification, str(exc), now)
        return 0
    except aiosmtplib.SMTPResponseException as exc:
        if exc.code in PERMANENT:
            notification.status, notification.last_error = DeliveryStatus.FAILED, str(exc)
            await reachability.superior_unreachable(session, superior, "email", str(exc), now=now)
            return 0
        _later(notification, str(exc), now)
        return 0
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        _later(notification, str(exc), now)
        return 0
    notification.status, notification.sent_at = DeliveryStatus.SENT, now
    return 1


def _later(notification: Notification, error: str, now: datetime) -> None:
    notification.attempts += 1
    notification.last_error = error[:500]
    pause = PAUSES[min(notification.attempts, len(PAUSES)) - 1]
    notification.next_attempt_at = now + timedelta(seconds=pause)
    log.warning("report e-mail %s failed (%s); again in %s s", notification.id, error, pause)
