"""The submitted application printed for the head's signature (паспорт заявки): the contest, the
organisation, the project, the sections as submitted, the attached documents, and the signature block
«Руководитель ____ И.О. Фамилия», «М.П.», the date. Built in code (`core.docx_build`, ГОСТ Р 7.0.97-2016);
its PDF twin is the same document laid out by WeasyPrint."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from novator.core import docx_build as build
from novator.core.names import signature_name
from novator.documents.selectors import issuer_for

from .models import Application


def passport_docx(application: Application) -> bytes:
    contest = application.contest
    organization = application.organization
    issuer = issuer_for(contest.organiser)
    document = build.document()
    build.para(document, issuer.full_name, center=True)
    build.para(document, "")
    build.para(document, "ЗАЯВКА", bold=True, center=True)
    build.para(document, f"на участие в конкурсе {build.quote(contest.title)}", bold=True, center=True)
    build.para(document, f"({contest.academic_year} учебный год)", center=True)
    build.para(document, "")
    submitted = timezone.localtime(application.submitted_at).date() if application.submitted_at else None
    rows: list[list[str]] = [
        ["Регистрационный номер заявки", str(application.number or "—")],
        ["Дата подачи", build.date_text(submitted) or "—"],
        ["Образовательная организация", organization.full_name or organization.short_name],
        ["Муниципальное образование", str(organization.municipality or "")],
        ["Категория", application.category.name if application.category else "—"],
        ["Тема инновационного проекта", build.quote(application.project_title)],
        ["Руководитель", organization.head_name or "—"],
    ]
    build.table(document, ["Сведения", "Значение"], rows)
    build.para(document, "")
    texts: dict[str, Any] = application.texts or {}
    for number, section in enumerate(contest.sections.order_by("position", "pk"), start=1):
        build.para(document, f"{number}. {section.title}", bold=True)
        for line in str(texts.get(section.key) or "—").splitlines() or ["—"]:
            if line.strip():
                build.para(document, "\t" + line.strip(), justify=True)
    attached = list(
        application.documents.select_related("requirement").order_by("requirement__position", "pk")
    )
    if attached:
        build.para(document, "")
        build.para(document, "Приложения:", bold=True)
        for number, item in enumerate(attached, start=1):
            build.para(document, f"{number}. {item.requirement.title} ({item.original_name}).")
    build.para(document, "")
    build.para(document, "Достоверность сведений, указанных в заявке, подтверждаю.")
    build.para(document, "")
    position = organization.head_position or "Руководитель образовательной организации"
    build.split_line(
        document, position, f"________________ {signature_name(organization.head_name)}".rstrip()
    )
    build.split_line(document, "М.П.", "__.__.20__")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
