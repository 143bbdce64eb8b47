"""`pakn poster`: an A4 poster for a village's notice board whose QR code, read back from
the PNG, opens that village's form; the same as PDF (A4) and SVG (its words as text)."""

import re
from pathlib import Path

import zxingcpp
from PIL import Image
from sqlalchemy import text

from services.database.engine import create_sync_engine
from tests.cli.test_main import run

PUBLIC = "https://pakn.example.gov.vn"


def test_the_poster_code_opens_the_village_form(fresh_url: str, tmp_path: Path) -> None:
    env = {"PUBLIC_URL": PUBLIC}
    assert run("commune", "add", "7060", database_url=fresh_url).returncode == 0
    assert (
        run("village", "add", "--commune", "7060", "Thôn Đông", database_url=fresh_url).returncode
        == 0
    )
    assert (
        run(
            "village", "add", "--commune", "7060", "Thôn Yên Phú", database_url=fresh_url
        ).returncode
        == 0
    )
    engine = create_sync_engine(fresh_url)
    with engine.connect() as connection:
        village_id = connection.execute(
            text("SELECT id FROM village WHERE name = 'Thôn Yên Phú'")
        ).scalar_one()
    engine.dispose()
    png = tmp_path / "poster.png"
    made = run(
        "poster",
        "--commune",
        "7060",
        "--village",
        "thôn yên phú",
        "--format",
        "png",
        "--out",
        str(png),
        database_url=fresh_url,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    image = Image.open(png)
    assert abs(image.width / image.height - 210 / 297) < 0.01, "A4"
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1
    assert codes[0].text == f"{PUBLIC}/x/07060?thon={village_id}"
    assert codes[0].text in made.stdout

    pdf = tmp_path / "poster.pdf"
    assert (
        run(
            "poster", "--commune", "7060", "--out", str(pdf), database_url=fresh_url, env=env
        ).returncode
        == 0
    )
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF") and re.search(rb"/MediaBox \[ ?0 0 595\.\d+ 841\.\d+ ?\]", body)

    svg = tmp_path / "poster.svg"
    done = run(
        "poster",
        "--commune",
        "7060",
        "--village",
        "Thôn Đông",
        "--format",
        "svg",
        "--out",
        str(svg),
        database_url=fresh_url,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    words = svg.read_text()
    assert "Gửi phản ánh, kiến nghị" in words and "Thôn Đông" in words
    assert "UBND XÃ THỐNG NHẤT" in words


def test_an_unknown_village_names_those_there_are(fresh_url: str, tmp_path: Path) -> None:
    run("commune", "add", "7060", database_url=fresh_url)
    run("village", "add", "--commune", "7060", "Thôn Yên Phú", database_url=fresh_url)
    out = tmp_path / "x.pdf"
    refused = run(
        "poster",
        "--commune",
        "7060",
        "--village",
        "Thôn X",
        "--out",
        str(out),
        database_url=fresh_url,
    )
    assert refused.returncode == 1 and "Thôn Yên Phú" in refused.stderr
    assert not out.exists(), "nothing written"
