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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from novator.core import docx_build as build  # noqa: E402
from novator.projects.survey_defaults import ITEMS, LIKERT_LABELS  # noqa: E402

SCALES = {
    "motivation": "Мотивация",
    "knowledge": "Знание инновационных методов",
    "experience": "Опыт",
    "reflection": "Рефлексия",
}


def build_report(path: Path) -> None:
    d = build.document()
    build.para(d, "{{ kind_title }}", bold=True, center=True, size=14)
    build.para(
        d, "о реализации инновационного проекта за {{ academic_year }} учебный год", bold=True, center=True
    )
    build.para(d, "")
    build.para(d, "Образовательная организация: {{ organization_full }}")
    build.para(d, "Муниципальное образование: {{ municipality }}")
    build.para(d, "Тема проекта: «{{ project }}»")
    build.para(d, "{%p if status %}")
    build.para(d, "Статус: {{ status }}")
    build.para(d, "{%p endif %}")
    build.para(
        d,
        "Срок представления: {{ due }}. Состояние: {{ state }}"
        "{% if submitted %}, представлен {{ submitted }}{% endif %}.",
    )
    build.para(d, "1. Итоги года", bold=True)
    build.para(d, "{{ summary }}")
    build.para(d, "2. Что сделано по этапам календарного плана", bold=True)
    build.loop_table(d, ["Этап", "Что сделано"], ["{{ s.title }}", "{{ s.done }}"], "s in stages")
    build.para(d, "3. Показатели (план и факт)", bold=True)
    build.loop_table(
        d,
        ["Показатель", "Ед. изм.", "План", "Факт"],
        ["{{ i.name }}", "{{ i.unit }}", "{{ i.planned }}", "{{ i.actual }}"],
        "i in indicators",
    )
    build.para(d, "4. Созданные продукты", bold=True)
    build.para(d, "{{ products or '—' }}")
    build.para(d, "5. Проведённые мероприятия", bold=True)
    build.para(d, "{{ events or '—' }}")
    build.para(d, "6. Подтверждающие документы", bold=True)
    build.para(d, "{%p for e in evidence %}")
    build.para(d, "{{ loop.index }}. {{ e.title }} ({{ e.name }})")
    build.para(d, "{%p endfor %}")
    build.para(d, "{%p if not evidence %}")
    build.para(d, "—")
    build.para(d, "{%p endif %}")
    build.para(d, "{%p if decision %}")
    build.para(
        d,
        "Решение методиста: {{ decision }}{% if decided_at %} ({{ decided_at }}"
        "{% if decided_by %}, {{ decided_by }}{% endif %}){% endif %}.",
    )
    build.para(d, "{%p endif %}")
    build.para(d, "{%p if comment %}")
    build.para(d, "Комментарий: {{ comment }}")
    build.para(d, "{%p endif %}")
    build.para(d, "")
    build.para(d, "Руководитель образовательной организации ____________________ / {{ head }} /")
    d.save(str(path))


def _blank_lines(d: Any, n: int = 3) -> None:
    for _ in range(n):
        build.para(d, "_" * 80)


