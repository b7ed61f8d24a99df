"""Build the DOCX templates of appeals (docxtpl: Jinja tags inside Word files).

    .venv/bin/python novator/expertise/docx/build_appeal_templates.py

writes `appeal_minutes.docx` (протокол рассмотрения апелляции) and `amending_order.docx` (проект приказа о
внесении изменений в приказ об итогах конкурса) next to this script. The context of each is built by
`novator.expertise.appeal_documents`. The tags are those of `build_templates.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from novator.core import docx_build as build  # noqa: E402


def build_appeal_minutes(path: Path) -> None:
    """The minutes of an appeal's review per ГОСТ Р 7.0.97-2016: the organiser (from its requisites), the
    kind, date and place, the applicant and the reasons, the decision, the signatures «И.О. Фамилия»."""
    document = build.document()
    build.para(document, "{{ organiser }}", bold=True, center=True)
    build.para(document, "Экспертная комиссия", center=True)
    build.para(document, "")
    build.para(document, "ПРОТОКОЛ", bold=True, center=True)
    build.para(document, "рассмотрения апелляции", bold=True, center=True)
    build.para(document, "конкурса «{{ contest_title }}» ({{ academic_year }} учебный год)", center=True)
    build.split_line(document, "{{ decided_date or '__.__.20__' }}", "{{ place }}")
    build.para(document, "")
    build.para(
        document,
        "\tЗаявитель: {{ organization }}"
        "{% if number %}, регистрационный номер заявки {{ number }}{% endif %}; "
        "тема проекта: {{ project }}.",
        justify=True,
    )
    build.para(
        document,
        "\tАпелляция подана {{ submitted_date }} (срок подачи — по {{ deadline or '—' }} включительно). "
        "Итоговый балл заявки до рассмотрения апелляции — {{ total_before }}"
        "{% if rank_before %}, место — {{ rank_before }}{% endif %}.",
        justify=True,
    )
    build.para(document, "Доводы апелляции:", bold=True)
    build.para(document, "{%p for line in reasons %}")
    build.para(document, "\t{{ line }}", justify=True)
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p if files %}")
    build.para(document, "Приложения к апелляции:")
    build.para(document, "{%p for f in files %}")
    build.para(document, "{{ loop.index }}. {{ f }}")
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(
        document,
        "\tАпелляцию рассмотрели председатель и члены экспертной комиссии, не оценивавшие заявку.",
        justify=True,
    )
    build.para(document, "РЕШИЛИ:", bold=True)
    build.para(document, "{%p if upheld %}")
    build.para(
        document,
        "\tАпелляцию удовлетворить: {{ direction }} итоговый балл заявки "
        "с {{ total_before }} до {{ total_after }}"
        "{% if rank %}; место заявки в рейтинге — {{ rank }}{% endif %}.",
        justify=True,
    )
    build.para(document, "{%p elif rejected %}")
    build.para(document, "\tАпелляцию отклонить; результат оставить без изменения.", justify=True)
    build.para(document, "{%p else %}")
    build.para(document, "\tАпелляция находится на рассмотрении.", justify=True)
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if justification %}")
    build.para(document, "Обоснование решения:", bold=True)
    build.para(document, "{%p for line in justification %}")
    build.para(document, "\t{{ line }}", justify=True)
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if changes %}")
    build.para(document, "\tИзменение состава победителей:", justify=True)
    build.para(document, "{%p for c in changes %}")
    build.para(document, "\t— {{ c.organization }}: {{ c.decision }};")
    build.para(document, "{%p endfor %}")
    build.para(document, "\tПодготовить проект приказа о внесении изменений в приказ об итогах конкурса.")
    build.para(document, "{%p endif %}")
    build.para(document, "")
    build.split_line(document, "Председатель экспертной комиссии", "________________ {{ chair or '' }}")
    build.para(document, "")
    build.split_line(document, "Секретарь экспертной комиссии", "________________ {{ secretary or '' }}")
    document.save(str(path))


def build_amending_order(path: Path) -> None:
    """An order amending the results order per ГОСТ Р 7.0.97-2016, after appeals changed the awarded set."""
    document = build.document()
    build.para(document, "ПРОЕКТ", bold=True)
    build.para(document, "{{ issuer_name }}", bold=True, center=True)
    build.para(document, "")
    build.para(document, "ПРИКАЗ", bold=True, center=True)
    build.para(document, "")
    build.split_line(document, "__.__.20__", "№ ____")
    build.para(document, "{{ place }}", center=True)
    build.para(document, "")
    build.para(document, "О внесении изменений в приказ {{ results_order_cite }}", bold=True, center=True)
    build.para(document, "")
    build.para(
        document,
        "\tНа основании протоколов рассмотрения апелляций участников конкурса «{{ contest_title }}» "
        "п р и к а з ы в а ю:",
        justify=True,
    )
    build.para(document, "{%p if added %}")
    build.para(
        document,
        "\t1. Дополнить перечень образовательных организаций, которым {{ award_verb }}, следующими "
        "организациями:",
        justify=True,
    )
    build.para(document, "{%p for a in added %}")
    build.para(document, "\t1.{{ loop.index }}. {{ a.full_name }} — по теме {{ a.project }};", justify=True)
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if removed %}")
    build.para(
        document,
        "\t{{ removed_item }}. Исключить из перечня образовательных организаций, которым {{ award_verb }}, "
        "следующие организации:",
        justify=True,
    )
    build.para(document, "{%p for r in removed %}")
    build.para(document, "\t{{ removed_item }}.{{ loop.index }}. {{ r.full_name }};", justify=True)
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(
        document,
        "\t{{ control_item }}. Контроль за исполнением настоящего приказа оставляю за собой.",
        justify=True,
    )
    build.para(document, "")
    build.split_line(document, "{{ head_position }}", "________________ {{ head_signature }}")
    build.para(document, "")
    build.para(document, "{%p if preparer_name %}")
    build.para(document, "Исп.: {{ preparer_name }}, тел. {{ preparer_phone }}", size=12)
    build.para(document, "{%p endif %}")
    document.save(str(path))


def main() -> None:
    build_appeal_minutes(HERE / "appeal_minutes.docx")
    build_amending_order(HERE / "amending_order.docx")


if __name__ == "__main__":
    main()
