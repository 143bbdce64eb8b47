"""Builds reports/templates/report.docx, the docxtpl template of the report documents.

    .venv/bin/python scripts/make_report_template.py

Layout of Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, margins 20/20/30/15 mm, Times New Roman
(also for East Asian and complex scripts, so Vietnamese never falls back to another font),
14 pt body; the header table (issuer and number left, Quốc hiệu and tiêu ngữ, place and
date right), "BÁO CÁO" and the subject, "Kính gửi", the sections and the tables, then
"Nơi nhận" (12/11 pt) and the signature. Page numbers at the top centre from page 2.
The jinja2 tags are written each in one run, so docxtpl sees them whole. Commit the .docx
with this script whenever either changes."""

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

OUT = Path(__file__).resolve().parent.parent / "reports" / "templates" / "report.docx"
FONT = "Times New Roman"
TEXT_WIDTH = 16.5  # cm: 21.0 - 3.0 - 1.5
HEADER_COLUMNS = (6.3, 10.2)
TABLE_COLUMNS = (1.0, 3.0, *(1.5625,) * 8)
TABLE_HEADS = (
    "Tiếp nhận trong kỳ",
    "Kỳ trước chuyển sang",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Quá hạn",
)
TABLE_FIELDS = (
    "received",
    "carried_over",
    "answered",
    "early",
    "on_time",
    "late",
    "pending",
    "pending_overdue",
)


def set_fonts(r_pr: OxmlElement, size: float | None = None) -> None:
    """Times New Roman for every script, Vietnamese as the language."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            element = r_pr.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                r_pr.append(element)
            element.set(qn("w:val"), str(int(size * 2)))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    lang.set(qn("w:bidi"), "ar-SA")


def setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), 14)
    for name in ("Normal", "Table Grid", "Header", "Footer"):
        style = document.styles[name]
        set_fonts(style.element.get_or_add_rPr(), 14 if name == "Normal" else None)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(0)
    normal.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # page numbers: top centre, not on the first page
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    number._p.append(field)
    props = document.core_properties
    props.author, props.title, props.comments = "Hòm thư số", "Báo cáo", ""


def para(
    container: object,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    first_line: float | None = None,
    left: float | None = None,
    spacing: float | None = None,
    keep_with_next: bool = False,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    paragraph.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if first_line is not None:
        fmt.first_line_indent = Cm(first_line)
    if left is not None:
        fmt.left_indent = Cm(left)
    if spacing is not None:
        fmt.line_spacing = spacing
    fmt.keep_with_next = keep_with_next or None
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
        run.underline = underline
    mark = OxmlElement("w:rPr")  # the paragraph mark: sets an empty paragraph's height
    paragraph._p.get_or_add_pPr().insert_element_before(mark, "w:sectPr", "w:pPrChange")
    set_fonts(mark, size)
    return paragraph


def tag(container: object, text: str) -> None:
    """A paragraph holding only a docxtpl {%p … %} tag; it disappears when rendered."""
    para(container, text, align=WD_ALIGN_PARAGRAPH.LEFT)


def body(container: object, text: str, *, bold: bool = False) -> Paragraph:
    return para(
        container,
        text,
        bold=bold,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line=1.0,
        before=3,
        after=3,
        spacing=1.15,
    )


def short_line(container: object, width_cm: float, column_cm: float) -> None:
    """A centred horizontal rule of `width_cm`: a tiny paragraph's bottom border."""
    paragraph = para(container, size=1)
    side = max((column_cm - 0.4 - width_cm) / 2, 0)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr"
    )


def cell_margins(table: Table, side_cm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(side_cm * 567)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def widths(table: Table, columns: tuple[float, ...]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), columns, strict=True):
        col.set(qn("w:w"), str(int(width * 567)))
    for row in table.rows:
        for cell, width in zip(row.cells, columns, strict=False):
            cell.width = Cm(width)


def clear(cell: object) -> object:
    """A new cell holds one empty paragraph; drop it so content starts at the top."""
    for paragraph in list(cell.paragraphs):  # type: ignore[attr-defined]
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def header(document: DocxDocument) -> None:
    table = document.add_table(rows=2, cols=2)
    widths(table, HEADER_COLUMNS)
    left, right = clear(table.cell(0, 0)), clear(table.cell(0, 1))
    para(left, "{{ issuer_parent }}", size=13, bold=True)
    para(left, "{{ issuer }}", size=13, bold=True)
    short_line(left, 2.2, HEADER_COLUMNS[0])
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, underline=True)
    para(clear(table.cell(1, 0)), "{{ number_line }}", size=13, before=6)
    para(clear(table.cell(1, 1)), "{{ place_date }}", size=14, italic=True, before=6)


def recipients(document: DocxDocument) -> None:
    tag(document, "{%p if recipients|length == 1 %}")
    para(document, "Kính gửi: {{ recipients[0] }}", before=6, after=6)
    tag(document, "{%p elif recipients %}")
    first = para(document, "Kính gửi:\t{{ recipients[0] }}", before=6, left=5.0, first_line=-2.6)
    first.alignment = WD_ALIGN_PARAGRAPH.LEFT
    first.paragraph_format.tab_stops.add_tab_stop(Cm(5.0), WD_TAB_ALIGNMENT.LEFT)
    tag(document, "{%p for line in recipients[1:] %}")
    para(document, "{{ line }}", align=WD_ALIGN_PARAGRAPH.LEFT, left=5.0)
    tag(document, "{%p endfor %}")
    para(document, size=6)
    tag(document, "{%p endif %}")


