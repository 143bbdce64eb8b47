"""Report versions: kept once sent, approved exactly once, delivered where the commune
says its superior level is; and when the scheduled reports fall due."""

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    Commune,
    Notification,
    NotificationKind,
    RecipientKind,
    ReportKind,
    ReportSettings,
    ReportStatus,
    ReportVersion,
    Role,
)
from services.communes import registry as communes
from services.database.engine import session_factory
from services.errors import NotAuthorized
from services.people import staff
from services.reporting import schedule as report_schedule
from services.reporting import settings as report_settings
from services.reporting import versions as report_versions

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 12, 5, 1, 0, tzinfo=UTC)
PERIOD = (date(2024, 1, 1), date(2024, 12, 31))


async def _commune(session: AsyncSession) -> Commune:
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    assert commune.id is not None
    await staff.add_staff(session, commune, telegram_id=10, role=Role.LEADER, name="Ngô Xuân Mạnh")
    await staff.add_staff(session, commune, telegram_id=11, role=Role.ADMIN, name="Quản trị")
    await staff.add_staff(session, commune, telegram_id=12, role=Role.OFFICER, name="Lan")
    return commune


async def _version(session: AsyncSession, commune: Commune, **kwargs: object) -> ReportVersion:
    assert commune.id is not None
    version = await report_versions.save_version(
        session,
        commune_id=commune.id,
        kind=ReportKind.ANNUAL,
        period=PERIOD,
        channels="all",
        as_of=NOW,
        title="Kết quả tiếp nhận phản ánh, kiến nghị năm 2024",
        summary="Tiếp nhận: 762",
        statistics={"received": 762},
        docx=b"PK\x03\x04 the file",
        now=NOW,
        **kwargs,  # type: ignore[arg-type]
    )
    await session.commit()
    return version


async def _kinds(session: AsyncSession) -> list[tuple[str, str]]:
    rows = (await session.exec(select(Notification).order_by(col(Notification.id)))).all()
    return [(n.kind.value, n.recipient_kind.value) for n in rows]


async def test_a_new_generation_is_a_new_version_and_supersedes_the_draft(
    session: AsyncSession,
) -> None:
    commune = await _commune(session)
    first = await _version(session, commune)
    second = await _version(session, commune)
    await session.refresh(first)
    assert (first.version, second.version) == (1, 2)
    assert first.status is ReportStatus.SUPERSEDED and second.status is ReportStatus.DRAFT
    with pytest.raises(report_versions.ReportChanged):
        report_versions.check_draft(first)


async def test_approval_sends_to_each_superior_and_keeps_the_version(
    session: AsyncSession,
) -> None:
    commune = await _commune(session)
    assert commune.id is not None
    await report_settings.add_superior(
        session,
        commune.id,
        "Ủy ban nhân dân tỉnh Quảng Ninh",
        short_name="UBND tỉnh",
        telegram_chat_id=-100500,
        email="vanthu@quangninh.gov.vn",
    )
    await report_settings.add_superior(
        session, commune.id, "Sở Khoa học và Công nghệ", copied=False, email="skhcn@qn.gov.vn"
    )
    version = await _version(session, commune)
    version_id = version.id
    assert version_id is not None
    session.expunge_all()
    with pytest.raises(NotAuthorized):  # an officer may not approve
        await report_versions.approver(session, 12, version_id, action="report_approve")
    with pytest.raises(NotAuthorized):  # nor a stranger
        await report_versions.approver(session, 99, version_id, action="report_approve")
    found, leader = await report_versions.approver(session, 10, version_id, action="report_approve")
    assert await report_versions.approve(session, found, leader, NOW) == 3
    kept = await session.get(ReportVersion, version_id)
    assert kept is not None
    assert kept.status is ReportStatus.SENT and kept.approved_by_id == leader.id
    assert kept.docx == b"PK\x03\x04 the file" and kept.statistics == {"received": 762}
    assert sorted(await _kinds(session)) == sorted(
        [
            ("report_sent", "superior"),
            ("report_sent", "superior_email"),
            ("report_sent", "superior_email"),
            ("report_done", "staff"),
            ("report_done", "staff"),
        ]
    )
    with pytest.raises(report_versions.ReportAlreadySent):  # pressing again changes nothing
        await report_versions.approve(session, kept, leader, NOW)
    refused = (
        await session.exec(select(AuditEntry).where(col(AuditEntry.allowed).is_(False)))
    ).all()
    assert len(refused) == 2
    approved = (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "report_approve"))
    ).all()
    assert [a.allowed for a in approved] == [False, False, True]


