"""The minutes and the draft order render as DOCX and contain the ranking and the winners."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from novator.core.docx_check import gost_problems
from novator.expertise import documents, services
from novator.expertise.models import Commission

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    assert gost_problems(document) == []
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture
def decided(scored, contest, chair, methodologist):
    Commission.objects.filter(contest=contest).update(secretary=methodologist)
    services.results_confirm(
        actor=chair.user,
        contest=contest,
        minutes_number="3",
        minutes_date=datetime.date(2023, 6, 1),
        overrides={scored[2].pk: {"awarded": False, "reason": "Не представлено согласие учредителя"}},
    )
    contest.refresh_from_db()
    contest.academic_year = "2022/23"
    contest.order_number = "145-од"
    contest.order_date = datetime.date(2023, 9, 1)
    contest.save()
    return scored


def test_minutes_contain_members_the_ranking_and_the_decision(
    decided, contest, chair, expert_profile, client
):
    client.force_login(chair.user)
    response = client.get(reverse("expertise:minutes", args=[contest.pk]))
    assert response.status_code == 200
    text = docx_text(b"".join(response.streaming_content))
    assert "ПРОТОКОЛ № 3" in text and "01.06.2023" in text
    assert f"конкурса «{contest.title}»" in text
    assert f"{chair.user.display_name} — председатель комиссии" in text
    assert expert_profile.user.display_name in text
    # the table of each category: rank, number, organisation, total, decision
    assert f"1 | {decided[0].number} | {decided[0].organization.short_name}" in text
    assert "7,50 | рекомендовать" in text
    assert "5,50 | отказать" in text
    assert "7,00 | отказать" in text  # overridden
    assert f"{decided[0].organization.full_name} — по теме: «{decided[0].project_title}»" in text
    assert "Не представлено согласие учредителя" in text
    assert decided[2].organization.full_name not in text.split("РЕШИЛИ:")[1].split("Решения, принятые")[0]


def test_order_lists_each_winner_with_the_term(decided, contest):
    text = docx_text(documents.render("order.docx", documents.order_context(contest)))
    assert "№ 145-од" in text and "от 01.09.2023" in text
    assert "на срок 3 года с 01.09.2023 по 31.08.2026" in text
    assert f"1.1. {decided[0].organization.full_name} — по теме: «{decided[0].project_title}»." in text
    assert decided[1].organization.full_name not in text
    assert decided[2].organization.full_name not in text
    assert "протокола заседания экспертной комиссии № 3 от 01.06.2023" in text


def test_names_with_markup_are_escaped(decided, contest):
    organization = decided[0].organization
    organization.full_name = "МБОУ «СОШ <№ 1> & Ко»"
    organization.save()
    text = docx_text(documents.render("order.docx", documents.order_context(contest)))
    assert "МБОУ «СОШ <№ 1> & Ко»" in text


def test_the_templates_are_rebuilt_by_the_script(tmp_path):
    from novator.expertise.docx import build_templates

    build_templates.build_minutes(tmp_path / "minutes.docx")
    build_templates.build_order(tmp_path / "order.docx")
    assert "{%tr for r in c.rows %}" in docx_text((tmp_path / "minutes.docx").read_bytes())
    assert "{{ w.full_name }}" in docx_text((tmp_path / "order.docx").read_bytes())
