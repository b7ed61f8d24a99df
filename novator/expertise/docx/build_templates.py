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

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from novator.core import docx_build as build  # noqa: E402


def build_minutes(path: Path) -> None:
    document = build.document(landscape=True)
    build.para(document, "ПРОТОКОЛ № {{ minutes_number or '____' }}", bold=True, center=True, size=14)
    build.para(document, "заседания экспертной комиссии", bold=True, center=True)
    build.para(document, "конкурса «{{ contest_title }}» ({{ academic_year }} учебный год)", center=True)
    build.para(document, "{{ minutes_date or '«___» __________ 20__ г.' }}\t\t\t\t{{ organiser }}")
    build.para(document, "Присутствовали члены экспертной комиссии:", bold=True)
    build.para(document, "{%p for m in members %}")
    build.para(
        document,
        "{{ loop.index }}. {{ m.name }}{% if m.role %} — {{ m.role }}{% endif %}"
        "{% if m.where %}, {{ m.where }}{% endif %}",
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p if secretary %}")
    build.para(document, "Секретарь комиссии: {{ secretary }}.")
    build.para(document, "{%p endif %}")
    build.para(
        document,
        "Повестка дня: подведение итогов экспертизы заявок"
        "{% if status_name %} на присвоение статуса «{{ status_name }}»{% endif %}.",
        bold=False,
    )
    build.para(
        document,
        "Каждая заявка оценена {{ experts_per_application }} экспертами по {{ criteria_count }} критериям; "
        "максимальный балл — {{ max_total }}, пороговый балл — {{ threshold }}. Итоговый балл заявки — "
        "среднее арифметическое взвешенных сумм баллов экспертов. "
        "Официальный рейтинг — {{ official_ranking }}; откалиброванный балл исправляет мягкость или "
        "строгость эксперта: суммы баллов каждого эксперта, "
        "оценившего не менее {{ calibration_min_sheets }} заявок, приведены к общей шкале "
        "(откалибровано экспертов: {{ calibrated_experts }}).",
    )
    build.para(document, "{%p if municipality_rules %}")
    build.para(document, "Правила экспертизы: {{ municipality_rules|join('; ') }}.")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p for c in categories %}")
    build.para(document, "{{ c.name }}{% if c.quota %} (квота: {{ c.quota }}){% endif %}", bold=True)
    build.loop_table(
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
    build.para(document, "{%p endfor %}")
    build.para(document, "Согласованность оценок экспертов", bold=True)
    build.para(
        document,
        "Коэффициент конкордации Кендалла W = {{ kendall_w }} — {{ w_interpretation }}"
        "{% if w_test %} ({{ w_test }}){% endif %}.{% if w_note %} {{ w_note }}.{% endif %} "
        "Внутриклассовая корреляция: ICC(1) = {{ icc1 }}, ICC(2,1) = {{ icc2 }}.",
    )
    build.para(document, "{%p if flagged %}")
    build.para(
        document,
        "Заявки, по которым суммы баллов экспертов расходятся более чем на {{ spread_threshold }} "
        "({{ spread_percent }} % максимального балла):",
    )
    build.para(document, "{%p for f in flagged %}")
    build.para(
        document,
        "— № {{ f.number }} {{ f.organization }}: от {{ f.low }} до {{ f.high }} (разброс {{ f.range }});",
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p else %}")
    build.para(document, "Расхождений оценок выше порога ({{ spread_threshold }}) нет.")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if leniency %}")
    build.para(
        document,
        "Мягкость и строгость экспертов (среднее отклонение суммы баллов эксперта от оценок других "
        "экспертов тех же заявок; плюс — мягче, минус — строже):",
    )
    build.loop_table(
        document,
        ["Эксперт", "Заявок", "Среднее отклонение", "Калибровка"],
        ["{{ x.name }}", "{{ x.applications }}", "{{ x.deviation }}", "{{ x.calibrated }}"],
        "x in leniency",
    )
    build.para(document, "{%p endif %}")
    build.para(document, "РЕШИЛИ:", bold=True)
    build.para(document, "{%p if winners %}")
    build.para(
        document,
        "Рекомендовать{% if status_name %} к присвоению статуса «{{ status_name }}»"
        "{% else %} признать победителями{% endif %}:",
    )
    build.para(document, "{%p for w in winners %}")
    build.para(document, "{{ loop.index }}. {{ w.full_name }} — по теме: «{{ w.project }}».")
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p else %}")
    build.para(document, "Ни одна заявка не рекомендована.")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if overrides %}")
    build.para(document, "Решения, принятые в отступление от предложенного рейтинга:", bold=True)
    build.para(document, "{%p for o in overrides %}")
    build.para(document, "— {{ o.organization }}: {{ o.decision }}. Основание: {{ o.reason }}")
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(document, "")
    build.para(document, "Председатель экспертной комиссии\t________________\t{{ chair or '' }}")
    build.para(document, "Секретарь экспертной комиссии\t________________\t{{ secretary or '' }}")
    document.save(str(path))


