"""The minutes and the draft order render as DOCX and contain the ranking and the winners."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from novator.core.docx_check import gost_problems
from novator.core.names import signature_name
from novator.documents.models import OrderPurpose
from novator.documents.selectors import registered_order
from novator.expertise import documents, services
from novator.expertise.models import Commission
from novator.expertise.tests.factories import record_meeting

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
    record_meeting(contest)
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
    # the requisites: the authority, the kind, the date and number on one line, the title
    assert text.startswith("Управление образования администрации муниципального образования")
    assert "ПРОТОКОЛ\n\n01.06.2023\t№ 3" in text
    assert f"заседания экспертной комиссии конкурса «{contest.title}»" in text
    assert f"Председатель — {signature_name(chair.user.display_name)}" in text
    assert "Секретарь — " in text
    assert "Присутствовали: 4 из 4 членов экспертной комиссии (кворум имеется):" in text
    assert f"{chair.user.display_name} — председатель экспертной комиссии" in text
    assert expert_profile.user.display_name in text
    assert "ПОВЕСТКА ДНЯ:\n1. Об итогах экспертизы заявок в категории «ДОУ».\n2. Об итогах" in text
    assert "1. СЛУШАЛИ:" in text and "РЕШИЛИ:" in text
    assert "Голосовали: за — 4, против — 0, воздержались — 0." in text
    # the table of each category: rank, number, organisation, total, decision
    assert f"1 | {decided[0].number} | {decided[0].organization.short_name}" in text
    assert "7,50 | рекомендовать" in text
    assert "5,50 | не рекомендовать (сверх квоты)" in text
    assert "7,00 | не рекомендовать (решение комиссии)" in text  # overridden
    assert "отказать" not in text  # only the authority's order decides
    decisions = "".join(part.split("Голосовали")[0] for part in text.split("РЕШИЛИ:")[1:])
    assert f"{decided[0].organization.full_name} — по теме «{decided[0].project_title}»" in decisions
    assert f"{decided[2].organization.full_name} (решение комиссии)" in decisions
    assert "Рекомендовать к присвоению статуса муниципальной инновационной площадки:" in decisions
    assert "Не представлено согласие учредителя" in text
    # the signatures «И.О. Фамилия», then the annex with the agreement
    assert (
        f"Председатель экспертной комиссии\t________________ {signature_name(chair.user.display_name)}"
        in text
    )
    annex = text.split("Приложение\nк протоколу заседания экспертной комиссии от 01.06.2023 № 3")[1]
    assert "Коэффициент конкордации Кендалла" in annex and "Снисходительность" in annex
    assert "№ ____" not in text


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
    build_templates.build_announcement(tmp_path / "announcement.docx")
    assert "{%tr for m in members %}" in docx_text((tmp_path / "announcement.docx").read_bytes())
    assert "{%tr for r in c.rows %}" in docx_text((tmp_path / "minutes.docx").read_bytes())
    assert "{{ w.full_name }}" in docx_text((tmp_path / "order.docx").read_bytes())


REQUISITES = {
    "full_name": "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН",
    "short_name": "Управление образования",
    "place": "ст-ца Выселки",
    "head_position": "Начальник управления образования",
    "head_name": "Коваленко Ирина Викторовна",
    "preparer_position": "Директор МКУ «ИМЦ»",
    "preparer_name": "Сердюк Наталья Александровна",
    "preparer_phone": "8 (86157) 7-34-12",
}


def test_the_announcement_order_is_registered_once_and_cited_by_the_results_order(
    scored, contest, chair, methodologist, client
):
    from novator.documents import selectors as requisites
    from novator.documents import services as journal

    journal.requisites_save(actor=None, requisites=requisites.issuer_for(contest.organiser), data=REQUISITES)
    contest.regulation_text = "1. Общие положения.\n2. Участники конкурса."
    contest.save()
    draft = docx_text(documents.render("announcement.docx", documents.announcement_context(contest)))
    assert draft.startswith("ПРОЕКТ\n") and "__.__.20__\t№ ____" in draft

    client.force_login(chair.user)  # the chair sees the draft but does not register it
    url = reverse("expertise:announcement_register", args=[contest.pk])
    assert client.post(url, {"date": "2022-09-12"}).status_code == 403
    client.force_login(methodologist)
    assert client.post(url, {"date": ""}).status_code == 302
    assert not registered_order(contest, OrderPurpose.ANNOUNCEMENT)
    assert client.post(url, {"date": "2022-09-12"}).status_code == 302
    with pytest.raises(ValidationError, match="registered already"):
        services.announcement_order_register(
            actor=methodologist, contest=contest, date=datetime.date(2022, 9, 13)
        )

    response = client.get(reverse("expertise:announcement", args=[contest.pk]))
    text = docx_text(b"".join(response.streaming_content))
    lines = text.splitlines()
    assert lines[0] == REQUISITES["full_name"] and "ПРОЕКТ" not in text
    assert "12.09.2022\t№ 1" in lines and "ст-ца Выселки" in lines
    status = contest.title.split(" на статус ")[1]
    assert f"О проведении муниципального конкурса на статус {status}" in lines  # the title in the genitive
    assert f"2.1. Положение о проведении муниципального конкурса на статус {status} (приложение 1);" in text
    assert "Приложение 1\nк приказу от 12.09.2022 № 1" in text
    assert "1. Общие положения." in text and "Приложение 3" in text
    assert f"{chair.user.display_name} | " in text and "председатель экспертной комиссии" in text
    assert "Приём заявок | с " in text
    assert "Начальник управления образования\t________________ И.В. Коваленко" in lines

    services.results_confirm(
        actor=chair.user, contest=contest, minutes_number="3", minutes_date=datetime.date(2023, 6, 1)
    )
    order = docx_text(documents.render("order.docx", documents.order_context(contest)))
    assert "утверждённым приказом от 12.09.2022 № 1, на основании протокола" in order


@pytest.mark.parametrize("name", ["minutes", "order", "announcement"])
def test_every_document_has_a_pdf_twin_with_the_same_text(decided, contest, chair, client, name):
    from novator.core.docx_check import pdf_twin_problems

    client.force_login(chair.user)
    url = reverse(f"expertise:{name}", args=[contest.pk])
    docx = b"".join(client.get(url).streaming_content)
    response = client.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(f'-contest-{contest.pk}.pdf"')
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF") and pdf_twin_problems(docx, pdf) == []


def test_the_expert_sheet_prints_the_levels_and_the_conclusion_is_signed(decided, contest, chair, client):
    from novator.expertise.models import ScoreSheet

    criterion = contest.criteria.order_by("position", "pk").first()
    criterion.levels = ["не соответствует", "частично соответствует", "в основном соответствует"]
    criterion.save()
    sheet = (
        ScoreSheet.objects.filter(assignment__application=decided[0])
        .select_related("assignment__expert__user")
        .first()
    )
    expert = sheet.assignment.expert.user
    client.force_login(expert)
    response = client.get(reverse("expertise:sheet_print", args=[sheet.pk]))
    text = docx_text(b"".join(response.streaming_content))
    assert "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ" in text
    assert f"на заявку № {decided[0].number} по теме «{decided[0].project_title}»" in text
    assert "0 — не соответствует; 1 — частично соответствует; 2 — в основном соответствует" in text
    assert "Приложение к протоколу заседания экспертной комиссии от 01.06.2023 № 3" in text
    assert f"Эксперт ________________ {signature_name(expert.display_name)}\t" in text
    assert "Итого баллов: " in text and "Итого баллов: ____" not in text

    client.force_login(chair.user)  # the annex of the minutes: every submitted sheet, one per page
    bundle = docx_text(
        b"".join(client.get(reverse("expertise:conclusions", args=[contest.pk])).streaming_content)
    )
    assert (
        bundle.count("ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ")
        == ScoreSheet.objects.filter(
            assignment__application__contest=contest, state=ScoreSheet.State.SUBMITTED
        ).count()
    )
