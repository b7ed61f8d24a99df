"""Build the DOCX templates of the expertise (docxtpl: Jinja tags inside Word files).

    .venv/bin/python novator/expertise/docx/build_templates.py

writes `minutes.docx` (протокол заседания экспертной комиссии) and `order.docx` (проект приказа о
присвоении статуса) next to this script. The generated files are committed; an office may edit them in
Word as long as the tags stay intact. The context each template receives is built by
`novator.expertise.documents` (`minutes_context`, `order_context`).

Tags: `{{ value }}`; `{%p … %}` for paragraph-level loops and conditions (the paragraph holding the tag is
dropped); `{%tr … %}` for table rows.
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


def _document(landscape: bool = False) -> Any:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = Cm(2.5)
    section.right_margin = Cm(1.5)
    section.top_margin = Cm(2)
    section.bottom_margin = Cm(2)
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
    """A table with a header row and one templated row repeated by `{%tr for … %}`."""
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


def build_minutes(path: Path) -> None:
    document = _document(landscape=True)
    _para(document, "ПРОТОКОЛ № {{ minutes_number or '____' }}", bold=True, center=True, size=14)
    _para(document, "заседания экспертной комиссии", bold=True, center=True)
    _para(document, "конкурса «{{ contest_title }}» ({{ academic_year }} учебный год)", center=True)
    _para(document, "{{ minutes_date or '«___» __________ 20__ г.' }}\t\t\t\t{{ organiser }}")
    _para(document, "Присутствовали члены экспертной комиссии:", bold=True)
    _para(document, "{%p for m in members %}")
    _para(
        document,
        "{{ loop.index }}. {{ m.name }}{% if m.role %} — {{ m.role }}{% endif %}"
        "{% if m.where %}, {{ m.where }}{% endif %}",
    )
    _para(document, "{%p endfor %}")
    _para(document, "{%p if secretary %}")
    _para(document, "Секретарь комиссии: {{ secretary }}.")
    _para(document, "{%p endif %}")
    _para(
        document,
        "Повестка дня: подведение итогов экспертизы заявок"
        "{% if status_name %} на присвоение статуса «{{ status_name }}»{% endif %}.",
        bold=False,
    )
    _para(
        document,
        "Каждая заявка оценена {{ experts_per_application }} экспертами по {{ criteria_count }} критериям; "
        "максимальный балл — {{ max_total }}, пороговый балл — {{ threshold }}. Итоговый балл заявки — "
        "среднее арифметическое взвешенных сумм баллов экспертов. "
        "Официальный рейтинг — {{ official_ranking }}; откалиброванный балл исправляет мягкость или "
        "строгость эксперта: суммы баллов каждого эксперта, "
        "оценившего не менее {{ calibration_min_sheets }} заявок, приведены к общей шкале "
        "(откалибровано экспертов: {{ calibrated_experts }}).",
    )
    _para(document, "{%p for c in categories %}")
    _para(document, "{{ c.name }}{% if c.quota %} (квота: {{ c.quota }}){% endif %}", bold=True)
    _loop_table(
        document,
        [
            "Место",
            "Рег. №",
            "Образовательная организация",
            "Тема проекта",
            "Экспертов",
            "Средний балл",
            "Откалибр. балл",
            "Итоговый балл",
            "Решение",
        ],
        [
            "{{ r.rank }}",
            "{{ r.number }}",
            "{{ r.organization }}",
            "{{ r.project }}",
            "{{ r.sheets }}",
            "{{ r.raw_total }}",
            "{{ r.calibrated_total }}",
            "{{ r.total }}",
            "{{ r.decision }}",
        ],
        "r in c.rows",
    )
    _para(document, "{%p endfor %}")
    _para(document, "Согласованность оценок экспертов", bold=True)
    _para(
        document,
        "Коэффициент конкордации Кендалла W = {{ kendall_w }} — {{ w_interpretation }}"
        "{% if w_test %} ({{ w_test }}){% endif %}.{% if w_note %} {{ w_note }}.{% endif %} "
        "Внутриклассовая корреляция: ICC(1) = {{ icc1 }}, ICC(2,1) = {{ icc2 }}.",
    )
    _para(document, "{%p if flagged %}")
    _para(
        document,
        "Заявки, по которым суммы баллов экспертов расходятся более чем на {{ spread_threshold }} "
        "({{ spread_percent }} % максимального балла):",
    )
    _para(document, "{%p for f in flagged %}")
    _para(
        document,
        "— № {{ f.number }} {{ f.organization }}: от {{ f.low }} до {{ f.high }} (разброс {{ f.range }});",
    )
    _para(document, "{%p endfor %}")
    _para(document, "{%p else %}")
    _para(document, "Расхождений оценок выше порога ({{ spread_threshold }}) нет.")
    _para(document, "{%p endif %}")
    _para(document, "{%p if leniency %}")
    _para(
        document,
        "Мягкость и строгость экспертов (среднее отклонение суммы баллов эксперта от оценок других "
        "экспертов тех же заявок; плюс — мягче, минус — строже):",
    )
    _loop_table(
        document,
        ["Эксперт", "Заявок", "Среднее отклонение", "Калибровка"],
        ["{{ x.name }}", "{{ x.applications }}", "{{ x.deviation }}", "{{ x.calibrated }}"],
        "x in leniency",
    )
    _para(document, "{%p endif %}")
    _para(document, "РЕШИЛИ:", bold=True)
    _para(document, "{%p if winners %}")
    _para(
        document,
        "Рекомендовать{% if status_name %} к присвоению статуса «{{ status_name }}»"
        "{% else %} признать победителями{% endif %}:",
    )
    _para(document, "{%p for w in winners %}")
    _para(document, "{{ loop.index }}. {{ w.full_name }} — по теме: «{{ w.project }}».")
    _para(document, "{%p endfor %}")
    _para(document, "{%p else %}")
    _para(document, "Ни одна заявка не рекомендована.")
    _para(document, "{%p endif %}")
    _para(document, "{%p if overrides %}")
    _para(document, "Решения, принятые в отступление от предложенного рейтинга:", bold=True)
    _para(document, "{%p for o in overrides %}")
    _para(document, "— {{ o.organization }}: {{ o.decision }}. Основание: {{ o.reason }}")
    _para(document, "{%p endfor %}")
    _para(document, "{%p endif %}")
    _para(document, "")
    _para(document, "Председатель экспертной комиссии\t________________\t{{ chair or '' }}")
    _para(document, "Секретарь экспертной комиссии\t________________\t{{ secretary or '' }}")
    document.save(str(path))


def build_order(path: Path) -> None:
    document = _document()
    _para(document, "ПРОЕКТ", bold=True)
    _para(document, "{{ authority }}", bold=True, center=True)
    _para(document, "ПРИКАЗ", bold=True, center=True, size=14)
    _para(document, "от {{ order_date or '«___» __________ 20__ г.' }}\t\t\t\t№ {{ order_number or '____' }}")
    _para(document, "О присвоении статуса «{{ status_name }}»", bold=True, center=True)
    _para(
        document,
        "По итогам конкурса «{{ contest_title }}» ({{ academic_year }} учебный год), на основании протокола "
        "заседания экспертной комиссии{% if minutes_number %} № {{ minutes_number }}{% endif %}"
        "{% if minutes_date %} от {{ minutes_date }}{% endif %} п р и к а з ы в а ю:",
    )
    _para(
        document,
        "1. Присвоить статус «{{ status_name }}» ({{ status_abbreviation }}) на срок {{ term }} "
        "с {{ starts_on }} по {{ ends_on }} следующим образовательным организациям:",
    )
    _para(document, "{%p for w in winners %}")
    _para(
        document,
        "1.{{ loop.index }}. {{ w.full_name }} — по теме: «{{ w.project }}»"
        "{% if loop.last %}.{% else %};{% endif %}",
    )
    _para(document, "{%p endfor %}")
    _para(
        document,
        "2. Руководителям образовательных организаций, указанных в пункте 1, обеспечить реализацию "
        "инновационных проектов и ежегодно представлять отчёты об их реализации.",
    )
    _para(document, "3. Контроль за исполнением настоящего приказа оставляю за собой.")
    _para(document, "")
    _para(document, "Руководитель\t\t\t________________")
    document.save(str(path))


def main() -> None:
    build_minutes(HERE / "minutes.docx")
    build_order(HERE / "order.docx")


if __name__ == "__main__":
    main()
