"""Building blocks of the DOCX documents and of the scripts that build the apps' DOCX templates
(`<app>/docx/build_templates.py`), laid out per ГОСТ Р 7.0.97-2016: A4 (landscape A4 for wide tables),
margins 30 mm left, 10 mm right, 20 mm top and bottom, Times New Roman 14 (12 in tables), page numbers
in the header's centre from the second page on; the date and number of a document on one line
(«ДД.ММ.ГГГГ № N», `date_number`) and a document cited as «от ДД.ММ.ГГГГ № N» (`cite`). A table's
templated row is repeated by docxtpl (`{%tr for … %}`)."""

from __future__ import annotations

import datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from novator.core.dates import ddmmyyyy

FONT = "Times New Roman"
TEXT_SIZE = 14
TABLE_SIZE = 12
MARGINS_MM = {"left": 30, "right": 10, "top": 20, "bottom": 20}
A4_MM = (210, 297)


def _font(style: Any, size: int) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):  # Cyrillic is typeset in the same face
        fonts.set(qn(attr), FONT)


def _page_number(section: Any) -> None:
    """A PAGE field centred in the header; the first page has its own (empty) header."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    run.font.name = FONT
    run.font.size = Pt(TEXT_SIZE)


def document(*, landscape: bool = False) -> Any:
    """A new document per ГОСТ Р 7.0.97-2016 on A4 (python-docx's default page is US Letter)."""
    doc = Document()
    _font(doc.styles["Normal"], TEXT_SIZE)
    paragraph_format = doc.styles["Normal"].paragraph_format
    paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing = 1.0
    section = doc.sections[0]
    width, height = Mm(A4_MM[0]), Mm(A4_MM[1])
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    _page_number(section)
    return doc


def page_break(doc: Any) -> Any:
    """A paragraph that starts a new page (an annex)."""
    paragraph = doc.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    return paragraph


def text_width(doc: Any) -> Any:
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def date_text(value: datetime.date | None) -> str:
    """«ДД.ММ.ГГГГ», or an empty string."""
    return ddmmyyyy(value)


def date_number(value: datetime.date | None, number: Any) -> str:
    """The date and number of a document as printed on it: «ДД.ММ.ГГГГ № N» (blanks to fill if unknown)."""
    return f"{date_text(value) or '__.__.20__'} № {number or '____'}"


def cite(value: datetime.date | None, number: Any) -> str:
    """A document cited in a text: «от ДД.ММ.ГГГГ № N» (the date before the number)."""
    return f"от {date_number(value, number)}"


def split_line(doc: Any, left: str, right: str, *, bold: bool = False) -> Any:
    """One line with `left` at the left margin and `right` flush with the right margin (a right tab stop):
    the date and number of a document, a position and the name under a signature."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    run = paragraph.add_run(f"{left}\t{right}")
    run.bold = bold
    return paragraph


def para(
    doc: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    justify: bool = False,
    align_right: bool = False,
    size: int = 0,
) -> Any:
    """A paragraph of one run (a leading tab becomes the first-line indent); returns the paragraph."""
    paragraph = doc.add_paragraph()
    if text.startswith("\t"):  # a paragraph of running text: the standard's indent of 1.25 cm
        text = text[1:]
        paragraph.paragraph_format.first_line_indent = Mm(12.5)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    elif align_right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold
    if italic:  # (not written when False: the default, as Word itself leaves it)
        run.italic = True
    if size:
        run.font.size = Pt(size)
    return paragraph


def _small(table: Any) -> None:
    """Every run in the table set in 12 pt (the text of the document is 14)."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_SIZE)


def _header(table: Any, headers: list[str]) -> None:
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True


def table(doc: Any, headers: list[str], rows: list[list[str]]) -> Any:
    """A table with a bold header row and the given rows of text, in 12 pt."""
    result = doc.add_table(rows=1 + len(rows), cols=len(headers))
    _header(result, headers)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            result.rows[r].cells[c].text = text
    _small(result)
    return result


def loop_table(doc: Any, headers: list[str], cells: list[str], loop: str) -> Any:
    """A table with a header row and one templated row repeated by `{%tr for <loop> %}`, in 12 pt."""
    result = doc.add_table(rows=4, cols=len(headers))
    _header(result, headers)
    result.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        result.rows[2].cells[i].text = text
    result.rows[3].cells[0].text = "{%tr endfor %}"
    _small(result)
    return result


def quote(text: str) -> str:
    """`text` in «ёлочки», the quotes inside it turned into „лапки“ (no «…«…»…» in one line)."""
    inner = []
    depth = 0
    for char in text.strip():
        if char == "«":
            inner.append("„")
            depth += 1
        elif char == "»" and depth:
            inner.append("“")
            depth -= 1
        elif char == '"':
            inner.append("“" if depth % 2 else "„")
            depth = 0 if depth else 1
        else:
            inner.append(char)
    return "«" + "".join(inner) + "»"
