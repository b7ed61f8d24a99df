"""Build the DOCX template of a network's annual report (docxtpl: Jinja tags inside a Word file).

    .venv/bin/python novator/networks/docx/build_templates.py

writes `annual_report.docx` (отчёт о деятельности сети за учебный год) next to this script. The generated
file is committed; its context is built by `novator.networks.report.context`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent


def _document() -> Any:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = Cm(2)
    section.right_margin = Cm(1.5)
    section.top_margin = Cm(1.5)
    section.bottom_margin = Cm(1.5)
    return document


def _para(document: Any, text: str = "", *, bold: bool = False, center: bool = False, size: int = 0) -> None:
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)


def _loop_table(document: Any, headers: list[str], cells: list[str], loop: str) -> None:
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def build_annual_report(path: Path) -> None:
    document = _document()
    _para(document, "ОТЧЁТ", bold=True, center=True, size=14)
    _para(document, "о деятельности сети за {{ year }} учебный год", bold=True, center=True)
    _para(document, "«{{ topic }}»", bold=True, center=True)
    _para(document, "Организация-лидер: {{ leader }} ({{ municipality }}).")
    _para(document, "{%p if status %}")
    _para(document, "Статус: {{ status }}.")
    _para(document, "{%p endif %}")
    _para(document, "{%p if agreements %}")
    _para(document, "Договоры о сетевом взаимодействии:")
    _para(document, "{%p for a in agreements %}")
    _para(
        document,
        "— № {{ a.number }} от {{ a.signed_on }}, срок действия {{ a.valid_from }} — {{ a.valid_to }};",
    )
    _para(document, "{%p endfor %}")
    _para(document, "{%p endif %}")
    _para(document, "1. Итоги года", bold=True)
    _para(
        document,
        "Запланировано мероприятий: {{ planned }}; проведено: {{ held }}; участников мероприятий сети "
        "(присутствовали): {{ participants }}. Партнёров: подтвердили участие {{ partners_confirmed }} из "
        "{{ partners_invited }} приглашённых; охвачено мероприятиями сети: {{ partners_reached }}.",
    )
    _para(document, "2. План и его выполнение", bold=True)
    _loop_table(
        document,
        ["№", "Мероприятие по плану", "Срок по плану", "Проведено", "Участников", "Партнёры-участники"],
        [
            "{{ i.number }}",
            "{{ i.title }}",
            "{{ i.planned_on }}",
            "{{ i.held_on or 'не проведено' }}",
            "{{ i.participants }}",
            "{{ i.partners or '—' }}",
        ],
        "i in items",
    )
    _para(document, "")
    _para(document, "3. Партнёры сети", bold=True)
    _loop_table(
        document,
        ["№", "Организация-партнёр", "Муниципалитет", "Участие", "Охвачена мероприятиями"],
        ["{{ p.number }}", "{{ p.name }}", "{{ p.municipality }}", "{{ p.state }}", "{{ p.reached }}"],
        "p in partners",
    )
    _para(document, "")
    _para(
        document, "Отчёт сформирован {{ generated_on }} в системе «Новатор» по данным календаря мероприятий."
    )
    _para(document, "")
    _para(document, "Руководитель организации-лидера\t________________\t/______________/")
    document.save(str(path))


if __name__ == "__main__":
    build_annual_report(HERE / "annual_report.docx")
    print("written:", HERE / "annual_report.docx")
