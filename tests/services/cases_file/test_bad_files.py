"""Files `pakn import cases` cannot read end in one clear line, never a traceback: another
encoding, a huge cell, something that is not an Excel file; a sheet of a million rows is
read within bounds and its problems are listed up to a limit; a quote left open is
reported. The CLI runs in this process (cli.main, as `pakn` runs it), for speed."""

import io
import tracemalloc
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from cli.main import main
from services.cases_file.importer import Limits, UnreadableFile, import_cases
from services.cases_file.reading import read_table
from services.communes import registry as communes
from tests.services.cases_file.test_import_export import GOOD, HEADER, NOW, POLICY

Pakn = Callable[..., tuple[int, str, str]]


@pytest.fixture
def pakn(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Pakn:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    assert run("commune", "add", "7060")[0] == 0
    assert run("village", "add", "--commune", "7060", "Thôn Yên Phú")[0] == 0
    return run


def _csv(tmp_path: Path, data: bytes, name: str = "so.csv") -> str:
    (tmp_path / name).write_bytes(data)
    return str(tmp_path / name)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def _cp1258(text: str) -> bytes:
    """Vietnamese Windows: letters with their vowel marks, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        kept = "".join(p for p in parts if p not in tones)
        out.append(unicodedata.normalize("NFC", kept) + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


def test_encodings(pakn: Pakn, tmp_path: Path) -> None:
    text = "\n".join([HEADER, *GOOD]) + "\n"
    utf16 = _csv(tmp_path, text.replace(",", "\t").encode("utf-16"), "unicode.csv")
    code, out, err = pakn("import", "cases", utf16, "--commune", "7060", "--dry-run")
    assert code == 0 and "Sẽ nhập 3 hồ sơ." in out, err  # Excel's "Unicode text", with a BOM

    latin = _csv(tmp_path, (HEADER + "\n").encode() + "Café,crème\n".encode("latin-1"))
    code, out, err = pakn("import", "cases", latin, "--commune", "7060")
    assert code == 1 and _lines(err) == [
        f"{latin} không phải UTF-8 (byte 0xE9 ở dòng 2): hãy lưu lại từ Excel dạng “CSV UTF-8”, "
        "hoặc nói rõ bảng mã, ví dụ --encoding cp1258 (Windows tiếng Việt) hoặc --encoding "
        "latin-1. Chưa nhập hồ sơ nào."
    ]
    no_bom = _csv(tmp_path, text.encode("utf-16-le"), "no-bom.csv")
    code, out, err = pakn("import", "cases", no_bom, "--commune", "7060")
    assert code == 1 and len(_lines(err)) == 1 and "--encoding utf-16-le" in err
    code, out, err = pakn("import", "cases", no_bom, "--commune", "7060", "--encoding", "koi9")
    assert code == 1 and _lines(err) == [
        "“koi9” không phải tên bảng mã: ví dụ utf-8, cp1258, latin-1. Chưa nhập hồ sơ nào."
    ]

    windows = _csv(tmp_path, _cp1258(text), "windows.csv")
    code, out, err = pakn("import", "cases", windows, "--commune", "7060", "--encoding", "cp1258")
    assert code == 0 and "Đã nhập 3 hồ sơ." in out, err


def test_a_cell_over_128_kb(pakn: Pakn, tmp_path: Path) -> None:
    row = GOOD[1].replace("Xin làm đường", "x" * 140_000)
    path = _csv(tmp_path, "\n".join([HEADER, GOOD[0], row]).encode())
    code, _out, err = pakn("import", "cases", path, "--commune", "7060")
    assert code == 1 and _lines(err) == [
        f"{path}, dòng 3: có ô dài hơn 131072 ký tự nên không đọc tiếp tệp. Có thể một dấu "
        'ngoặc kép (") chưa đóng đã gộp các dòng sau nó vào một ô. Chưa nhập hồ sơ nào.'
    ]


def test_files_that_are_not_excel(pakn: Pakn, tmp_path: Path) -> None:
    text = tmp_path / "so.xlsx"
    text.write_text(HEADER)
    old = tmp_path / "cu.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    other = tmp_path / "khac.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    for path, expected in (
        (text, "không phải tệp Excel (.xlsx), hoặc tệp bị hỏng"),
        (old, "là tệp Excel kiểu cũ (.xls) hoặc có mật khẩu"),
        (other, "không phải tệp Excel (.xlsx), hoặc tệp bị hỏng"),
    ):
        code, _out, err = pakn("import", "cases", str(path), "--commune", "7060")
        assert code == 1 and len(_lines(err)) == 1, err
        assert expected in err and err.startswith(str(path)), err


def test_a_quote_left_open_is_reported(pakn: Pakn, tmp_path: Path) -> None:
    rows = [GOOD[0], GOOD[1].replace("Xin làm đường", '"Xin làm đường'), GOOD[2]]
    path = _csv(tmp_path, "\n".join([HEADER, *rows]).encode())
    code, out, err = pakn("import", "cases", path, "--commune", "7060", "--dry-run")
    assert _lines(err)[0] == (
        'dòng 3: một dấu ngoặc kép (") mở ở dòng này không được đóng đúng chỗ, nên 1 dòng '
        "tiếp theo của tệp đã bị đọc gộp vào một ô của dòng này: hãy kiểm tra các dấu ngoặc "
        "kép ở dòng đó."
    )
    assert code == 0 and "Sẽ nhập 2 hồ sơ." in out


def test_the_errors_printed_are_bounded(pakn: Pakn, tmp_path: Path) -> None:
    bad = [f"PA24-{n:04},Zalo2,Phản ánh,,,21/11/2024,,,Mới,,," for n in range(1, 151)]
    path = _csv(tmp_path, "\n".join([HEADER, *bad]).encode())
    code, _out, err = pakn("import", "cases", path, "--commune", "7060")
    lines = _lines(err)
    assert code == 1 and len(lines) == 102  # 100 problems, the rest counted, and the outcome
    assert lines[0].startswith("dòng 2: Kênh tiếp nhận “Zalo2” không có")
    assert lines[100] == "… và 200 lỗi khác: hãy sửa các lỗi trên rồi chạy lại để xem tiếp."


def _xlsx(rows: list[list[object]], dimension: str | None = None) -> bytes:
    """A workbook; its sheet claiming the size `dimension` if given (a million rows)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b"<dimension ref=")
                end = data.index(b"/>", start) + 2
                data = data[:start] + f'<dimension ref="{dimension}"/>'.encode() + data[end:]
            target.writestr(item, data)
    return out.getvalue()


