"""Build the DOCX template of a network's annual report (docxtpl: Jinja tags inside a Word file).

    .venv/bin/python novator/networks/docx/build_templates.py

writes `annual_report.docx` (отчёт о деятельности сети за учебный год) next to this script. The generated
file is committed; its context is built by `novator.networks.report.context`.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from novator.core import docx_build as build  # noqa: E402


def build_annual_report(path: Path) -> None:
    document = build.document(landscape=True)
    build.para(document, "ОТЧЁТ", bold=True, center=True, size=14)
    build.para(document, "о деятельности сети за {{ year }} учебный год", bold=True, center=True)
    build.para(document, "«{{ topic }}»", bold=True, center=True)
    build.para(document, "Организация-лидер: {{ leader }} ({{ municipality }}).")
    build.para(document, "{%p if status %}")
    build.para(document, "Статус: {{ status }}.")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if agreements %}")
    build.para(document, "Договоры о сетевом взаимодействии:")
    build.para(document, "{%p for a in agreements %}")
    build.para(
        document,
        "— № {{ a.number }} от {{ a.signed_on }}, срок действия {{ a.valid_from }} — {{ a.valid_to }};",
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(document, "1. Итоги года", bold=True)
    build.para(
        document,
        "Запланировано мероприятий: {{ planned }}; проведено: {{ held }}; участников мероприятий сети "
        "(присутствовали): {{ participants }}. Партнёров: подтвердили участие {{ partners_confirmed }} из "
        "{{ partners_invited }} приглашённых; охвачено мероприятиями сети: {{ partners_reached }}.",
    )
    build.para(document, "2. План и его выполнение", bold=True)
    build.loop_table(
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
    build.para(document, "")
    build.para(document, "3. Партнёры сети", bold=True)
    build.loop_table(
        document,
        ["№", "Организация-партнёр", "Муниципалитет", "Участие", "Охвачена мероприятиями"],
        ["{{ p.number }}", "{{ p.name }}", "{{ p.municipality }}", "{{ p.state }}", "{{ p.reached }}"],
        "p in partners",
    )
    build.para(document, "")
    build.para(document, "4. Партнёры и мероприятия по муниципальным образованиям", bold=True)
    build.loop_table(
        document,
        [
            "Муниципальное образование",
            "Партнёров подтвердили",
            "Ожидают подтверждения",
            "Мероприятий сети с участниками",
            "Участников",
        ],
        [
            "{{ m.municipality }}{% if m.leader %} ({{ m.leader }}){% endif %}",
            "{{ m.partners_confirmed }}",
            "{{ m.partners_pending }}",
            "{{ m.events }}",
            "{{ m.participants }}",
        ],
        "m in municipalities",
    )
    build.para(
        document, "Отчёт сформирован {{ generated_on }} в системе «Новатор» по данным календаря мероприятий."
    )
    build.para(document, "")
    build.para(document, "Руководитель организации-лидера\t________________\t/______________/")
    document.save(str(path))


if __name__ == "__main__":
    build_annual_report(HERE / "annual_report.docx")
    print("written:", HERE / "annual_report.docx")
