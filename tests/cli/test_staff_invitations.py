"""`pakn staff invite` prints the invitation's id; `pakn staff invitations` lists the open
ones; `pakn staff revoke-invitation` stops one at once (issue 19)."""

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Staff, StaffInvite
from services.errors import InviteRevoked
from services.people import invites
from tests.cli.test_main import run


def _invite(url: str, *extra: str) -> tuple[int, str]:
    made = run("staff", "invite", "--commune", "7060", *extra, database_url=url)
    assert made.returncode == 0, made.stderr
    found = re.search(
        r"Số lời mời: (\d+) \(để thu hồi: pakn staff revoke-invitation (\d+)", made.stdout
    )
    assert found and found.group(1) == found.group(2), made.stdout
    token = re.search(r"inv-([A-Za-z0-9_-]{20,})", made.stdout)
    assert token, made.stdout
    return int(found.group(1)), token.group(1)


async def test_invitations_are_listed_and_revoked(database_url: str, session: AsyncSession) -> None:
    for code in ("7060", "4"):
        assert run("commune", "add", code, database_url=database_url).returncode == 0
    admin_id, admin_token = _invite(database_url, "--role", "admin")
    lan_id, _lan_token = _invite(
        database_url, "--role", "officer", "--name", "Trần Thị Lan", "--title", "Địa chính"
    )

    listing = run("staff", "invitations", "--commune", "07060", database_url=database_url)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.strip().splitlines()
    assert [int(line.split()[0]) for line in lines] == [admin_id, lan_id]
    assert "admin" in lines[0] and "tạo bằng pakn" in lines[0] and "hết hạn" in lines[0]
    assert "officer" in lines[1] and "Trần Thị Lan (Địa chính)" in lines[1]
    assert admin_token not in listing.stdout  # the list never shows the secret part
    elsewhere = run("staff", "invitations", "--commune", "4", database_url=database_url)
    assert elsewhere.stdout.strip() == "Không có lời mời nào còn hiệu lực."

    wrong = run(
        "staff", "revoke-invitation", str(admin_id), "--commune", "4", database_url=database_url
    )
    assert wrong.returncode == 1 and "không có lời mời số" in wrong.stderr
    revoked = run(
        "staff", "revoke-invitation", str(admin_id), "--commune", "7060", database_url=database_url
    )
    assert revoked.returncode == 0, revoked.stderr
    assert f"Đã thu hồi lời mời {admin_id}" in revoked.stdout
    again = run(
        "staff", "revoke-invitation", str(admin_id), "--commune", "7060", database_url=database_url
    )
    assert again.returncode == 1 and "đã bị thu hồi" in again.stderr
    for nonsense in ("99999999999",):
        odd = run(
            "staff", "revoke-invitation", nonsense, "--commune", "7060", database_url=database_url
        )
        assert odd.returncode == 1 and "Traceback" not in odd.stderr, odd.stderr

    listing = run("staff", "invitations", "--commune", "7060", database_url=database_url)
    assert [int(line.split()[0]) for line in listing.stdout.strip().splitlines()] == [lan_id]
    with pytest.raises(InviteRevoked):  # the link it printed makes nobody staff now
        await invites.redeem_invite(
            session,
            admin_token,
            telegram_id=5001,
            full_name="Kẻ lạ",
            username=None,
            now=datetime.now(UTC),
        )
    assert (await session.exec(select(Staff))).all() == []
    invite = await session.get(StaffInvite, admin_id)
    assert invite is not None and invite.used_at is None
