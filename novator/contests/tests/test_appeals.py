"""Appeals against published results: the period in working days, who may appeal and review, the
workflow, the re-ranking, the documents, the pages and the results API."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from docx import Document

from novator.contests.appeals import services
from novator.contests.appeals.models import Appeal, AppealState
from novator.contests.models import Application, ContestState
from novator.core.models import ActivityLog
from novator.expertise.tests.factories import (
    AssignmentFactory,
    CommissionFactory,
    CommissionMemberFactory,
    ConflictDeclarationFactory,
    ExpertFactory,
)
from novator.notifications.models import Notification
from novator.organizations.tests.factories import OrganizationFactory

from .factories import ApplicationFactory, contest_with_setup
from .files import exe_as_pdf, pdf

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
#: the results are published on Friday 16 October 2026; 3 working days: Mon 19, Tue 20, Wed 21
PUBLISHED = datetime.datetime(2026, 10, 16, 15, 0, tzinfo=MSK)
IN_TIME = datetime.datetime(2026, 10, 21, 23, 30, tzinfo=MSK)
LATE = datetime.datetime(2026, 10, 22, 0, 10, tzinfo=MSK)


@pytest.fixture
def world(municipality: Any, org_a: Any, coordinator: Any) -> dict[str, Any]:
    """A published contest: in «СОШ» (quota 2) B 7.50 and C 6.00 are awarded, A (org_a) 5.00 is third."""
    contest = contest_with_setup(
        organiser_municipality=municipality,
        published=True,
        results_published_at=PUBLISHED,
        appeal_working_days=3,
    )
    school = contest.categories.get(name="СОШ")

    def app(org: Any, total: str, rank: int, awarded: bool, number: int) -> Application:
        return ApplicationFactory(  # type: ignore[return-value]
            contest=contest,
            organization=org,
            category=school,
            accepted=True,
            number=number,
            total=Decimal(total),
            rank=rank,
            awarded=awarded,
        )

    a = app(org_a, "5.00", 3, False, 1)
    b = app(OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 2"), "7.50", 1, True, 2)
    c = app(OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 5"), "6.00", 2, True, 3)
    chair = ExpertFactory()
    scorer = ExpertFactory()
    member = ExpertFactory()
    conflicted = ExpertFactory()
    commission = CommissionFactory(contest=contest, chair=chair)
    for expert in (scorer, member, conflicted):
        CommissionMemberFactory(commission=commission, expert=expert)
    AssignmentFactory(application=a, expert=scorer)
    ConflictDeclarationFactory(application=a, expert=conflicted)
    return {
        "contest": contest,
        "a": a,
        "b": b,
        "c": c,
        "chair": chair.user,
        "scorer": scorer.user,
        "member": member.user,
        "conflicted": conflicted.user,
    }


def _submit(world: dict[str, Any], actor: Any, **kwargs: Any) -> Appeal:
    kwargs.setdefault("reasons", "Эксперт не учёл приложенные результаты апробации.")
    kwargs.setdefault("now", IN_TIME)
    return services.appeal_submit(actor=actor, application=world["a"], **kwargs)


def test_deadline_is_counted_in_working_days(world: dict[str, Any]) -> None:
    assert services.appeal_deadline(world["contest"]) == datetime.date(2026, 10, 21)


def test_appeal_upheld_reranks_and_changes_the_awarded_set(world: dict[str, Any], coordinator: Any) -> None:
    appeal = _submit(world, coordinator, uploads=[pdf("Протокол апробации.pdf")])
    assert appeal.state == AppealState.SUBMITTED
    assert appeal.total_before == Decimal("5.00")
    assert [f.file_type for f in appeal.files.all()] == ["pdf"]
    # the chair is told
    assert Notification.objects.filter(user=world["chair"], kind="contests.appeal").exists()

    appeal = services.appeal_transition(actor=world["member"], appeal=appeal, name="take")
    assert appeal.state == AppealState.UNDER_REVIEW
    appeal = services.appeal_transition(
        actor=world["chair"],
        appeal=appeal,
        name="uphold",
        reason="Результаты апробации подтверждены документально.",
        total="6,5",
    )
    assert appeal.state == AppealState.UPHELD
    assert appeal.total_after == Decimal("6.50")
    assert appeal.outcome == "raised"
    a, b, c = (Application.objects.get(pk=world[k].pk) for k in "abc")
    assert (a.total, a.rank, a.awarded) == (Decimal("6.50"), 2, True)
    assert (b.rank, b.awarded) == (1, True)
    assert (c.rank, c.awarded) == (3, False)
    assert appeal.awarded_changed
    assert {(x["id"], x["awarded"]) for x in appeal.changes} == {(a.pk, True), (c.pk, False)}
    assert Notification.objects.filter(
        user=coordinator, subject__startswith="Decision on the appeal"
    ).exists()
    assert ActivityLog.objects.filter(action="appeal.uphold").exists()

    from novator.expertise import appeal_documents

    order = Document(io.BytesIO(appeal_documents.amending_order_response(world["contest"]).getvalue()))
    text = "\n".join(p.text for p in order.paragraphs)
    assert "Дополнить перечень" in text and "Исключить из перечня" in text
    assert c.organization.full_name in text and a.organization.full_name in text
    minutes = Document(io.BytesIO(appeal_documents.appeal_minutes_response(appeal).getvalue()))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert "Апелляцию удовлетворить: повысить итоговый балл заявки с 5,00 до 6,50" in text
    assert "Результаты апробации подтверждены документально." in text
    # the issuer's requisites head the minutes, as on the commission's own minutes
    from novator.documents.selectors import issuer_for

    assert minutes.paragraphs[0].text == issuer_for(world["contest"].organiser).full_name


def test_rejected_appeal_changes_nothing(world: dict[str, Any], coordinator: Any) -> None:
    appeal = _submit(world, coordinator)
    appeal = services.appeal_transition(actor=world["chair"], appeal=appeal, name="take")
    with pytest.raises(ValidationError) as error:
        services.appeal_transition(actor=world["chair"], appeal=appeal, name="reject", reason="  ")
    assert "Give the justification of the decision." in str(error.value)
    appeal = services.appeal_transition(
        actor=world["chair"], appeal=appeal, name="reject", reason="Оценки обоснованы."
    )
    assert appeal.state == AppealState.REJECTED and appeal.outcome == "rejected"
    assert Application.objects.get(pk=world["a"].pk).total == Decimal("5.00")


def test_uphold_needs_a_new_total_within_the_maximum(world: dict[str, Any], coordinator: Any) -> None:
    appeal = services.appeal_transition(actor=world["chair"], appeal=_submit(world, coordinator), name="take")
    for total, message in (
        ("много", "Give the new total as a number"),
        ("5", "equals the total before the appeal"),
        ("9", "The total must be from 0 to 8"),
    ):
        with pytest.raises(ValidationError) as error:
            services.appeal_transition(
                actor=world["chair"], appeal=appeal, name="uphold", reason="Да", total=total
            )
        assert message in str(error.value)
    appeal.refresh_from_db()
    assert appeal.state == AppealState.UNDER_REVIEW
    assert Application.objects.get(pk=world["a"].pk).total == Decimal("5.00")


def test_late_appeal_is_refused(world: dict[str, Any], coordinator: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _submit(world, coordinator, now=LATE)
    assert "The period for appeals ended on 21.10.2026 (3 working days after publication)." in str(
        error.value
    )
    assert not Appeal.objects.exists()


def test_appeal_before_publication_is_refused(world: dict[str, Any], coordinator: Any) -> None:
    contest = world["contest"]
    contest.state = ContestState.DECIDED
    contest.save()
    with pytest.raises(ValidationError) as error:
        _submit(world, coordinator)
    assert "An appeal can be filed only after the results are published." in str(error.value)
    assert not Appeal.objects.exists()


def test_appeal_by_someone_who_did_not_apply_is_refused(world: dict[str, Any], coordinator_b: Any) -> None:
    with pytest.raises(PermissionDenied) as error:
        _submit(world, coordinator_b)
    assert "Only the coordinator of the organisation that applied may appeal" in str(error.value)
    assert not Appeal.objects.exists()


def test_second_appeal_is_refused(world: dict[str, Any], coordinator: Any) -> None:
    _submit(world, coordinator)
    with pytest.raises(ValidationError) as error:
        _submit(world, coordinator)
    assert "An appeal against this result was already filed on" in str(error.value)
    assert Appeal.objects.count() == 1


def test_disguised_file_is_refused(world: dict[str, Any], coordinator: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _submit(world, coordinator, uploads=[exe_as_pdf("Скан.pdf")])
    assert "its content was checked" in str(error.value)
    assert not Appeal.objects.exists()


def test_who_reviews_and_who_sees_an_appeal(
    world: dict[str, Any], coordinator: Any, coordinator_b: Any, methodologist: Any, teacher: Any
) -> None:
    appeal = _submit(world, coordinator)
    review = {
        name: world[name].has_perm("contests.review_appeal", appeal)
        for name in ("chair", "member", "scorer", "conflicted")
    }
    assert review == {"chair": True, "member": True, "scorer": False, "conflicted": False}
    assert coordinator.has_perm("contests.view_appeal", appeal)
    assert methodologist.has_perm("contests.view_appeal", appeal)
    assert not coordinator.has_perm("contests.review_appeal", appeal)
    for outsider in (coordinator_b, teacher, world["scorer"], world["conflicted"]):
        assert not outsider.has_perm("contests.view_appeal", appeal)
    with pytest.raises(PermissionDenied):
        services.appeal_transition(actor=world["scorer"], appeal=appeal, name="take")


def test_pages(world: dict[str, Any], coordinator: Any, coordinator_b: Any, monkeypatch: Any) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: IN_TIME)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    page = client.get(world["a"].get_absolute_url())
    assert "File an appeal" in page.content.decode() and "21.10.2026" in page.content.decode()
    response = client.post(
        f"/contests/applications/{world['a'].pk}/appeal/",
        {"reasons": "Не учтены результаты.", "files": [pdf("Скан.pdf")]},
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contests/appeals/{appeal.pk}/"
    assert "Не учтены результаты." in client.get(response["Location"]).content.decode()
    assert client.get(f"/contests/appeals/files/{appeal.files.get().pk}/").status_code == 200

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(coordinator_b)
    assert other.get(f"/contests/appeals/{appeal.pk}/").status_code == 403
    assert other.get(f"/contests/appeals/files/{appeal.files.get().pk}/").status_code == 403

    chair = Client(HTTP_ACCEPT_LANGUAGE="en")
    chair.force_login(world["chair"])
    chair.post(f"/contests/appeals/{appeal.pk}/do/take/")
    page = chair.post(f"/contests/appeals/{appeal.pk}/do/uphold/", {"reason": "", "total": "6.5"})
    assert "Give the justification of the decision." in page.content.decode()
    chair.post(f"/contests/appeals/{appeal.pk}/do/uphold/", {"reason": "Обосновано.", "total": "6.5"})
    appeal.refresh_from_db()
    assert appeal.state == AppealState.UPHELD

    monkeypatch.setattr(timezone, "now", lambda: LATE)
    late = client.get(f"/contests/applications/{world['b'].pk}/appeal/")
    assert late.status_code == 403  # another organisation's application


def test_late_page_says_why(world: dict[str, Any], coordinator: Any, monkeypatch: Any) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: LATE)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    response = client.post(f"/contests/applications/{world['a'].pk}/appeal/", {"reasons": "Поздно."})
    assert "The period for appeals ended on 21.10.2026" in response.content.decode()
    assert not Appeal.objects.exists()


def test_results_api_counts_appeals(world: dict[str, Any], coordinator: Any) -> None:
    first = _submit(world, coordinator)
    services.appeal_transition(actor=world["chair"], appeal=first, name="take")
    services.appeal_transition(actor=world["chair"], appeal=first, name="uphold", reason="Да.", total="4.5")
    response = Client().get(f"/api/v1/contests/{world['contest'].pk}/results/")
    assert response.status_code == 200
    assert response.json()["appeals"] == {"total": 1, "pending": 0, "rejected": 0, "raised": 0, "lowered": 1}


def test_the_page_says_what_happened_in_a_sentence():
    from django.utils import translation

    from novator.contests.appeals.views import DONE_MESSAGES

    with translation.override("ru"):
        assert str(DONE_MESSAGES["take"]) == "Апелляция принята к рассмотрению."
        assert not any(str(m).startswith("Выполнено") for m in DONE_MESSAGES.values())
