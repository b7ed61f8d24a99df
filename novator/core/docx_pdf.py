"""The PDF twin of a generated DOCX, for those who cannot open Word files: the same paragraphs and tables in
the same order, laid out by WeasyPrint on the same page (A4 or landscape A4, the margins, Times New Roman 14,
12 in tables, page numbers from the second page). There is no office suite on the server, so the DOCX is
read back (python-docx) and written as HTML; the content cannot drift from the DOCX because it is the DOCX.

    pdf = docx_pdf(render("minutes.docx", context))
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from .docx_build import MARGINS_MM, TABLE_SIZE, TEXT_SIZE

PDF_MIME = "application/pdf"

CSS = """
@page { size: A4 %(orientation)s; margin: %(top)smm %(right)smm %(bottom)smm %(left)smm;
        @top-center { content: counter(page);
                      font: %(text)spt "Times New Roman", "Liberation Serif", serif; } }
@page :first { @top-center { content: none; } }
body { font-family: "Times New Roman", "Liberation Serif", serif; font-size: %(text)spt; line-height: 1.15; }
p { margin: 0; min-height: 1em; }
p.indent { text-indent: 12.5mm; }
p.center { text-align: center; }
p.right { text-align: right; }
p.justify { text-align: justify; }
p.split { display: flex; justify-content: space-between; gap: 1em; }
p.small { font-size: %(table)spt; }
div.break { break-after: page; }
table { border-collapse: collapse; width: 100%%; margin: 0.3em 0; font-size: %(table)spt; }
th, td { border: 0.5pt solid #000; padding: 1pt 3pt; vertical-align: top; text-align: left; }
"""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError("External resources are not loaded into documents.")


def _runs(paragraph: Paragraph) -> str:
    parts = []
    for run in paragraph.runs:
        text = escape(run.text).replace("\t", " ")
        if not text:
            continue
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        parts.append(text)
    return "".join(parts)


def _has_page_break(paragraph: Paragraph) -> bool:
    return any(br.get(qn("w:type")) == "page" for br in paragraph._p.iter(qn("w:br")))


def _paragraph(paragraph: Paragraph) -> str:
    if _has_page_break(paragraph):
        return '<div class="break"></div>'
    text = paragraph.text
    classes = []
    if "\t" in text and paragraph.paragraph_format.tab_stops and len(paragraph.runs) == 1:
        # a line with its second half flush right (the date and number, a signature)
        left, _tab, right = text.partition("\t")
        bold = " style='font-weight:bold'" if paragraph.runs[0].bold else ""
        return f'<p class="split"{bold}><span>{escape(left)}</span><span>{escape(right)}</span></p>'
    alignment = paragraph.alignment
    if alignment == WD_ALIGN_PARAGRAPH.CENTER:
        classes.append("center")
    elif alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        classes.append("right")
    elif alignment == WD_ALIGN_PARAGRAPH.JUSTIFY:
        classes.append("justify")
    if paragraph.paragraph_format.first_line_indent:
        classes.append("indent")
    sizes = {round(run.font.size.pt) for run in paragraph.runs if run.font.size is not None}
    if sizes and max(sizes) <= TABLE_SIZE:
        classes.append("small")
    attribute = f' class="{" ".join(classes)}"' if classes else ""
    return f"<p{attribute}>{_runs(paragraph)}</p>"


def _table(table: Table) -> str:
    rows = []
    for index, row in enumerate(table.rows):
        tag = "th" if index == 0 else "td"
        cells = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                continue
            seen.add(id(cell._tc))
            text = "<br>".join(escape(p.text) for p in cell.paragraphs)
            cells.append(f"<{tag}>{text}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table>{''.join(rows)}</table>"


def docx_html(content: bytes) -> str:
    """The DOCX's body as HTML: paragraphs and tables in their order, with the page's CSS."""
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    landscape = (section.page_width or 0) > (section.page_height or 0)
    parts = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            parts.append(_paragraph(Paragraph(element, document)))
        elif element.tag == qn("w:tbl"):
            parts.append(_table(Table(element, document)))
    css = CSS % {
        "orientation": "landscape" if landscape else "portrait",
        "text": TEXT_SIZE,
        "table": TABLE_SIZE,
        **MARGINS_MM,
    }
    return (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><style>'
        + css
        + "</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def docx_pdf(content: bytes) -> bytes:
    """The PDF twin of a DOCX (WeasyPrint; nothing is fetched from outside)."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=docx_html(content), url_fetcher=_no_fetch).write_pdf()
    return pdf
