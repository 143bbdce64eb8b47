"""`pakn superior …`, `pakn report settings|section|versions|version` and the commune's
annual period, run as an admin runs them (a fresh process each)."""

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from cli.report import settings as cli_report_admin
from cli.report import versions as cli_report_versions
from models import ReportKind, ReportSection, ReportStatus
from services.communes import registry as communes
from services.reporting import versions as report_versions
from tests.cli.test_main import run


def ok(*args: str, database_url: str) -> str:
    result = run(*args, database_url=database_url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(*args: str, database_url: str) -> str:
    """One clear line on standard error, and exit code 1."""
    result = run(*args, database_url=database_url)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_superior_levels(database_url: str) -> None:
    url = {"database_url": database_url}
    ok("commune", "add", "7060", **url)
    assert "pakn superior add --commune 07060" in ok("superior", "list", "--commune", "7060", **url)
    ok(
        "superior", "add", "--commune", "7060", "--name", "Ủy ban nhân dân thành phố Hạ Long",
        "--short-name", "UBND TP Hạ Long", "--chat", "-1001234567890", **url,
    )  # fmt: skip
    ok(
        "superior", "add", "--commune", "7060", "--name",
        "Phòng Văn hóa thông tin thành phố Hạ Long", "--not-copied", **url,
    )  # fmt: skip
    ok(
        "superior", "add", "--commune", "7060", "--name", "Ủy ban nhân dân tỉnh Quảng Ninh",
        "--short-name", "UBND tỉnh", "--not-addressed", "--email", "vanthu@quangninh.gov.vn",
        **url,
    )  # fmt: skip
    assert "vanthu@" in refused(
        "superior", "add", "--commune", "7060", "--name", "Sở Nội vụ", "--email", "vanthu@", **url
    )
    lines = ok("superior", "list", "--commune", "7060", **url).splitlines()
    city_id = lines[0].split()[0]
    assert len(lines) == 3 and lines[0].startswith(f"{city_id}  Ủy ban nhân dân thành phố Hạ Long")
    assert "(UBND TP Hạ Long)" in lines[0] and "-1001234567890" in lines[0]
    assert "Kính gửi”: có" in lines[1] and "Nơi nhận”: không" in lines[1]
    assert "Kính gửi”: không" in lines[2] and "vanthu@quangninh.gov.vn" in lines[2]
    ok("superior", "remove", "--commune", "7060", city_id, **url)
    assert "999" in refused("superior", "remove", "--commune", "7060", "999", **url)
    left = ok("superior", "list", "--commune", "7060", **url)
    assert "Hạ Long (UBND" not in left and len(left.splitlines()) == 2


def test_settings_and_sections(database_url: str, tmp_path: Path) -> None:
    url = {"database_url": database_url}
    ok("commune", "add", "7060", **url)
    shown = ok("report", "settings", "--commune", "7060", **url)
    assert "08:00 (mặc định)" in shown
    saved = ok(
        "report", "settings", "--commune", "7060", "--place", "Thống Nhất", "--signer-name",
        "Ngô Xuân Mạnh", "--signer-role", "vice_chairman", "--copy-lines",
        "TT Đảng ủy, HĐND, UBND xã;Lưu: VT, VP-TK, 01.", "--monthly-day", "3",
        "--send-time", "7:30", "--annual-on", "12-20", "--annual-channels", "digital", **url,
    )  # fmt: skip
    for option, value in (
        ("--send-time", "25:00"),
        ("--monthly-day", "31"),
        ("--signer-role", "boss"),
    ):
        assert value in refused("report", "settings", "--commune", "7060", option, value, **url)
    unchanged = ok("report", "settings", "--commune", "7060", **url)
    assert unchanged.splitlines()[1:] == saved.splitlines()[1:]
    assert "Ngô Xuân Mạnh" in saved and "07:30" in saved and "20/12" in saved
    assert "TT Đảng ủy, HĐND, UBND xã; Lưu: VT, VP-TK, 01." in saved

    assert "basis" in refused(
        "report", "section", "show", "--commune", "7060", "--section", "preamble", **url
    )
    text = "Ủy ban nhân dân xã Thống Nhất báo cáo như sau:"
    own, broken = tmp_path / "basis.txt", tmp_path / "broken.txt"
    own.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8") + b"\r\n")
    broken.write_text("Kết quả:\n{% if received %}\n{{ received }", encoding="utf-8")
    setter = ("report", "section", "set", "--commune", "7060", "--section", "basis", "--file")
    ok(*setter, str(own), **url)
    assert "Dòng 2: “{% if received %}”" in refused(*setter, str(broken), **url)
    show = ("report", "section", "show", "--commune", "7060", "--section", "basis")
    assert ok(*show, **url).splitlines()[1:] == [text]
    ok("report", "section", "reset", "--commune", "7060", "--section", "basis", **url)
    default = ok(*show, **url)
    assert "mặc định" in default.splitlines()[0] and text not in default


async def test_kept_versions_and_the_annual_period(
    session: AsyncSession, database_url: str, tmp_path: Path
) -> None:
    url = {"database_url": database_url}
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    assert commune.id is not None
    kept = b"PK\x03\x04\x00\r\n\xff the file as sent"
    now = datetime(2024, 12, 5, 2, 0, tzinfo=UTC)
    sent = await report_versions.save_version(
        session, commune_id=commune.id, kind=ReportKind.ANNUAL,
        period=(date(2024, 1, 1), date(2024, 12, 31)), channels="all", as_of=now,
        title="Kết quả năm 2024", summary="Tiếp nhận: 762", statistics={"tiếp_nhận": 762},
        docx=kept, now=now, status=ReportStatus.SENT,
    )  # fmt: skip
    bare = await report_versions.save_version(
        session, commune_id=commune.id, kind=ReportKind.MONTHLY,
        period=(date(2024, 11, 1), date(2024, 11, 30)), channels="digital", as_of=now,
        title="Tháng 11", summary="", statistics={}, docx=b"", now=now,
    )  # fmt: skip
    await session.commit()

    listing = ok("report", "versions", "--commune", "7060", **url)
    assert "01/01/2024–31/12/2024" in listing and "01/11/2024–30/11/2024" in listing
    assert "09:00 05/12/2024" in listing  # created at 02:00 UTC, shown in local time
    out, figures = tmp_path / "bao-cao.docx", tmp_path / "so-lieu.json"
    ok(
        "report", "version", str(sent.id), "--commune", "7060", "--out", str(out),
        "--json", str(figures), **url,
    )  # fmt: skip
    assert out.read_bytes() == kept
    assert figures.read_text(encoding="utf-8").startswith('{\n  "tiếp_nhận": 762')
    no_file = tmp_path / "none.docx"
    refused("report", "version", str(bare.id), "--commune", "7060", "--out", str(no_file), **url)
    assert not no_file.exists()

    assert "02-30" in refused("commune", "set", "7060", "--report-year-start", "02-30", **url)
    ok("commune", "set", "7060", "--report-year-start", "12-15", **url)
    annual = ok("report", "annual", "--year", "2024", "--commune", "7060", **url)
    assert json.loads(annual)["report"]["period"] == {"start": "2023-12-15", "end": "2024-12-14"}


def test_the_report_commands_can_be_added_twice() -> None:
    """cli/main.py adds them, and so will cli_report: the second call adds nothing."""
    parser = argparse.ArgumentParser()
    kinds = parser.add_subparsers(dest="action", required=True)
    cli_report_admin.add_commands(kinds)
    cli_report_admin.add_commands(kinds)
    parsed = parser.parse_args(["version", "7", "--commune", "7060", "--out", "a.docx"])
    assert parsed.run is cli_report_versions.version_export and parsed.id == 7


async def test_a_section_is_plain_text_with_placeholders(
    session: AsyncSession, database_url: str, tmp_path: Path
) -> None:
    url = {"database_url": database_url}
    commune = await communes.add_commune(session, "7060", year=2024)
    assert commune.id is not None
    setter = ("report", "section", "set", "--commune", "7060", "--section", "closing", "--file")
    show = ("report", "section", "show", "--commune", "7060", "--section", "closing")
    good, unknown = tmp_path / "good.txt", tmp_path / "unknown.txt"
    good.write_text("Trên đây là báo cáo {{ subject }}./.", encoding="utf-8")
    unknown.write_text("Trên đây là báo cáo {{ subjet }}./.", encoding="utf-8")
    ok(*setter, str(good), **url)
    said = refused(*setter, str(unknown), **url)
    assert "{{ subjet }} không phải là trường số liệu" in said and "subject, superior" in said
    assert ok(*show, **url).splitlines()[1:] == [good.read_text(encoding="utf-8")], "unchanged"

    # a text saved before sections were plain text: shown, marked, not run
    session.add(ReportSection(commune_id=commune.id, section="basis", body="{% if x %}{% endif %}"))
    await session.commit()
    marked = ok("report", "section", "show", "--commune", "7060", "--section", "basis", **url)
    assert "mã mẫu" in marked.splitlines()[0] and "{% if x %}" in marked
    built = run("report", "annual", "--year", "2024", "--commune", "7060", **url)
    assert built.returncode == 0 and "Lưu ý: văn bản riêng của xã cho mục basis" in built.stderr
