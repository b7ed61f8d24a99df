"""What a DOCX must be to be signed (ГОСТ Р 7.0.97-2016 as laid out by `core.docx_build`): the tests of
every generated document ask `gost_problems` and expect an empty list."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from .docx_build import A4_MM, FONT, MARGINS_MM, TABLE_SIZE, TEXT_SIZE


def _mm(length: Any) -> int:
    return round(length.mm)


def gost_problems(content: bytes | Any) -> list[str]:
    """The departures of a DOCX (bytes or an open python-docx document) from the layout: page, margins,
    font, page numbering, table text size."""
    document = Document(io.BytesIO(content)) if isinstance(content, bytes | bytearray) else content
    problems = []
    for number, section in enumerate(document.sections, start=1):
        size = sorted((_mm(section.page_width), _mm(section.page_height)))
        if tuple(size) != A4_MM:
            problems.append(f"section {number}: page {size} mm is not A4")
        margins = {
            "left": _mm(section.left_margin),
            "right": _mm(section.right_margin),
            "top": _mm(section.top_margin),
            "bottom": _mm(section.bottom_margin),
        }
        if margins != MARGINS_MM:
            problems.append(f"section {number}: margins {margins}")
        if not section.different_first_page_header_footer:
            problems.append(f"section {number}: the first page is numbered")
        if "PAGE" not in "".join(t.text or "" for t in section.header._element.iter(qn("w:instrText"))):
            problems.append(f"section {number}: no page number in the header")
    normal = document.styles["Normal"].font
    if normal.name != FONT or normal.size is None or round(normal.size.pt) != TEXT_SIZE:
        problems.append(f"text font {normal.name} {normal.size.pt if normal.size else None}")
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.font.name not in (None, FONT):
                problems.append(f"a run in {run.font.name}: {run.text[:40]}")
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        if run.text.strip() and (
                            run.font.size is None or round(run.font.size.pt) != TABLE_SIZE
                        ):
                            problems.append(f"table text not {TABLE_SIZE} pt: {run.text[:40]}")
                            break
    return problems


def _squash(text: str) -> str:
    return "".join(text.split())


def docx_texts(content: bytes) -> list[tuple[str, str]]:
    """The text of a DOCX's paragraphs and table cells in the body's order (the empty ones left out), each
    as ("p", text) or ("cell", text)."""
    document = Document(io.BytesIO(content))
    texts = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            texts.append(("p", "".join(t.text or "" for t in element.iter(qn("w:t")))))
        elif element.tag == qn("w:tbl"):
            for cell in element.iter(qn("w:tc")):
                texts.append(("cell", "".join(t.text or "" for t in cell.iter(qn("w:t")))))
    return [(kind, text) for kind, text in texts if text.strip()]


def pdf_twin_problems(docx: bytes, pdf: bytes) -> list[str]:
    """The paragraphs and cells of the DOCX that its PDF twin lacks (white space, line breaks and page
    numbers aside); an empty list when the two say the same. Paragraphs must come in the DOCX's order; the
    lines of a table's cells may be read from the PDF interleaved with their neighbours', so each word of a
    cell is looked for on its own."""
    from pypdf import PdfReader

    printed = _squash("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))
    problems = []
    position = 0
    for kind, text in docx_texts(docx):
        if kind == "cell":
            if any(word not in printed for word in text.split()):
                problems.append(text[:80])
            continue
        found = printed.find(_squash(text), position)
        if found < 0:
            problems.append(text[:80])
        else:
            position = found + len(_squash(text))
    return problems