def section(document: DocxDocument, name: str, *, keep_with_next: bool = False) -> None:
    tag(document, f"{{%p for text in sections.{name} %}}")
    paragraph = body(document, "{{ text }}")
    if keep_with_next:  # and whole: the closing words stay with the signature
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.keep_together = True
    tag(document, "{%p endfor %}")


def heading(document: DocxDocument, text: str) -> None:
    """A section's heading, never alone at the foot of a page."""
    body(document, text, bold=True).paragraph_format.keep_with_next = True


def results_table(document: DocxDocument, rows: str, first_head: str) -> None:
    table = document.add_table(rows=6, cols=len(TABLE_COLUMNS))
    table.style = document.styles["Table Grid"]
    widths(table, TABLE_COLUMNS)
    cell_margins(table, 0.08)
    heads = (
        "TT",
        first_head,
        TABLE_HEADS[0],
        TABLE_HEADS[1],
        "Đã giải quyết",
        "",
        "",
        "",
        "Chưa giải quyết",
        "",
    )
    for col, text in enumerate(heads):
        if text:
            para(clear(table.cell(0, col)), text, size=11, bold=True)
    for col, text in enumerate(TABLE_HEADS[2:], start=4):
        para(clear(table.cell(1, col)), text, size=11, bold=True)
    for col in range(4):
        table.cell(0, col).merge(table.cell(1, col))
    table.cell(0, 4).merge(table.cell(0, 7))
    table.cell(0, 8).merge(table.cell(0, 9))
    for index in (0, 1):  # the heading repeats on every page the table spans
        tr_pr = table.rows[index]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
    loop = table.rows[2].cells
    para(clear(loop[0]), f"{{%tr for row in {rows} %}}", size=12)
    data = table.rows[3].cells
    para(clear(data[0]), "{{ row.no }}", size=12)
    para(clear(data[1]), "{{ row.name }}", size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for cell, field in zip(data[2:], TABLE_FIELDS, strict=True):
        para(clear(cell), f"{{{{ row.{field} }}}}", size=12)
    para(clear(table.rows[4].cells[0]), "{%tr endfor %}", size=12)
    totals = table.rows[5].cells
    para(clear(totals[1]), "Tổng cộng", size=12, bold=True)
    totals[0].merge(totals[1])
    for cell, field in zip(totals[2:], TABLE_FIELDS, strict=True):
        para(clear(cell), f"{{{{ {rows}_total.{field} }}}}", size=12, bold=True)
    for row in table.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if not cell.paragraphs:
                para(cell, size=12)


def tables(document: DocxDocument) -> None:
    tag(document, "{%p if channel_rows %}")
    intro = body(
        document, "Kết quả theo kênh tiếp nhận và theo lĩnh vực {{ period }} (đơn vị: lượt):"
    )
    intro.paragraph_format.keep_with_next = True
    para(
        document,
        "Bảng 1. Theo kênh tiếp nhận",
        size=13,
        italic=True,
        before=6,
        after=3,
        keep_with_next=True,
    )
    results_table(document, "channel_rows", "Kênh tiếp nhận")
    para(
        document,
        "Bảng 2. Theo lĩnh vực",
        size=13,
        italic=True,
        before=9,
        after=3,
        keep_with_next=True,
    )
    results_table(document, "category_rows", "Lĩnh vực")
    para(document, size=6)
    tag(document, "{%p endif %}")


def signature(document: DocxDocument) -> None:
    """ "Nơi nhận" and the signature: one row that cannot split across pages, kept with the
    closing paragraph above it (Word's and LibreOffice's keep-with-next)."""
    para(document, size=6, keep_with_next=True)
    table = document.add_table(rows=1, cols=2)
    widths(table, (7.5, 9.0))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = clear(table.cell(0, 0)), clear(table.cell(0, 1))
    para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    tag(left, "{%p for line in copies %}")
    para(left, "{{ line }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    tag(left, "{%p endfor %}")
    tag(right, "{%p for line in signer_lines %}")
    para(right, "{{ line }}", size=14, bold=True)
    tag(right, "{%p endfor %}")
    for _ in range(4):
        para(right)
    para(right, "{{ signer_name }}", size=14, bold=True)


def build(document: DocxDocument) -> None:
    header(document)
    para(document, size=6)
    para(document, "BÁO CÁO", bold=True, before=12)
    para(document, "{{ title }}", bold=True)
    short_line(document, 4.0, TEXT_WIDTH)
    recipients(document)
    section(document, "basis")
    heading(document, "1. Công tác chỉ đạo, điều hành:")
    section(document, "direction")
    heading(document, "2. Tình hình và kết quả cụ thể:")
    section(document, "situation")
    section(document, "results")
    tables(document)
    heading(document, "3. Hạn chế, khó khăn:")
    section(document, "difficulties")
    tag(document, "{%p if sections.proposals %}")  # left out when there is nothing to propose
    heading(document, "4. Đề xuất, kiến nghị:")
    section(document, "proposals")
    tag(document, "{%p endif %}")
    section(document, "closing", keep_with_next=True)
    signature(document)


def save(document: DocxDocument) -> bytes:
    """The package with fixed timestamps, so the same script makes the same bytes."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


if __name__ == "__main__":
    document = Document()
    setup(document)
    build(document)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(save(document))
    print(f"wrote {OUT}")