def build_order(path: Path) -> None:
    """The results order per ГОСТ Р 7.0.97-2016: the issuer, the kind, date and number on one line, the
    place, the title in the genitive, the legal basis, numbered items with addressees and deadlines, the
    head's signature, who prepared the draft, and the preparer's name and phone."""
    document = build.document()
    build.para(document, "{%p if not order_number %}")
    build.para(document, "ПРОЕКТ", bold=True)
    build.para(document, "{%p endif %}")
    build.para(document, "{{ issuer_name }}", bold=True, center=True)
    build.para(document, "")
    build.para(document, "ПРИКАЗ", bold=True, center=True)
    build.para(document, "")
    build.split_line(document, "{{ order_date or '__.__.20__' }}", "№ {{ order_number or '____' }}")
    build.para(document, "{{ place }}", center=True)
    build.para(document, "")
    build.para(document, "{{ order_title }}", bold=True, center=True)
    build.para(document, "")
    build.para(
        document,
        "\tВ соответствии с частью 4 статьи 20 Федерального закона от 29.12.2012 № 273-ФЗ «Об образовании "
        "в Российской Федерации», Положением о {{ regulation_subject }}, утверждённым приказом "
        "{{ regulation_cite }}, на основании протокола заседания экспертной комиссии {{ minutes_cite }} "
        "п р и к а з ы в а ю:",
        justify=True,
    )
    build.para(
        document,
        "\t1. Присвоить статус {{ status_genitive }}{% if status_abbreviation %} ({{ status_abbreviation }})"
        "{% endif %} сроком на {{ term }} (с {{ starts_on }} по {{ ends_on }}) следующим образовательным "
        "организациям:",
        justify=True,
    )
    build.para(document, "{%p for w in winners %}")
    build.para(
        document,
        "\t1.{{ loop.index }}. {{ w.full_name }} — по теме {{ w.project }}"
        "{% if loop.last %}.{% else %};{% endif %}",
        justify=True,
    )
    build.para(document, "{%p endfor %}")
    build.para(
        document,
        "\t2. Руководителям образовательных организаций, указанных в пункте 1 настоящего приказа:",
        justify=True,
    )
    build.para(
        document,
        "\t2.1. обеспечить реализацию инновационных проектов в соответствии с представленными программами;",
        justify=True,
    )
    build.para(
        document,
        "\t2.2. ежегодно в срок до {{ report_due }} представлять в {{ imc_name }} отчёт о ходе реализации "
        "инновационного проекта.",
        justify=True,
    )
    build.para(
        document,
        "\t3. {{ imc_name }}{% if imc_head %} ({{ imc_head }}){% endif %} в течение трёх рабочих дней со дня "
        "подписания настоящего приказа разместить его на официальном сайте в "
        "информационно-телекоммуникационной сети «Интернет» и обеспечить методическое сопровождение "
        "инновационных площадок.",
        justify=True,
    )
    build.para(document, "\t4. Контроль за исполнением настоящего приказа оставляю за собой.", justify=True)
    build.para(document, "\t5. Приказ вступает в силу со дня его подписания.", justify=True)
    build.para(document, "")
    build.para(document, "")
    build.split_line(document, "{{ head_position }}", "________________ {{ head_signature }}")
    build.para(document, "")
    build.para(document, "Проект подготовлен и внесён:")
    build.split_line(document, "{{ preparer_position }}", "________________ {{ preparer_signature }}")
    build.para(document, "")
    build.para(document, "{%p if preparer_name %}")
    build.para(document, "Исп.: {{ preparer_name }}, тел. {{ preparer_phone }}", size=12)
    build.para(document, "{%p endif %}")
    document.save(str(path))


def main() -> None:
    build_minutes(HERE / "minutes.docx")
    build_order(HERE / "order.docx")


if __name__ == "__main__":
    main()
