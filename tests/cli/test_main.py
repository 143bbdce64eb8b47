"""The commands an IT person types, run as they would run them (a fresh process each)."""

import os
import subprocess
import sys
from pathlib import Path

from tests import ROOT


def run(*args: str, database_url: str, env: dict[str, str] | None = None, cwd: Path = ROOT):
    environment = {**os.environ, "DATABASE_URL": database_url}
    environment.pop("BOT_TOKEN", None)  # the machine's own token never leaks into a test
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=120,
    )


def test_setting_up_a_commune(fresh_url: str) -> None:
    added = run("commune", "add", "7060", "--population", "12290", database_url=fresh_url)
    assert added.returncode == 0, added.stderr
    assert (
        "07060" in added.stdout and "Xã Thống Nhất" in added.stdout and "Quảng Ninh" in added.stdout
    )
    assert run("commune", "add", "07060", database_url=fresh_url).returncode == 1
    updated = run(
        "commune",
        "set",
        "7060",
        "--population",
        "12500",
        "--year",
        "2024",
        "--staff-chat",
        "-1001234567890",
        database_url=fresh_url,
    )
    assert updated.returncode == 0, updated.stderr
    village = run("village", "add", "--commune", "7060", "Thôn Yên Phú", database_url=fresh_url)
    assert village.returncode == 0 and "Thôn Yên Phú" in village.stdout
    duplicate = run("village", "add", "--commune", "7060", "thôn yên phú", database_url=fresh_url)
    assert duplicate.returncode == 1 and "đã có" in duplicate.stderr
    staff = run(
        "staff",
        "add",
        "--commune",
        "07060",
        "--telegram-id",
        "123456789",
        "--role",
        "leader",
        "--name",
        "Ngô Xuân Mạnh",
        "--title",
        "Phó Chủ tịch",
        database_url=fresh_url,
    )
    assert staff.returncode == 0, staff.stderr
    listing = run("staff", "list", "--commune", "7060", database_url=fresh_url)
    assert "123456789" in listing.stdout and "Phó Chủ tịch" in listing.stdout
    communes = run("commune", "list", database_url=fresh_url)
    assert "-1001234567890" in communes.stdout


def test_wrong_input_is_one_clear_line(fresh_url: str) -> None:
    for args, expected in (
        (("commune", "add", "99999"), "Không có xã, phường nào mang mã 99999"),
        (("commune", "add", "70a"), "không phải mã xã, phường"),
        (("village", "add", "--commune", "7060", "Thôn A"), "07060"),
        (("commune", "add", "7060", "--population", "-5"), "Giá trị không hợp lệ"),
    ):
        result = run(*args, database_url=fresh_url)
        assert result.returncode == 1, result
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_malformed_token_is_refused_in_one_line(tmp_path: Path, fresh_url: str) -> None:
    bad = run(database_url=fresh_url, cwd=tmp_path, env={"BOT_TOKEN": "12345"})
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "BOT_TOKEN does not look like a Telegram bot token" in bad.stderr
    assert bad.stderr.strip().splitlines() == [bad.stderr.strip()]
    telegram_only = run("--role", "telegram", database_url=fresh_url, cwd=tmp_path)
    assert telegram_only.returncode == 2 and "BOT_TOKEN" in telegram_only.stderr
    assert "python -m bot --sandbox" in telegram_only.stderr, "the way to try it without a token"


def test_a_report_as_json(fresh_url: str, tmp_path: Path) -> None:
    import json

    assert (
        run(
            "commune",
            "add",
            "7060",
            "--population",
            "12290",
            "--year",
            "2024",
            database_url=fresh_url,
        ).returncode
        == 0
    )
    out = tmp_path / "nam-2024.json"
    result = run(
        "report",
        "annual",
        "--year",
        "2024",
        "--commune",
        "7060",
        "--out",
        str(out),
        "--channels",
        "digital",
        database_url=fresh_url,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["report"]["communes"][0]["name"] == "Xã Thống Nhất"
    assert document["report"]["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert document["statistics"]["received"] == 0 and document["statistics"]["population"] == 12290
    monthly = run(
        "report", "monthly", "--month", "2024-13", "--commune", "7060", database_url=fresh_url
    )
    assert monthly.returncode == 1 and "Traceback" not in monthly.stderr


def test_a_report_as_documents(fresh_url: str, tmp_path: Path) -> None:
    import io

    from docx import Document

    assert run("commune", "add", "7060", "--year", "2024", database_url=fresh_url).returncode == 0
    common = ("--commune", "7060", "--as-of", "2024-12-06T09:00")
    no_file = run(
        "report", "annual", "--year", "2024", "--format", "docx", *common, database_url=fresh_url
    )
    assert no_file.returncode == 1 and "--out" in no_file.stderr
    assert "Traceback" not in no_file.stderr and len(no_file.stderr.strip().splitlines()) == 1
    out = tmp_path / "bao-cao.docx"
    made = run(
        "report", "quarterly", "--year", "2024", "--quarter", "3", "--format", "docx",
        "--number", "15", "--out", str(out), *common, database_url=fresh_url,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    document = Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts and any("quý III năm 2024" in t for t in texts)
    assert document.tables[0].cell(1, 0).paragraphs[0].text == "Số: 15/BC-UBND"
    page = run(
        "report", "monthly", "--month", "2024-11", "--format", "html", *common,
        database_url=fresh_url,
    )  # fmt: skip
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page.stdout
    assert "tháng 11 năm 2024" in page.stdout
