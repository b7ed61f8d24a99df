"""Build the DOCX templates of the expertise (docxtpl: Jinja tags inside Word files).

    .venv/bin/python novator/expertise/docx/build_templates.py

writes `minutes.docx` (протокол заседания экспертной комиссии), `order.docx` (проект приказа о
присвоении статуса) and `announcement.docx` (приказ о проведении конкурса) next to this script. The
generated files are committed; an office may edit them in Word as long as the tags stay intact. The
context each template receives is built by `novator.expertise.documents` (`minutes_context`,
`order_context`, `announcement_context`, `conclusions_context` for `conclusion.docx`).

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
    """The minutes per ГОСТ Р 7.0.97-2016: the organiser, the kind, date and number on one line, the place,
    the title; the chair, the secretary, the members present with the quorum; the agenda; per item
    СЛУШАЛИ, the ranking, РЕШИЛИ and the votes; the signatures «И.О. Фамилия»; the agreement in an annex.
    Landscape A4: the ranking tables are wide."""
    document = build.document(landscape=True)
    build.para(document, "{{ organiser }}", bold=True, center=True)
    build.para(document, "")
    build.para(document, "ПРОТОКОЛ", bold=True, center=True)
    build.para(document, "")
    build.split_line(document, "{{ minutes_date }}", "№ {{ minutes_number }}")
    build.para(document, "{{ place }}", center=True)
    build.para(document, "")
    build.para(
        document, "заседания экспертной комиссии конкурса «{{ contest_title }}»", bold=True, center=True
    )
    build.para(document, "({{ academic_year }} учебный год)", center=True)
    build.para(document, "")
    build.para(document, "Председатель — {{ chair }}")
    build.para(document, "Секретарь — {{ secretary }}")
    build.para(document, "Присутствовали: {{ attendance }} ({{ quorum }}):")
    build.para(document, "{%p for m in members %}")
    build.para(
        document,
        "{{ loop.index }}. {{ m.name }}{% if m.role %} — {{ m.role }}{% endif %}"
        "{% if m.where %}, {{ m.where }}{% endif %}{% if loop.last %}.{% else %};{% endif %}",
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p if meeting_place %}")
    build.para(document, "Место проведения: {{ meeting_place }}.")
    build.para(document, "{%p endif %}")
    build.para(document, "")
    build.para(document, "ПОВЕСТКА ДНЯ:", bold=True)
    build.para(document, "{%p for c in categories %}")
    build.para(document, "{{ c.position }}. {{ c.title }}.")
    build.para(document, "{%p endfor %}")
    build.para(document, "")
    build.para(
        document,
        "\tКаждая заявка оценена {{ experts_phrase }} по {{ criteria_phrase }}; максимальный балл — "
        "{{ max_total }}, проходной балл — {{ threshold }}. Итоговый балл заявки — среднее арифметическое "
        "взвешенных сумм баллов экспертов. Рейтинг составлен {{ official_ranking }}. Согласованность "
        "оценок экспертов — в приложении к протоколу.",
        justify=True,
    )
    build.para(document, "{%p if municipality_rules %}")
    build.para(document, "Правила экспертизы: {{ municipality_rules|join('; ') }}.")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p for c in categories %}")
    build.para(document, "")
    build.para(document, "{{ c.position }}. СЛУШАЛИ:", bold=True)
    build.para(
        document,
        "\t{{ chair }} — {{ c.title[:1].lower() ~ c.title[1:] }}{% if c.quota %} (квота — {{ c.quota }})"
        "{% endif %}. Рейтинг заявок:",
        justify=True,
    )
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
    build.para(document, "РЕШИЛИ:", bold=True)
    build.para(document, "{%p if c.recommended %}")
    build.para(
        document,
        "\t{{ c.position }}.1. Рекомендовать{% if status_genitive %} к присвоению статуса "
        "{{ status_genitive }}{% else %} к признанию победителями{% endif %}:",
        justify=True,
    )
    build.para(document, "{%p for w in c.recommended %}")
    build.para(
        document,
        "\t— {{ w.full_name }} — по теме {{ w.project }}{% if loop.last %}.{% else %};{% endif %}",
        justify=True,
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if c.not_recommended %}")
    build.para(
        document,
        "\t{{ c.position }}.{% if c.recommended %}2{% else %}1{% endif %}. Не рекомендовать:",
        justify=True,
    )
    build.para(document, "{%p for w in c.not_recommended %}")
    build.para(
        document,
        "\t— {{ w.full_name }} ({{ w.why }}){% if loop.last %}.{% else %};{% endif %}",
        justify=True,
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(
        document,
        "\tГолосовали: за — {{ c.votes_for }}, против — {{ c.votes_against }}, воздержались — "
        "{{ c.votes_abstained }}.",
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p if overrides %}")
    build.para(document, "")
    build.para(document, "Решения, принятые в отступление от предложенного рейтинга:", bold=True)
    build.para(document, "{%p for o in overrides %}")
    build.para(
        document, "\t— {{ o.organization }}: {{ o.decision }}. Основание: {{ o.reason }}", justify=True
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    # the commission's consolidated conclusions (итоговые заключения), written by the chair
    build.para(document, "{%p if conclusions %}")
    build.para(document, "")
    build.para(document, "Итоговые заключения экспертной комиссии:", bold=True)
    build.para(document, "{%p for c in conclusions %}")
    build.para(
        document, "\t{{ c.number }} {{ c.organization }}, «{{ c.project }}»: {{ c.text }}", justify=True
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p endif %}")
    build.para(document, "")
    build.para(document, "")
    build.split_line(document, "Председатель экспертной комиссии", "________________ {{ chair }}")
    build.para(document, "")
    build.split_line(document, "Секретарь экспертной комиссии", "________________ {{ secretary }}")
    # the annex: the experts' agreement
    build.page_break(document)
    build.para(document, "Приложение", center=False, align_right=True)
    build.para(
        document,
        "к протоколу заседания экспертной комиссии от {{ minutes_date }} № {{ minutes_number }}",
        align_right=True,
    )
    build.para(document, "")
    build.para(document, "Согласованность оценок экспертов", bold=True, center=True)
    build.para(document, "")
    build.para(document, "{%p for s in w_sentences %}")
    build.para(document, "\t{{ s }}", justify=True)
    build.para(document, "{%p endfor %}")
    build.para(
        document,
        "\tВнутриклассовая корреляция: ICC(1) = {{ icc1 }}, ICC(2,1) = {{ icc2 }}. Откалиброванный балл "
        "исправляет снисходительность или строгость эксперта: суммы баллов каждого эксперта, оценившего не "
        "менее {{ calibration_min_sheets }} заявок, приведены к общей шкале (откалибровано экспертов: "
        "{{ calibrated_experts }}).",
        justify=True,
    )
    build.para(document, "{%p if flagged %}")
    build.para(
        document,
        "\tЗаявки, по которым суммы баллов экспертов расходятся более чем на {{ spread_threshold }} "
        "({{ spread_percent }} % максимального балла):",
        justify=True,
    )
    build.para(document, "{%p for f in flagged %}")
    build.para(
        document,
        "\t— № {{ f.number }} {{ f.organization }}: от {{ f.low }} до {{ f.high }} (разброс {{ f.range }})"
        "{% if loop.last %}.{% else %};{% endif %}",
    )
    build.para(document, "{%p endfor %}")
    build.para(document, "{%p else %}")
    build.para(document, "\tРасхождений оценок выше порога ({{ spread_threshold }}) нет.")
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if leniency %}")
    build.para(
        document,
        "\tСнисходительность и строгость экспертов (среднее отклонение суммы баллов эксперта от оценок "
        "других экспертов тех же заявок; плюс — снисходительнее, минус — строже):",
        justify=True,
    )
    build.loop_table(
        document,
        ["Эксперт", "Заявок", "Среднее отклонение", "Калибровка"],
        ["{{ x.name }}", "{{ x.applications }}", "{{ x.deviation }}", "{{ x.calibrated }}"],
        "x in leniency",
    )
    build.para(document, "{%p endif %}")
    document.save(str(path))


def build_announcement(path: Path) -> None:
    """The order announcing a contest per ГОСТ Р 7.0.97-2016: the issuer, the kind, date and number, the
    place, the title; it approves the regulation, the commission's membership and the timetable (annexes
    1–3), names the ИМЦ for the publication and keeps the control; the head's signature, the preparer."""
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
        "в Российской Федерации», в целях развития инновационной инфраструктуры в сфере образования "
        "п р и к а з ы в а ю:",
        justify=True,
    )
    build.para(
        document,
        "\t1. Провести {{ contest_object }} в {{ academic_year }} учебном году; приём заявок — "
        "с {{ opens_on }} по {{ closes_on }}.",
        justify=True,
    )
    build.para(document, "\t2. Утвердить:", justify=True)
    build.para(document, "\t2.1. Положение о {{ regulation_subject }} (приложение 1);", justify=True)
    build.para(document, "\t2.2. состав экспертной комиссии конкурса (приложение 2);", justify=True)
    build.para(document, "\t2.3. график проведения конкурса (приложение 3).", justify=True)
    build.para(
        document,
        "\t3. {{ imc_name }} в течение трёх рабочих дней со дня подписания настоящего приказа разместить его "
        "на официальном сайте в информационно-телекоммуникационной сети «Интернет», обеспечить приём заявок "
        "и организационно-методическое сопровождение конкурса.",
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
    for number, title in (
        (1, "ПОЛОЖЕНИЕ о {{ regulation_subject }}"),
        (2, "СОСТАВ экспертной комиссии конкурса «{{ contest_title }}»"),
        (3, "ГРАФИК проведения конкурса «{{ contest_title }}»"),
    ):
        build.page_break(document)
        build.para(document, f"Приложение {number}", align_right=True)
        build.para(document, "к приказу {{ order_cite }}", align_right=True)
        build.para(document, "")
        build.para(document, title, bold=True, center=True)
        build.para(document, "")
        if number == 1:
            build.para(document, "{%p for line in regulation %}")
            build.para(document, "\t{{ line }}", justify=True)
            build.para(document, "{%p endfor %}")
        elif number == 2:
            build.loop_table(
                document,
                ["№", "Фамилия, имя, отчество", "Место работы", "Роль в комиссии"],
                ["{{ loop.index }}", "{{ m.name }}", "{{ m.where }}", "{{ m.role }}"],
                "m in members",
            )
        else:
            build.loop_table(
                document,
                ["№", "Этап", "Сроки"],
                ["{{ loop.index }}", "{{ t.stage }}", "{{ t.when }}"],
                "t in timetable",
            )
    document.save(str(path))


def build_conclusion(path: Path) -> None:
    """The expert sheet / expert conclusion of each application, one per page (landscape: the criteria
    with their levels are wide): the contest, the application, the criteria with the levels, the points
    and comments, the total, the expert's conclusion, the signature «И.О. Фамилия» and the date."""
    document = build.document(landscape=True)
    build.para(document, "{%p for s in sheets %}")
    build.para(document, "{%p if not loop.first %}")
    build.page_break(document)
    build.para(document, "{%p endif %}")
    build.para(document, "{%p if minutes %}")
    build.para(
        document, "Приложение к протоколу заседания экспертной комиссии {{ minutes }}", align_right=True
    )
    build.para(document, "{%p endif %}")
    build.para(document, "{{ organiser }}", center=True)
    build.para(document, "")
    build.para(document, "{{ s.kind }}", bold=True, center=True)
    build.para(
        document,
        "на заявку{% if s.application_number %} № {{ s.application_number }}{% endif %} "
        "по теме {{ s.project }}",
        center=True,
    )
    build.para(document, "")
    build.para(document, "Конкурс: «{{ contest_title }}» ({{ academic_year }} учебный год).")
    build.para(document, "Образовательная организация: {{ s.organization }}.")
    build.para(document, "Эксперт: {{ s.expert_name }}.")
    build.loop_table(
        document,
        ["№", "Критерий", "Уровни", "Максимум", "Балл", "Комментарий эксперта"],
        [
            "{{ r.number }}",
            "{{ r.name }}",
            "{{ r.levels }}",
            "{{ r.max }}",
            "{{ r.points }}",
            "{{ r.comment }}",
        ],
        "r in s.rows",
    )
    build.para(document, "Итого баллов: {{ s.total or '____' }} из {{ max_total }}.")
    build.para(document, "Заключение эксперта: {{ s.conclusion or '' }}")
    build.para(document, "")
    build.split_line(
        document, "Эксперт ________________ {{ s.expert_signature }}", "{{ s.date or '__.__.20__' }}"
    )
    build.para(document, "{%p endfor %}")
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
    # an inter-municipal contest: the lead's order names the co-organisers
    build.para(document, "{%p if coorganisers %}")
    build.para(
        document,
        "\tКонкурс проведён как межмуниципальный совместно с соорганизаторами: {{ coorganisers }}.",
        justify=True,
    )
    build.para(document, "{%p endif %}")
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
    build_announcement(HERE / "announcement.docx")
    build_conclusion(HERE / "conclusion.docx")


if __name__ == "__main__":
    main()
