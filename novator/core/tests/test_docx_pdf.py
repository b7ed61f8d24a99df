"""The PDF twin of a DOCX says what the DOCX says, on the same page."""

from __future__ import annotations

import io

from pypdf import PdfReader

from novator.core import docx_build as build
from novator.core.docx_check import pdf_twin_problems
from novator.core.docx_pdf import docx_html, docx_pdf


def _docx(*, landscape: bool = False) -> bytes:
    document = build.document(landscape=landscape)
    build.para(document, "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ <АДМИНИСТРАЦИИ> & Ко", bold=True, center=True)
    build.split_line(document, "01.06.2023", "№ 3")
    build.para(document, "\tВ соответствии с частью 4 статьи 20 " * 20, justify=True)
    build.table(document, ["Место", "Организация"], [["1", "МБОУ СОШ № 1"], ["2", "МБДОУ детский сад № 2"]])
    build.page_break(document)
    build.para(document, "Приложение", align_right=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_pdf_twin_has_the_same_text_in_the_same_order_on_a4():
    docx = _docx()
    pdf = docx_pdf(docx)
    assert pdf_twin_problems(docx, pdf) == []
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # the page break of the annex
    width, height = (round(float(v) / 72 * 25.4) for v in reader.pages[0].mediabox[2:])
    assert (width, height) == (210, 297)
    # numbered from the second page
    assert "2" in reader.pages[1].extract_text().splitlines()
    assert "1" not in reader.pages[0].extract_text().splitlines()


def test_a_landscape_document_stays_landscape_and_markup_is_text():
    docx = _docx(landscape=True)
    html = docx_html(docx)
    assert "size: A4 landscape" in html and "&lt;АДМИНИСТРАЦИИ&gt; &amp; Ко" in html
    reader = PdfReader(io.BytesIO(docx_pdf(docx)))
    width, height = (round(float(v) / 72 * 25.4) for v in reader.pages[0].mediabox[2:])
    assert (width, height) == (297, 210)


def test_a_missing_paragraph_is_named():
    other = build.document()
    build.para(other, "Другой текст")
    buffer = io.BytesIO()
    other.save(buffer)
    assert pdf_twin_problems(_docx(), docx_pdf(buffer.getvalue())) != []