def build_roadmap(folder: Path) -> None:
    folder.mkdir(exist_ok=True)

    d = build.document()
    build.para(
        d, "Анкета «Готовность педагогов к инновационной деятельности»", bold=True, center=True, size=14
    )
    build.para(
        d,
        "Анкета анонимная. Оцените, насколько вы согласны с каждым утверждением: "
        + "; ".join(f"{i} — {label}" for i, label in enumerate(LIKERT_LABELS, start=1))
        + ".",
    )
    build.table(
        d,
        ["№", "Шкала", "Утверждение", "Оценка (1–5)"],
        [
            [str(i), SCALES[scale], text + (" (обратная)" if rev else ""), ""]
            for i, (scale, text, rev) in enumerate(ITEMS, 1)
        ],
    )
    build.para(d, "")
    build.para(d, "Проблемно-ориентированный анализ", bold=True)
    build.table(
        d,
        ["Что есть сейчас", "Что требуется", "Противоречие (проблема)", "Источник данных"],
        [["", "", "", ""]] * 5,
    )
    d.save(str(folder / "diagnostics.docx"))

    d = build.document()
    build.para(d, "Дерево целей и задач инновационной деятельности", bold=True, center=True, size=14)
    build.para(d, "Цель (желаемый проверяемый результат, срок):", bold=True)
    _blank_lines(d, 2)
    build.table(
        d,
        ["№", "Задача", "Показатель выполнения", "Срок", "Ответственный"],
        [[str(i), "", "", "", ""] for i in range(1, 6)],
    )
    build.para(d, "")
    build.para(d, "Обсуждено на педагогическом совете: протокол № ____ от «___» ________ 20__ г.")
    d.save(str(folder / "goal_setting.docx"))

    d = build.document()
    build.para(d, "Паспорт инновационного проекта", bold=True, center=True, size=14)
    for title in (
        "Тема проекта",
        "Цель",
        "Задачи",
        "Новизна",
        "Практическая значимость",
        "Ожидаемые результаты",
    ):
        build.para(d, title, bold=True)
        _blank_lines(d, 2)
    build.para(d, "Измеримые показатели", bold=True)
    build.table(
        d, ["Показатель", "Ед. изм.", "Исходное значение", "1-й год", "2-й год", "3-й год"], [[""] * 6] * 4
    )
    build.para(d, "Календарный план", bold=True)
    build.table(d, ["Этап", "Сроки", "Мероприятия", "Продукты"], [[""] * 4] * 3)
    build.para(d, "Проектная команда и сетевые партнёры", bold=True)
    build.table(d, ["ФИО / организация", "Должность", "Роль в проекте"], [[""] * 3] * 4)
    for title in ("Ресурсы", "Риски и меры по их снижению"):
        build.para(d, title, bold=True)
        _blank_lines(d, 2)
    d.save(str(folder / "project_design.docx"))

    d = build.document()
    build.para(d, "ПРИКАЗ", bold=True, center=True, size=14)
    build.para(d, "«___» ____________ 20__ г.\t\t\t\t\t\t№ _____")
    build.para(d, "О создании творческой группы по реализации инновационного проекта", bold=True, center=True)
    build.para(
        d,
        "В целях реализации инновационного проекта «________________________________» "
        "и включения педагогического коллектива в инновационную деятельность приказываю:",
    )
    build.para(d, "1. Создать творческую группу в составе:")
    build.table(d, ["ФИО", "Должность", "Роль в группе"], [[""] * 3] * 6)
    build.para(d, "2. Утвердить план работы творческой группы на ______ учебный год (приложение).")
    build.para(
        d, "3. Определить формы внутреннего обучения: семинары-практикумы, взаимопосещения, наставничество."
    )
    build.para(d, "4. Контроль за исполнением приказа оставляю за собой.")
    build.para(d, "")
    build.para(d, "Руководитель ____________________ / ____________________ /")
    d.save(str(folder / "staff_inclusion.docx"))

    d = build.document()
    build.para(d, "Календарный план реализации проекта на учебный год", bold=True, center=True, size=14)
    build.table(
        d,
        ["№", "Мероприятие", "Срок", "Ответственный", "Продукт", "Отметка о выполнении"],
        [[str(i), "", "", "", "", ""] for i in range(1, 9)],
    )
    build.para(d, "")
    build.para(d, "Мониторинг показателей", bold=True)
    build.table(
        d, ["Показатель", "План", "Факт (I полугодие)", "Факт (год)", "Причина отклонения"], [[""] * 5] * 4
    )
    d.save(str(folder / "implementation.docx"))

    d = build.document()
    build.para(
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
        build.para(d, title, bold=True)
        _blank_lines(d, 3)
    d.save(str(folder / "reflection.docx"))

    d = build.document()
    build.para(d, "План распространения опыта", bold=True, center=True, size=14)
    build.table(
        d,
        ["Форма (семинар, мастер-класс, публикация …)", "Уровень", "Тема", "Срок", "Ответственный"],
        [[""] * 5] * 6,
    )
    build.para(d, "")
    build.para(d, "Методический продукт для тиражирования", bold=True)
    build.table(
        d,
        ["Название", "Вид", "Авторы", "Где размещён", "Организации-участники тиражирования"],
        [[""] * 5] * 3,
    )
    d.save(str(folder / "dissemination.docx"))


if __name__ == "__main__":
    build_report(HERE / "report.docx")
    build_roadmap(HERE / "roadmap")
    print("written:", HERE / "report.docx", HERE / "roadmap")