def test_a_sheet_claiming_a_million_rows_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "so.xlsx"
    path.write_bytes(_xlsx([HEADER.split(","), GOOD[0].split(",")], "A1:XFD1048576"))
    tracemalloc.start()
    try:
        table = read_table(path)
        rows = list(table.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [line for line, _ in rows] == [2] and table.header[0] == "Mã hồ sơ"
    assert peak < 20 << 20


def test_a_million_rows_stop_at_the_limit(tmp_path: Path) -> None:
    """The attack's sheet (a value in each of a million rows), scaled down with its limit."""
    path = tmp_path / "so.xlsx"
    path.write_bytes(_xlsx([HEADER.split(","), *([0] for _ in range(3000))]))
    with pytest.raises(UnreadableFile) as refused:
        list(read_table(path, limits=Limits(rows=1000)).rows)
    assert (refused.value.problem, refused.value.line) == ("too_many_rows", 1002)
    far = tmp_path / "far.xlsx"
    book = Workbook()
    book.active.append(HEADER.split(","))
    book.active.cell(row=1_048_576, column=1, value="PA24-0001")
    book.save(far)
    with pytest.raises(UnreadableFile) as refused:
        list(read_table(far, limits=Limits(lines=5000)).rows)
    assert (refused.value.problem, refused.value.line) == ("too_many_lines", 5001)


async def test_problems_kept_are_bounded(session: AsyncSession, tmp_path: Path) -> None:
    commune = await communes.add_commune(session, "7060", year=2024, population=1000)
    path = tmp_path / "so.xlsx"
    path.write_bytes(_xlsx([HEADER.split(","), *([0] for _ in range(300))]))
    result = await import_cases(session, POLICY, commune, path, now=NOW, limits=Limits(problems=10))
    assert len(result.errors) == 10 and result.unlisted == 300 * 5 - 10
    assert (result.rows, result.bad_rows, result.imported) == (300, 300, 0)
