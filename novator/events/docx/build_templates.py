"""Build the DOCX template of the proceedings of a conference (docxtpl: Jinja tags inside a Word file).

    .venv/bin/python novator/events/docx/build_templates.py

writes `proceedings.docx` (сборник материалов конференции) next to this script. The generated file is
committed; an office may restyle it in Word as long as the tags stay intact. Its context is built by
`novator.events.proceedings.context`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent


def _document() -> Any:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    section = document.sections[0]
    section.left_margin = Cm(2.5)
    section.right_margin = Cm(1.5)
    section.top_margin = Cm(2)
    section.bottom_margin = Cm(2)
    return document


def _para(
    document: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    justify: bool = False,
    size: int = 0,
) -> Any:
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    if size:
        run.font.size = Pt(size)
    return paragraph


def build_proceedings(path: Path) -> None:
    document = _document()
    _para(document, "{{ organizers }}", center=True)
    _para(document, "")
    _para(document, "СБОРНИК МАТЕРИАЛОВ", bold=True, center=True, size=16)
    _para(document, "{{ kind }}", center=True)
    _para(document, "«{{ title }}»", bold=True, center=True, size=14)
    _para(document, "{{ date }}{% if place %}, {{ place }}{% endif %}", center=True)
    _para(document, "")
    _para(
        document,
        "В сборник включены тезисы докладов, принятые организационным комитетом. Материалы публикуются "
        "в авторской редакции.",
        italic=True,
        justify=True,
    )
    _para(document, "Содержание", bold=True).runs[0].add_break(WD_BREAK.LINE)
    _para(document, "{%p for s in sections %}")
    _para(document, "{{ s.title }}", bold=True)
    _para(document, "{%p for t in s.talks %}")
    _para(document, "{{ t.number }}. {{ t.contents_line }}")
    _para(document, "{%p endfor %}")
    _para(document, "{%p endfor %}")
    _para(document, "{%p for s in sections %}")
    _para(document, "{{ s.title }}", bold=True, center=True, size=14)
    _para(document, "{%p for t in s.talks %}")
    _para(document, "{{ t.number }}. {{ t.title }}", bold=True, center=True)
    _para(document, "{%p for a in t.authors %}")
    _para(document, "{{ a.line }}", italic=True, center=True)
    _para(document, "{%p endfor %}")
    _para(document, "{%p for line in t.paragraphs %}")
    _para(document, "{{ line }}", justify=True)
    _para(document, "{%p endfor %}")
    _para(document, "")
    _para(document, "{%p endfor %}")
    _para(document, "{%p endfor %}")
    _para(document, "{%p if not sections %}")
    _para(document, "Принятых тезисов пока нет.")
    _para(document, "{%p endif %}")
    document.save(str(path))


if __name__ == "__main__":
    build_proceedings(HERE / "proceedings.docx")
    print("written:", HERE / "proceedings.docx")
