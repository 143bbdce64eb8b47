"""Generated reports kept as versions: a draft a leader approves ("Duyệt gửi") or edits
("Sửa"), the monthly summary sent on schedule, and what went to the superior level. Approved
and sent versions never change; generating a report again makes a new version."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    Notification,
    NotificationKind,
    RecipientKind,
    ReportKind,
    ReportStatus,
    ReportVersion,
    Role,
    Staff,
)
from services.desk.reminders import leaders
from services.errors import DomainError, InvalidInput
from services.people.staff import authorize
from services.reporting.placeholders import check as check_text
from services.reporting.settings import superiors_for

APPROVERS = (Role.LEADER, Role.ADMIN)


class ReportNotFound(DomainError):
    pass


class ReportAlreadySent(DomainError):
    """Approved or sent already: it is kept as it was."""


class ReportChanged(DomainError):
    """A newer draft replaced the one the button belongs to."""


async def list_versions(
    session: AsyncSession, commune_id: int, *, limit: int = 50
) -> Sequence[ReportVersion]:
    return (
        await session.exec(
            select(ReportVersion)
            .where(ReportVersion.commune_id == commune_id)
            .order_by(col(ReportVersion.created_at).desc(), col(ReportVersion.id).desc())
            .limit(limit)
        )
    ).all()


async def get_version(session: AsyncSession, commune_id: int, version_id: int) -> ReportVersion:
    found = await session.get(ReportVersion, version_id)
    if found is None or found.commune_id != commune_id:
        raise ReportNotFound(version_id)
    return found


def _notify(
    session: AsyncSession,
    version: ReportVersion,
    kind: NotificationKind,
    recipient_kind: RecipientKind,
    recipient_id: int,
    now: datetime,
    **payload: Any,
) -> None:
    session.add(
        Notification(
            kind=kind,
            commune_id=version.commune_id,
            recipient_kind=recipient_kind,
            recipient_id=recipient_id,
            payload={"version_id": version.id, **payload},
            next_attempt_at=now,
            created_at=now,
        )
    )


async def save_version(
    session: AsyncSession,
    *,
    commune_id: int,
    kind: ReportKind,
    period: tuple[date, date],
    channels: str,
    as_of: datetime,
    title: str,
    summary: str,
    statistics: dict[str, Any],
    docx: bytes,
    now: datetime,
    status: ReportStatus = ReportStatus.DRAFT,
    number: str | None = None,
    sections: dict[str, str] | None = None,
    created_by_id: int | None = None,
) -> ReportVersion:
    """A new version of this report; earlier drafts of it are superseded (their buttons then
    say so). Flushed, not committed: the caller commits it with what it queues."""
    key = (
        col(ReportVersion.commune_id) == commune_id,
        col(ReportVersion.kind) == kind,
        col(ReportVersion.period_start) == period[0],
        col(ReportVersion.period_end) == period[1],
        col(ReportVersion.channels) == channels,
    )
    last = (await session.exec(select(func.max(ReportVersion.version)).where(*key))).one()
    await session.exec(
        update(ReportVersion)
        .where(*key, col(ReportVersion.status) == ReportStatus.DRAFT)
        .values(status=ReportStatus.SUPERSEDED)
    )
    version = ReportVersion(
        commune_id=commune_id,
        kind=kind,
        period_start=period[0],
        period_end=period[1],
        channels=channels,
        version=(last or 0) + 1,
        status=status,
        as_of=as_of,
        title=title,
        summary=summary,
        number=number,
        sections=dict(sections or {}),
        statistics=statistics,
        docx=docx,
        created_at=now,
        created_by_id=created_by_id,
    )
    session.add(version)
    await session.flush()
    return version


async def ask_leaders(
    session: AsyncSession, version: ReportVersion, now: datetime, *, only: Staff | None = None
) -> int:
    """The draft (.docx) with "Duyệt gửi" / "Sửa" to the commune's leaders, or to one."""
    recipients = [only] if only is not None else list(await leaders(session, version.commune_id))
    for leader in recipients:
        assert leader.id is not None
        _notify(
            session, version, NotificationKind.REPORT_DRAFT, RecipientKind.STAFF, leader.id, now
        )
    return len(recipients)


async def deliver(session: AsyncSession, version: ReportVersion, now: datetime) -> int:
    """Queues the version to every reachable superior level (its Telegram chat and/or its
    e-mail) and tells the leaders; marks it sent when it goes somewhere. Returns how many
    deliveries were queued."""
    queued = 0
    for superior in await superiors_for(session, version.commune_id):
        assert superior.id is not None
        if superior.telegram_chat_id is not None:
            _notify(
                session,
                version,
                NotificationKind.REPORT_SENT,
                RecipientKind.SUPERIOR,
                superior.id,
                now,
            )
            queued += 1
        if superior.email:
            _notify(
                session,
                version,
                NotificationKind.REPORT_SENT,
                RecipientKind.SUPERIOR_EMAIL,
                superior.id,
                now,
            )
            queued += 1
    if queued:  # with nowhere to go it stays approved, and the leaders are told so
        version.status, version.sent_at = ReportStatus.SENT, now
        session.add(version)
    for leader in await leaders(session, version.commune_id):
        assert leader.id is not None
        _notify(
            session,
            version,
            NotificationKind.REPORT_DONE,
            RecipientKind.STAFF,
            leader.id,
            now,
            deliveries=queued,
        )
    return queued


async def approver(
    session: AsyncSession, telegram_id: int, version_id: int, *, action: str
) -> tuple[ReportVersion, Staff]:
    """The version and the leader (or admin) of its commune pressing its button; anyone
    else is refused, and the refusal recorded."""
    version = await session.get(ReportVersion, version_id)
    if version is None:
        raise ReportNotFound(version_id)
    staff = await authorize(session, telegram_id, version.commune_id, APPROVERS, action=action)
    return version, staff


def check_draft(version: ReportVersion) -> None:
    if version.status in (ReportStatus.APPROVED, ReportStatus.SENT):
        raise ReportAlreadySent(version.id)
    if version.status is ReportStatus.SUPERSEDED:
        raise ReportChanged(version.id)


async def approve(
    session: AsyncSession, version: ReportVersion, staff: Staff, now: datetime
) -> int:
    """Duyệt gửi: exactly once even if two leaders press together (compare-and-set on the
    status), then delivered. Returns the deliveries queued."""
    check_draft(version)
    result = await session.exec(
        update(ReportVersion)
        .where(
            col(ReportVersion.id) == version.id,
            col(ReportVersion.status) == ReportStatus.DRAFT,
        )
        .values(status=ReportStatus.APPROVED, approved_by_id=staff.id, approved_at=now)
    )
    if result.rowcount != 1:
        await session.refresh(version)
        check_draft(version)
        raise ReportChanged(version.id)
    await session.refresh(version)
    session.add(
        AuditEntry(
            at=now,
            commune_id=version.commune_id,
            staff_id=staff.id,
            actor_telegram_id=staff.telegram_id,
            action="report_approve",
            allowed=True,
            detail=f"version {version.id}",
        )
    )
    queued = await deliver(session, version, now)
    await session.commit()
    return queued


def edited_sections(version: ReportVersion, section: str, text: str) -> dict[str, str]:
    """This version's edits plus a new text for one section: plain text with placeholders
    (SectionTextRefused for anything else)."""
    body = text.strip()
    if not body:
        raise InvalidInput("empty_section")
    if len(body) > 6000:
        raise InvalidInput("section_too_long")
    check_text(body)
    return {**version.sections, section: body}
