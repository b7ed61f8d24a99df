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
    assert "5,50 | не рекомендовать" in text
    assert "7,00 | не рекомендовать" in text  # overridden
    assert "отказать" not in text  # only the authority's order decides
    assert f"{decided[0].organization.full_name} — по теме: «{decided[0].project_title}»" in text
    assert "Не представлено согласие учредителя" in text
    assert decided[2].organization.full_name not in text.split("РЕШИЛИ:")[1].split("Решения, принятые")[0]


def test_order_lists_each_winner_with_the_term(decided, contest):
    text = docx_text(documents.render("order.docx", documents.order_context(contest)))
    assert "01.09.2023\t№ 145-од" in text  # date and number on one line
    assert "сроком на 3 года (с 01.09.2023 по 31.08.2026)" in text
    assert f"1.1. {decided[0].organization.full_name} — по теме «{decided[0].project_title}»." in text
    assert decided[1].organization.full_name not in text
    assert decided[2].organization.full_name not in text
    assert "протокола заседания экспертной комиссии от 01.06.2023 № 3 п р и к а з ы в а ю:" in text
    assert "Федерального закона от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»" in text
    assert "ПРОЕКТ" not in text  # numbered: no longer a draft


def test_order_takes_the_issuer_and_the_regulation_from_the_requisites_and_the_journal(decided, contest):
    from novator.documents import selectors as requisites
    from novator.documents import services as journal
    from novator.documents.models import OrderPurpose

    issuer = requisites.issuer_for(contest.organiser)
    journal.requisites_save(
        actor=None,
        requisites=issuer,
        data={
            "full_name": "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН",
            "short_name": "Управление образования",
            "place": "ст-ца Выселки",
            "head_position": "Начальник управления образования",
            "head_name": "Коваленко Ирина Викторовна",
            "preparer_position": "Директор МКУ «ИМЦ»",
            "preparer_name": "Сердюк Наталья Александровна",
            "preparer_phone": "8 (86157) 7-34-12",
        },
    )
    journal.outgoing_order_register(
        actor=None,
        requisites=issuer,
        date=datetime.date(2022, 9, 12),
        title="О проведении конкурса",
        subject=contest,
        purpose=OrderPurpose.ANNOUNCEMENT,
    )
    type(decided[0]).objects.filter(pk=decided[0].pk).update(project_title="Школа «Точка роста»")
    text = docx_text(documents.render("order.docx", documents.order_context(contest)))
    lines = text.splitlines()
    assert lines[0] == "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН"
    assert "ст-ца Выселки" in lines
    assert "О присвоении статуса муниципальной инновационной площадки" in lines
    assert "утверждённым приказом от 12.09.2022 № 1, на основании протокола" in text
    assert "Положением о проведении муниципального конкурса на статус МИП" in text
    assert "по теме «Школа „Точка роста“»." in text  # no nested «…«…»…»
    assert "Начальник управления образования\t________________ И.В. Коваленко" in lines
    assert "Проект подготовлен и внесён:" in lines
    assert "Директор МКУ «ИМЦ»\t________________ Н.А. Сердюк" in lines
    assert "Исп.: Сердюк Наталья Александровна, тел. 8 (86157) 7-34-12" in lines
    assert "Руководитель" not in text and "Управление образования:" not in text


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