async def test_without_a_superior_it_is_kept_approved_and_the_leaders_are_told(
    session: AsyncSession,
) -> None:
    commune = await _commune(session)
    version = await _version(session, commune)
    _found, leader = await report_versions.approver(session, 10, version.id or 0, action="x")
    assert await report_versions.approve(session, version, leader, NOW) == 0
    await session.refresh(version)
    assert version.status is ReportStatus.APPROVED and version.sent_at is None
    done = (
        await session.exec(
            select(Notification).where(Notification.kind == NotificationKind.REPORT_DONE)
        )
    ).all()
    assert [n.payload["deliveries"] for n in done] == [0, 0]


async def test_two_leaders_approving_at_once_send_it_once(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        commune = await _commune(session)
        assert commune.id is not None
        await report_settings.add_superior(
            session, commune.id, "UBND tỉnh", telegram_chat_id=-100500
        )
        version_id = (await _version(session, commune)).id
        assert version_id is not None

    async def press(telegram_id: int) -> str:
        async with sessions() as session:
            version, leader = await report_versions.approver(
                session, telegram_id, version_id, action="report_approve"
            )
            try:
                await report_versions.approve(session, version, leader, NOW)
            except (report_versions.ReportAlreadySent, report_versions.ReportChanged):
                return "lost"
            return "won"

    assert sorted(await asyncio.gather(press(10), press(11))) == ["lost", "won"]
    async with sessions() as session:
        sent = (
            await session.exec(
                select(Notification).where(Notification.recipient_kind == RecipientKind.SUPERIOR)
            )
        ).all()
        assert len(sent) == 1


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


def test_the_monthly_summary_falls_due_on_its_day_and_time() -> None:
    commune = Commune(
        code="07060",
        name="Xã Thống Nhất",
        division_type="xã",
        province_code=22,
        province_name="Quảng Ninh",
        created_at=datetime(2024, 1, 10, tzinfo=UTC),
    )
    settings = ReportSettings(commune_id=1)  # the 1st, 08:00
    assert report_schedule.monthly_due(commune, settings, _local(2024, 12, 1, 7, 59)) is None
    due = report_schedule.monthly_due(commune, settings, _local(2024, 12, 1, 8, 0))
    assert due is not None and (due.start, due.end) == (date(2024, 11, 1), date(2024, 11, 30))
    late = report_schedule.monthly_due(commune, settings, _local(2025, 1, 3, 9, 0))  # caught up
    assert late is not None and (late.start, late.end) == (date(2024, 12, 1), date(2024, 12, 31))
    settings.monthly_day, settings.send_time = 5, "14:30"
    assert report_schedule.monthly_due(commune, settings, _local(2024, 12, 5, 14, 0)) is None
    assert report_schedule.monthly_due(commune, settings, _local(2024, 12, 5, 14, 30)) is not None
    # never a month before the commune was registered
    assert report_schedule.monthly_due(commune, settings, _local(2024, 1, 20, 9, 0)) is None


def test_the_annual_draft_falls_due_on_its_date_for_the_period_ending_that_year() -> None:
    commune = Commune(
        code="07060",
        name="Xã Thống Nhất",
        division_type="xã",
        province_code=22,
        province_name="Quảng Ninh",
        created_at=datetime(2023, 1, 10, tzinfo=UTC),
    )
    settings = ReportSettings(commune_id=1, annual_on="12-05")
    assert report_schedule.annual_due(commune, settings, _local(2024, 12, 4, 23, 0)) is None
    due = report_schedule.annual_due(commune, settings, _local(2024, 12, 5, 8, 0))
    assert due is not None and (due.start, due.end) == (date(2024, 1, 1), date(2024, 12, 31))
    commune.report_year_start, settings.annual_on = "12-15", "12-20"  # 15/12 to 14/12
    due = report_schedule.annual_due(commune, settings, _local(2024, 12, 20, 8, 0))
    assert due is not None and (due.start, due.end) == (date(2023, 12, 15), date(2024, 12, 14))
