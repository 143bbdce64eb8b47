"""The report's date line and its population, as `pakn report` writes them: the date the
office signs on (or a blank day for the văn thư), and a share of the population that never
goes missing without a word."""

import io
from pathlib import Path

from docx import Document

from tests.cli.test_main import run


def _date_line(path: Path) -> str:
    document = Document(io.BytesIO(path.read_bytes()))
    return str(document.tables[0].cell(1, 1).paragraphs[0].text)


def test_the_date_line_is_the_as_of_day_a_given_date_or_blank(
    fresh_url: str, tmp_path: Path
) -> None:
    assert run("commune", "add", "7060", database_url=fresh_url).returncode == 0
    annual = ("report", "annual", "--year", "2024", "--commune", "7060", "--format", "docx")
    lines = {}
    for name, extra in {
        "as_of": ("--as-of", "2024-12-06T09:00"),
        "given": ("--as-of", "2024-12-06T09:00", "--date", "2024-12-20"),
        "blank": ("--as-of", "2024-12-06T09:00", "--date", "blank"),
    }.items():
        out = tmp_path / f"{name}.docx"
        made = run(*annual, "--out", str(out), *extra, database_url=fresh_url)
        assert made.returncode == 0, made.stderr
        lines[name] = _date_line(out)
    assert lines == {
        "as_of": "Thống Nhất, ngày 06 tháng 12 năm 2024",
        "given": "Thống Nhất, ngày 20 tháng 12 năm 2024",
        "blank": "Thống Nhất, ngày … tháng 12 năm 2024",
    }
    wrong = run(*annual, "--out", str(tmp_path / "x.docx"), "--date", "20/12/2024",
                database_url=fresh_url)  # fmt: skip
    assert wrong.returncode == 1 and "YYYY-MM-DD" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_a_report_year_without_population_is_said_on_the_command_line(
    fresh_url: str, tmp_path: Path
) -> None:
    added = run("commune", "add", "7060", "--population", "9677", "--year", "2025",
                database_url=fresh_url)  # fmt: skip
    assert added.returncode == 0, added.stderr
    annual = ("report", "annual", "--commune", "7060", "--format", "json")
    nearest = run(*annual, "--year", "2024", database_url=fresh_url)
    assert nearest.returncode == 0, nearest.stderr
    assert "chưa nhập số dân năm 2024: báo cáo dùng số dân năm 2025" in nearest.stderr
    assert "pakn commune set 07060 --population N --year 2024" in nearest.stderr
    assert '"population_year": 2025' in nearest.stdout
    own = run(*annual, "--year", "2025", database_url=fresh_url)
    assert own.returncode == 0 and "số dân" not in own.stderr
    assert run("commune", "add", "00004", database_url=fresh_url).returncode == 0
    none = run("report", "annual", "--commune", "00004", "--year", "2024", database_url=fresh_url)
    assert none.returncode == 0
    assert "chưa nhập số dân của xã, phường 00004" in none.stderr
    assert "pakn commune set 00004 --population N --year 2024" in none.stderr
