"""Building blocks of the scripts that build the apps' DOCX templates (`<app>/docx/build_templates.py`):
a document in the house style (Times New Roman 12, margins in cm), a paragraph, a table, and a table whose
one templated row docxtpl repeats (`{%tr for … %}`)."""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt


def document(
    *, landscape: bool = False, left: float = 2.5, right: float = 1.5, top: float = 2, bottom: float = 2
) -> Any:
    """A new document on A4 (python-docx's default page is US Letter): Times New Roman 12, the page margins
    in centimetres."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = Cm(left)
    section.right_margin = Cm(right)
    section.top_margin = Cm(top)
    section.bottom_margin = Cm(bottom)
    return doc


def para(
    doc: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    justify: bool = False,
    size: int = 0,
) -> Any:
    """A paragraph of one run; returns the paragraph."""
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = paragraph.add_run(text)
    run.bold = bold
    if italic:  # (not written when False: the default, as Word itself leaves it)
        run.italic = True
    if size:
        run.font.size = Pt(size)
    return paragraph


def _header(table: Any, headers: list[str]) -> None:
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True


def table(doc: Any, headers: list[str], rows: list[list[str]]) -> Any:
    """A table with a bold header row and the given rows of text."""
    result = doc.add_table(rows=1 + len(rows), cols=len(headers))
    _header(result, headers)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            result.rows[r].cells[c].text = text
    return result


def loop_table(doc: Any, headers: list[str], cells: list[str], loop: str) -> Any:
    """A table with a header row and one templated row repeated by `{%tr for <loop> %}`."""
    result = doc.add_table(rows=4, cols=len(headers))
    _header(result, headers)
    result.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        result.rows[2].cells[i].text = text
    result.rows[3].cells[0].text = "{%tr endfor %}"
    return result
