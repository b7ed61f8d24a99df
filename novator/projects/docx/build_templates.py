"""Build the DOCX files of the projects app (python-docx; the report is a docxtpl template).

    .venv/bin/python novator/projects/docx/build_templates.py

writes next to this script:

- `report.docx` — the template of a project report (отчёт о реализации инновационного проекта), filled by
  `novator.projects.documents.report_context` with docxtpl: `{{ value }}`, `{%p … %}` for paragraph
  loops, `{%tr … %}` for table rows;
- `roadmap/<step>.docx` — blank templates offered on the steps of the management roadmap (plain Word
  documents, nothing to fill by the system).

The generated files are committed; an office may edit them in Word as long as the tags stay intact.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from novator.projects.survey_defaults import ITEMS, LIKERT_LABELS  # noqa: E402

SCALES = {
    "motivation": "Мотивация",
    "knowledge": "Знание инновационных методов",
    "experience": "Опыт",
    "reflection": "Рефлексия",
}


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


def _para(document: Any, text: str = "", *, bold: bool = False, center: bool = False, size: int = 0) -> None:
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)


def _table(document: Any, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        table.rows[0].cells[i].text = ""
        table.rows[0].cells[i].paragraphs[0].add_run(header).bold = True
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            table.rows[r].cells[c].text = text


def _loop_table(document: Any, headers: list[str], cells: list[str], loop: str) -> None:
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        table.rows[0].cells[i].text = ""
        table.rows[0].cells[i].paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def build_report(path: Path) -> None:
    d = _document()
    _para(d, "{{ kind_title }}", bold=True, center=True, size=14)
    _para(d, "о реализации инновационного проекта за {{ academic_year }} учебный год", bold=True, center=True)
    _para(d, "")
    _para(d, "Образовательная организация: {{ organization_full }}")
    _para(d, "Муниципальное образование: {{ municipality }}")
    _para(d, "Тема проекта: «{{ project }}»")
    _para(d, "{%p if status %}")
    _para(d, "Статус: {{ status }}")
    _para(d, "{%p endif %}")
    _para(
        d,
        "Срок представления: {{ due }}. Состояние: {{ state }}"
        "{% if submitted %}, представлен {{ submitted }}{% endif %}.",
    )
    _para(d, "1. Итоги года", bold=True)
    _para(d, "{{ summary }}")
    _para(d, "2. Что сделано по этапам календарного плана", bold=True)
    _loop_table(d, ["Этап", "Что сделано"], ["{{ s.title }}", "{{ s.done }}"], "s in stages")
    _para(d, "3. Показатели (план и факт)", bold=True)
    _loop_table(
        d,
        ["Показатель", "Ед. изм.", "План", "Факт"],
        ["{{ i.name }}", "{{ i.unit }}", "{{ i.planned }}", "{{ i.actual }}"],
        "i in indicators",
    )
    _para(d, "4. Созданные продукты", bold=True)
    _para(d, "{{ products or '—' }}")
    _para(d, "5. Проведённые мероприятия", bold=True)
    _para(d, "{{ events or '—' }}")
    _para(d, "6. Подтверждающие документы", bold=True)
    _para(d, "{%p for e in evidence %}")
    _para(d, "{{ loop.index }}. {{ e.title }} ({{ e.name }})")
    _para(d, "{%p endfor %}")
    _para(d, "{%p if not evidence %}")
    _para(d, "—")
    _para(d, "{%p endif %}")
    _para(d, "{%p if decision %}")
    _para(
        d,
        "Решение методиста: {{ decision }}{% if decided_at %} ({{ decided_at }}"
        "{% if decided_by %}, {{ decided_by }}{% endif %}){% endif %}.",
    )
    _para(d, "{%p endif %}")
    _para(d, "{%p if comment %}")
    _para(d, "Комментарий: {{ comment }}")
    _para(d, "{%p endif %}")
    _para(d, "")
    _para(d, "Руководитель образовательной организации ____________________ / {{ head }} /")
    d.save(str(path))


def _blank_lines(d: Any, n: int = 3) -> None:
    for _ in range(n):
        _para(d, "_" * 80)


def build_roadmap(folder: Path) -> None:
    folder.mkdir(exist_ok=True)

    d = _document()
    _para(d, "Анкета «Готовность педагогов к инновационной деятельности»", bold=True, center=True, size=14)
    _para(
        d,
        "Анкета анонимная. Оцените, насколько вы согласны с каждым утверждением: "
        + "; ".join(f"{i} — {label}" for i, label in enumerate(LIKERT_LABELS, start=1))
        + ".",
    )
    _table(
        d,
        ["№", "Шкала", "Утверждение", "Оценка (1–5)"],
        [
            [str(i), SCALES[scale], text + (" (обратная)" if rev else ""), ""]
            for i, (scale, text, rev) in enumerate(ITEMS, 1)
        ],
    )
    _para(d, "")
    _para(d, "Проблемно-ориентированный анализ", bold=True)
    _table(
        d,
        ["Что есть сейчас", "Что требуется", "Противоречие (проблема)", "Источник данных"],
        [["", "", "", ""]] * 5,
    )
    d.save(str(folder / "diagnostics.docx"))

    d = _document()
    _para(d, "Дерево целей и задач инновационной деятельности", bold=True, center=True, size=14)
    _para(d, "Цель (желаемый проверяемый результат, срок):", bold=True)
    _blank_lines(d, 2)
    _table(
        d,
        ["№", "Задача", "Показатель выполнения", "Срок", "Ответственный"],
        [[str(i), "", "", "", ""] for i in range(1, 6)],
    )
    _para(d, "")
    _para(d, "Обсуждено на педагогическом совете: протокол № ____ от «___» ________ 20__ г.")
    d.save(str(folder / "goal_setting.docx"))

    d = _document()
    _para(d, "Паспорт инновационного проекта", bold=True, center=True, size=14)
    for title in (
        "Тема проекта",
        "Цель",
        "Задачи",
        "Новизна",
        "Практическая значимость",
        "Ожидаемые результаты",
    ):
        _para(d, title, bold=True)
        _blank_lines(d, 2)
    _para(d, "Измеримые показатели", bold=True)
    _table(
        d, ["Показатель", "Ед. изм.", "Исходное значение", "1-й год", "2-й год", "3-й год"], [[""] * 6] * 4
    )
    _para(d, "Календарный план", bold=True)
    _table(d, ["Этап", "Сроки", "Мероприятия", "Продукты"], [[""] * 4] * 3)
    _para(d, "Проектная команда и сетевые партнёры", bold=True)
    _table(d, ["ФИО / организация", "Должность", "Роль в проекте"], [[""] * 3] * 4)
    for title in ("Ресурсы", "Риски и меры по их снижению"):
        _para(d, title, bold=True)
        _blank_lines(d, 2)
    d.save(str(folder / "project_design.docx"))

    d = _document()
    _para(d, "ПРИКАЗ", bold=True, center=True, size=14)
    _para(d, "«___» ____________ 20__ г.\t\t\t\t\t\t№ _____")
    _para(d, "О создании творческой группы по реализации инновационного проекта", bold=True, center=True)
    _para(
        d,
        "В целях реализации инновационного проекта «________________________________» "
        "и включения педагогического коллектива в инновационную деятельность приказываю:",
    )
    _para(d, "1. Создать творческую группу в составе:")
    _table(d, ["ФИО", "Должность", "Роль в группе"], [[""] * 3] * 6)
    _para(d, "2. Утвердить план работы творческой группы на ______ учебный год (приложение).")
    _para(
        d, "3. Определить формы внутреннего обучения: семинары-практикумы, взаимопосещения, наставничество."
    )
    _para(d, "4. Контроль за исполнением приказа оставляю за собой.")
    _para(d, "")
    _para(d, "Руководитель ____________________ / ____________________ /")
    d.save(str(folder / "staff_inclusion.docx"))

    d = _document()
    _para(d, "Календарный план реализации проекта на учебный год", bold=True, center=True, size=14)
    _table(
        d,
        ["№", "Мероприятие", "Срок", "Ответственный", "Продукт", "Отметка о выполнении"],
        [[str(i), "", "", "", "", ""] for i in range(1, 9)],
    )
    _para(d, "")
    _para(d, "Мониторинг показателей", bold=True)
    _table(
        d, ["Показатель", "План", "Факт (I полугодие)", "Факт (год)", "Причина отклонения"], [[""] * 5] * 4
    )
    d.save(str(folder / "implementation.docx"))

    d = _document()
    _para(
        d,
        "Аналитическая справка по итогам реализации проекта за учебный год",
        bold=True,
        center=True,
        size=14,
    )
    for title in (
        "1. Что получилось (результаты, подтверждённые данными)",
        "2. Что не получилось и почему",
        "3. Затруднения педагогов (по итогам повторной диагностики)",
        "4. Изменения в плане следующего этапа",
        "5. Решение: продолжить / расширить / завершить инновационную работу",
    ):
        _para(d, title, bold=True)
        _blank_lines(d, 3)
    d.save(str(folder / "reflection.docx"))

    d = _document()
    _para(d, "План распространения опыта", bold=True, center=True, size=14)
    _table(
        d,
        ["Форма (семинар, мастер-класс, публикация …)", "Уровень", "Тема", "Срок", "Ответственный"],
        [[""] * 5] * 6,
    )
    _para(d, "")
    _para(d, "Методический продукт для тиражирования", bold=True)
    _table(
        d,
        ["Название", "Вид", "Авторы", "Где размещён", "Организации-участники тиражирования"],
        [[""] * 5] * 3,
    )
    d.save(str(folder / "dissemination.docx"))


if __name__ == "__main__":
    build_report(HERE / "report.docx")
    build_roadmap(HERE / "roadmap")
    print("written:", HERE / "report.docx", HERE / "roadmap")
