"""The management roadmap: the sequence of management actions that prepares and includes the teaching
staff in innovation, as a guided checklist.

Each step has the methodological recommendation (content in Russian, for Russian schools), a template to
download, and detectors: functions that find, for many organisations at once (one query each), the system
objects that show the step done. Later apps add detectors with `register_detector` (events: an event held
→ dissemination; the library: a product published → dissemination) without changing anything here.
A step may also be ticked by hand with a note (`RoadmapMark`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MIN_GROUP, InnovationProject, ProjectReport, ProjectVersion, ReportState, SurveyRun


@dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise
    recommendation: tuple[str, ...]  # paragraphs
    template_title: str
    detected_by: str | Promise  # what the system looks at, for the page


STEPS: tuple[Step, ...] = (
    Step(
        "diagnostics",
        gettext_lazy("Diagnostics"),
        (
            "Инновационная деятельность начинается не с выбора новшества, а с честного ответа на вопрос: что "
            "в работе организации требует изменений и готов ли коллектив их проводить. Проведите анонимное "
            "анкетирование педагогов по готовности к инновационной деятельности (мотивация, знание "
            "инновационных методов, опыт, рефлексия), проанализируйте результаты образовательной "
            "деятельности за два-три года, запросы родителей и учредителя, кадровые и материальные условия. "
            "Итог диагностики — проблемно-ориентированный анализ: перечень противоречий между тем, что есть, "
            "и тем, что требуется.",
            "Результаты анкетирования обсуждаются только в обобщённом виде — по группе не менее пяти "
            "человек. "
            "Низкие значения по шкале мотивации — сигнал начинать не с приказа, а с разъяснения смысла "
            "будущих изменений; низкие значения по шкале знаний — с обучающего семинара.",
        ),
        "Анкета и схема проблемно-ориентированного анализа",
        gettext_lazy("A readiness survey with at least 5 answers"),
    ),
    Step(
        "goal_setting",
        gettext_lazy("Goal-setting"),
        (
            "На основе диагностики сформулируйте цель инновационной деятельности как желаемый проверяемый "
            "результат, а не как процесс: не «внедрять технологию», а «повысить долю обучающихся, "
            "выполняющих проектные работы, с 40 до 60 % к 2025 году». Разложите цель на задачи: каждая "
            "задача отвечает на вопрос «что нужно сделать, чтобы цель была достигнута», и у каждой есть "
            "ответственный.",
            "Согласуйте цель с программой развития организации и приоритетами муниципальной системы "
            "образования и обсудите её на педагогическом совете: коллектив, участвовавший в целеполагании, "
            "воспринимает изменения как собственные, а не навязанные извне.",
        ),
        "Дерево целей и задач",
        gettext_lazy("A project passport with goal and tasks submitted for approval"),
    ),
    Step(
        "project_design",
        gettext_lazy("Project design"),
        (
            "Оформите замысел в виде паспорта инновационного проекта: тема, цель и задачи, новизна, "
            "практическая значимость, ожидаемые результаты с измеримыми показателями (исходное и целевые "
            "значения по годам), календарный план по этапам с мероприятиями и продуктами, проектная "
            "команда, сетевые партнёры, ресурсы, риски и меры по их снижению.",
            "Показатели выбирайте такие, которые можно проверить по документам и данным, уже собираемым "
            "организацией. Паспорт согласуется с методистом; утверждённая версия становится основой "
            "ежегодных отчётов, а последующие изменения оформляются новой версией, не затирая утверждённую.",
        ),
        "Паспорт инновационного проекта",
        gettext_lazy("An approved project passport"),
    ),
    Step(
        "staff_inclusion",
        gettext_lazy("Staff inclusion"),
        (
            "Новшество приживается, когда у него есть не только руководитель, но и команда. Приказом по "
            "организации создайте творческую (проектную) группу, распределите роли и ответственность, "
            "определите формы внутреннего обучения: семинары-практикумы, взаимопосещения, наставничество, "
            "работу в парах «опытный — начинающий».",
            "Опирайтесь на результаты диагностики: педагогам с высокой мотивацией, но небольшим опытом "
            "нужна методическая поддержка, опытным — возможность стать наставниками и авторами продуктов. "
            "Моральное и материальное стимулирование участников закрепите локальным актом.",
        ),
        "Приказ о создании творческой группы",
        gettext_lazy("An approved passport with a team of at least 3 staff members"),
    ),
    Step(
        "implementation",
        gettext_lazy("Implementation"),
        (
            "Реализуйте проект по календарному плану: у каждого мероприятия есть срок, ответственный и "
            "продукт. Не реже раза в полугодие сверяйте фактические значения показателей с плановыми и при "
            "отклонениях корректируйте план, а не цель.",
            "Ежегодно к установленному сроку представляйте отчёт о реализации проекта: что сделано на "
            "каждом этапе, значения показателей (план и факт), созданные продукты, проведённые мероприятия, "
            "подтверждающие документы. Своевременный отчёт — условие сохранения статуса площадки.",
        ),
        "Календарный план и форма отчёта",
        gettext_lazy("An annual report submitted"),
    ),
    Step(
        "reflection",
        gettext_lazy("Reflection"),
        (
            "По итогам года проведите с коллективом анализ: что получилось, что нет и почему, какие "
            "затруднения испытывали педагоги, что изменить в плане следующего этапа. Повторите "
            "анкетирование готовности педагогов и сравните результаты с исходной диагностикой.",
            "Рефлексия — механизм управления новшеством, а не формальность: её выводы становятся основой "
            "для корректировки проекта, выбора тем обучения педагогов и решения о продолжении, расширении "
            "или завершении инновационной работы.",
        ),
        "Аналитическая справка по итогам года",
        gettext_lazy("A report accepted by the methodologist, or a repeated survey"),
    ),
    Step(
        "dissemination",
        gettext_lazy("Dissemination"),
        (
            "Результаты, подтверждённые данными, представляйте профессиональному сообществу: на "
            "муниципальных и межмуниципальных семинарах и конференциях, в публикациях, в сетевом "
            "взаимодействии с партнёрами. Оформите методический продукт (рекомендации, программу, сборник "
            "разработок) так, чтобы его могла применить другая организация.",
            "Тиражирование продукта в других организациях — лучшее свидетельство его ценности и основание "
            "для следующего уровня: статуса муниципального лидера сетевого взаимодействия или краевой "
            "инновационной площадки.",
        ),
        "План распространения опыта",
        gettext_lazy("An accepted report naming the events held"),
    ),
)
STEP_KEYS = tuple(step.key for step in STEPS)
STEP_BY_KEY = {step.key: step for step in STEPS}

#: A detector: organisation ids → {organisation id: [what shows the step done]}, in one query.
Detector = Callable[[Sequence[int]], dict[int, list[str]]]
_DETECTORS: dict[str, list[Detector]] = {key: [] for key in STEP_KEYS}


def register_detector(step: str, detector: Detector) -> None:
    _DETECTORS[step].append(detector)


def detect(organization_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """{organisation id: {step: evidence}} for the organisations (one query per detector)."""
    found: dict[int, dict[str, list[str]]] = {pk: {} for pk in organization_ids}
    if not organization_ids:
        return found
    for step, detectors in _DETECTORS.items():
        for detector in detectors:
            for organization_id, evidence in detector(organization_ids).items():
                found.setdefault(organization_id, {}).setdefault(step, []).extend(evidence)
    return found


def _surveys(ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    runs = (
        SurveyRun.objects.filter(organization_id__in=ids)
        .annotate(n=Count("responses"))
        .filter(n__gte=MIN_GROUP)
        .order_by("academic_year")
        .values_list("organization_id", "academic_year", "n")
    )
    out: dict[int, list[tuple[str, int]]] = {}
    for organization_id, year, n in runs:
        out.setdefault(organization_id, []).append((year, n))
    return out


def _diagnostics(ids: Sequence[int]) -> dict[int, list[str]]:
    return {
        org: [_("Readiness survey %(year)s: %(n)d answers") % {"year": year, "n": n} for year, n in runs[:1]]
        for org, runs in _surveys(ids).items()
    }


def _repeated_survey(ids: Sequence[int]) -> dict[int, list[str]]:
    return {
        org: [_("Repeated readiness survey %(year)s: %(n)d answers") % {"year": year, "n": n}]
        for org, runs in _surveys(ids).items()
        for year, n in runs[1:2]
    }


def _submitted_passports(ids: Sequence[int]) -> dict[int, list[str]]:
    rows = (
        ProjectVersion.objects.filter(project__organization_id__in=ids)
        .exclude(state__in=["draft", "returned"])
        .values_list("project__organization_id", "project__title")
        .distinct()
    )
    out: dict[int, list[str]] = {}
    for org, title in rows:
        out.setdefault(org, []).append(_("Passport of «%(project)s» submitted") % {"project": title})
    return out


def _approved_projects(ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = InnovationProject.objects.filter(organization_id__in=ids, approved_version__isnull=False)
    for org, title in rows.values_list("organization_id", "title"):
        out.setdefault(org, []).append(_("Project «%(project)s» approved") % {"project": title})
    return out


def _teams(ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = InnovationProject.objects.filter(organization_id__in=ids, approved_version__isnull=False)
    for org, title, passport in rows.values_list("organization_id", "title", "approved_version__passport"):
        team = passport.get("team") if isinstance(passport, dict) else None
        if isinstance(team, list) and len(team) >= 3:
            out.setdefault(org, []).append(
                _("A team of %(n)d in «%(project)s»") % {"n": len(team), "project": title}
            )
    return out


def _reports(ids: Sequence[int], states: Sequence[str]) -> list[tuple[int, str, object]]:
    return list(
        ProjectReport.objects.filter(project__organization_id__in=ids, state__in=states)
        .order_by("academic_year")
        .values_list("project__organization_id", "academic_year", "content")
    )


def _submitted_reports(ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for org, year, _content in _reports(
        ids, [ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.RETURNED]
    ):
        out.setdefault(org, []).append(_("Report %(year)s submitted") % {"year": year})
    return out


def _accepted_reports(ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for org, year, _content in _reports(ids, [ReportState.ACCEPTED]):
        out.setdefault(org, []).append(_("Report %(year)s accepted") % {"year": year})
    return out


def _events_in_reports(ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for org, year, content in _reports(ids, [ReportState.ACCEPTED]):
        if isinstance(content, dict) and str(content.get("events") or "").strip():
            out.setdefault(org, []).append(_("Events named in the report %(year)s") % {"year": year})
    return out


register_detector("diagnostics", _diagnostics)
register_detector("goal_setting", _submitted_passports)
register_detector("project_design", _approved_projects)
register_detector("staff_inclusion", _teams)
register_detector("implementation", _submitted_reports)
register_detector("reflection", _accepted_reports)
register_detector("reflection", _repeated_survey)
register_detector("dissemination", _events_in_reports)
