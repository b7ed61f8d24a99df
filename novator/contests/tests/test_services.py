"""Set-up of contests: creation, validation of categories, criteria, sections and documents, the default
set, copying, the regulation file."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from novator.contests import services
from novator.contests.models import Category, Contest, ContestKind, ContestState, Criterion, FormSection
from novator.core.models import ActivityLog

from . import files
from .factories import (
    ApplicationFactory,
    CategoryFactory,
    ContestFactory,
    CriterionFactory,
    RequiredDocumentFactory,
    complete_application,
    contest_with_setup,
    status_kind,
)

pytestmark = pytest.mark.django_db


def _data(municipality, **overrides):
    now = timezone.now()
    return {
        "kind": ContestKind.STATUS,
        "title": "Конкурс на статус МИП 2027/28",
        "status_kind": status_kind("MIP"),
        "organiser_municipality": municipality,
        "academic_year": "2027/28",
        "opens_at": now + datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=60),
        **overrides,
    }


# ---------------------------------------------------------------------------------------------------
# Contests


def test_methodologist_creates_a_contest_with_the_default_set(methodologist, municipality):
    contest = services.contest_create(actor=methodologist, data=_data(municipality), with_defaults=True)
    assert contest.state == ContestState.DRAFT
    criteria = list(contest.criteria.all())
    assert [c.name for c in criteria] == [
        "Relevance",
        "Novelty",
        "Grounding",
        "Feasibility",
        "Measurable results",
        "Possibility of replication",
        "Quality of drawing up the documents",
    ]
    assert {c.max_points for c in criteria} == {Decimal(3)}
    # the levels are shown to experts and printed on the expert sheet
    assert criteria[0].level_lines == [
        "0 — does not meet",
        "1 — partly meets",
        "2 — largely meets",
        "3 — fully meets",
    ]
    assert contest.max_total == Decimal(21)
    assert contest.threshold_points == Decimal("12.60")
    assert contest.sections.filter(key="relevance", required=True).exists()
    assert contest.required_documents.count() == 4
    assert [c.organization_kinds for c in contest.categories.all()] == [["preschool"], ["school"]]
    assert ActivityLog.objects.filter(action="contest.create", object_id=str(contest.pk)).exists()


def test_defaults_are_not_added_twice(methodologist, draft_contest):
    first = services.contest_apply_defaults(actor=methodologist, contest=draft_contest)
    second = services.contest_apply_defaults(actor=methodologist, contest=draft_contest)
    assert first > 0
    assert second == 0


def test_methodologist_cannot_organise_for_another_municipality(methodologist, other_municipality):
    with pytest.raises(PermissionDenied):
        services.contest_create(actor=methodologist, data=_data(other_municipality))
    assert not Contest.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "teacher", "expert", "observer"])
def test_only_methodologists_and_admins_create_contests(request, role, municipality):
    with pytest.raises(PermissionDenied):
        services.contest_create(actor=request.getfixturevalue(role), data=_data(municipality))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"academic_year": "2027/29"}, "academic_year"),
        ({"academic_year": "27/28"}, "academic_year"),
        ({"title": ""}, "title"),
        ({"status_kind": None}, "__all__"),
    ],
)
def test_bad_contest_data_is_refused(methodologist, municipality, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.contest_create(actor=methodologist, data=_data(municipality, **overrides))
    assert field in caught.value.error_dict
    assert not Contest.objects.exists()


def test_window_must_be_ordered(methodologist, municipality):
    now = timezone.now()
    with pytest.raises(ValidationError, match="close after they open"):
        services.contest_create(
            actor=methodologist,
            data=_data(municipality, opens_at=now, closes_at=now - datetime.timedelta(hours=1)),
        )


def test_professional_contest_needs_no_status(methodologist, municipality):
    contest = services.contest_create(
        actor=methodologist,
        data=_data(
            municipality, kind=ContestKind.PROFESSIONAL, title="Учитель года", status_kind=status_kind()
        ),
    )
    assert contest.status_kind is None


def test_regulation_file_is_checked_by_content(methodologist, municipality):
    with pytest.raises(ValidationError) as caught:
        services.contest_create(
            actor=methodologist, data=_data(municipality, regulation_file=files.exe_as_pdf("Положение.pdf"))
        )
    assert "regulation_file" in caught.value.error_dict
    assert not Contest.objects.exists()
    contest = services.contest_create(
        actor=methodologist, data=_data(municipality, regulation_file=files.pdf("Положение о конкурсе.pdf"))
    )
    assert contest.regulation_file.name.endswith(".pdf")
    assert "Положение_о_конкурсе" in contest.regulation_file.name


def test_contest_cannot_change_after_the_expertise_started(methodologist, municipality):
    contest = ContestFactory(organiser_municipality=municipality, expertise=True)
    with pytest.raises(ValidationError, match="expertise has started"):
        services.contest_update(actor=methodologist, contest=contest, data={"title": "Новое"})


def test_update_records_changes(methodologist, draft_contest, other_municipality):
    changes = services.contest_update(
        actor=methodologist,
        contest=draft_contest,
        data={"title": "Новое название", "eligible_municipalities": [other_municipality]},
    )
    assert changes["title"][1] == "Новое название"
    assert "eligible_municipalities" in changes
    assert ActivityLog.objects.filter(action="contest.update").count() == 1


def test_methodologist_cannot_move_the_contest_to_another_municipality(
    methodologist, draft_contest, other_municipality
):
    with pytest.raises(PermissionDenied):
        services.contest_update(
            actor=methodologist, contest=draft_contest, data={"organiser_municipality": other_municipality}
        )
    draft_contest.refresh_from_db()
    assert draft_contest.organiser_municipality != other_municipality


# ---------------------------------------------------------------------------------------------------
# Categories, criteria, sections, documents


def test_criteria_need_positive_points_and_weights(methodologist, draft_contest):
    for data, field in (
        ({"name": "К", "max_points": Decimal(0), "weight": Decimal(1)}, "max_points"),
        ({"name": "К", "max_points": Decimal(-3), "weight": Decimal(1)}, "max_points"),
        ({"name": "К", "max_points": Decimal(3), "weight": Decimal(0)}, "weight"),
        ({"name": "", "max_points": Decimal(3), "weight": Decimal(1)}, "name"),
        ({"name": "К", "max_points": Decimal(1000), "weight": Decimal(1)}, "max_points"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.criterion_create(actor=methodologist, contest=draft_contest, data=data)
        assert field in caught.value.error_dict, data
    assert draft_contest.criteria.count() == 2


def test_criterion_is_added_at_the_end_and_changed(methodologist, draft_contest):
    criterion = services.criterion_create(
        actor=methodologist,
        contest=draft_contest,
        data={"name": "Тиражируемость", "max_points": Decimal(3), "weight": Decimal("1.5")},
    )
    assert criterion.position == max(c.position for c in draft_contest.criteria.all())
    changes = services.criterion_update(actor=methodologist, criterion=criterion, data={"weight": Decimal(2)})
    assert changes["weight"] == ["1.50", "2"]
    services.criterion_delete(actor=methodologist, criterion=criterion)
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    actions = set(ActivityLog.objects.values_list("action", flat=True))
    assert {"contest.criterion_create", "contest.criterion_update", "contest.criterion_delete"} <= actions


def test_category_names_are_unique_and_quota_positive(methodologist, draft_contest):
    with pytest.raises(ValidationError) as caught:
        services.category_create(actor=methodologist, contest=draft_contest, data={"name": "доу"})
    assert "name" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.category_create(actor=methodologist, contest=draft_contest, data={"name": "УДО", "quota": 0})
    assert "quota" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.category_create(
            actor=methodologist,
            contest=draft_contest,
            data={"name": "УДО", "organization_kinds": ["university"]},
        )
    assert "organization_kinds" in caught.value.error_dict
    category = services.category_create(
        actor=methodologist,
        contest=draft_contest,
        data={"name": "УДО", "organization_kinds": ["supplementary"], "quota": 1},
    )
    assert Category.objects.get(pk=category.pk).quota == 1


def test_section_keys_are_unique_and_made_from_the_title(methodologist, draft_contest):
    with pytest.raises(ValidationError) as caught:
        services.form_section_create(
            actor=methodologist, contest=draft_contest, data={"key": "goal", "title": "Цель проекта"}
        )
    assert "key" in caught.value.error_dict
    section = services.form_section_create(
        actor=methodologist, contest=draft_contest, data={"key": "", "title": "Ожидаемые результаты"}
    )
    assert section.key
    assert FormSection.objects.filter(contest=draft_contest, key=section.key).count() == 1
    latin = services.form_section_create(
        actor=methodologist, contest=draft_contest, data={"key": "", "title": "Risks and mitigation"}
    )
    assert latin.key == "risks_and_mitigation"


def test_section_length_limits(methodologist, draft_contest):
    with pytest.raises(ValidationError) as caught:
        services.form_section_create(
            actor=methodologist, contest=draft_contest, data={"key": "x", "title": "X", "max_length": 10}
        )
    assert "max_length" in caught.value.error_dict


@pytest.mark.parametrize("types", [[], ["exe"], ["pdf", "xlsx"], "pdf"])
def test_document_types_are_a_subset_of_the_document_types(methodologist, draft_contest, types):
    with pytest.raises(ValidationError) as caught:
        services.required_document_create(
            actor=methodologist,
            contest=draft_contest,
            data={"title": "Согласие учредителя", "allowed_types": types},
        )
    assert "allowed_types" in caught.value.error_dict


def test_document_types_are_kept_in_a_stable_order(methodologist, draft_contest):
    document = services.required_document_create(
        actor=methodologist,
        contest=draft_contest,
        data={"title": "Согласие учредителя", "allowed_types": ["png", "pdf", "pdf"], "max_size_mb": 5},
    )
    assert document.allowed_types == ["pdf", "png"]


def test_setup_is_locked_once_somebody_applied(methodologist, contest, org_a):
    criterion = contest.criteria.first()
    services.criterion_update(actor=methodologist, criterion=criterion, data={"weight": Decimal(2)})
    ApplicationFactory(contest=contest, organization=org_a)
    with pytest.raises(ValidationError, match="already applied"):
        services.criterion_update(actor=methodologist, criterion=criterion, data={"weight": Decimal(3)})
    with pytest.raises(ValidationError, match="already applied"):
        services.category_delete(actor=methodologist, category=contest.categories.first())
    criterion.refresh_from_db()
    assert criterion.weight == Decimal(2)


def test_setup_is_locked_during_the_expertise(methodologist, municipality):
    contest = contest_with_setup(organiser_municipality=municipality, expertise=True)
    with pytest.raises(ValidationError, match="expertise has started"):
        services.form_section_create(actor=methodologist, contest=contest, data={"title": "Новый"})


def test_other_methodologist_cannot_change_the_setup(other_methodologist, draft_contest):
    with pytest.raises(PermissionDenied):
        services.criterion_create(
            actor=other_methodologist,
            contest=draft_contest,
            data={"name": "К", "max_points": Decimal(3), "weight": Decimal(1)},
        )


# ---------------------------------------------------------------------------------------------------
# Copying


def test_copy_takes_everything_but_the_applications(methodologist, municipality, other_municipality, org_a):
    source = contest_with_setup(
        organiser_municipality=municipality,
        published=True,
        academic_year="2022/23",
        regulation_text="Положение о конкурсе",
        eligible_kinds=["preschool", "school"],
        eligible_municipalities=[municipality, other_municipality],
    )
    source.regulation_file.save("polozhenie.pdf", files.pdf())
    complete_application(ApplicationFactory(contest=source, organization=org_a, accepted=True))
    opens = timezone.now() + datetime.timedelta(days=1)
    copy = services.contest_copy(
        actor=methodologist,
        source=source,
        title="Конкурс на статус МИП 2023/24",
        academic_year="2023/24",
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
    )
    assert (copy.state, copy.copied_from, copy.academic_year) == (ContestState.DRAFT, source, "2023/24")
    assert copy.order_number == ""
    assert copy.results_published_at is None
    assert copy.regulation_text == "Положение о конкурсе"
    assert copy.eligible_kinds == ["preschool", "school"]
    assert set(copy.eligible_municipalities.all()) == {municipality, other_municipality}
    assert copy.regulation_file.name != source.regulation_file.name
    assert copy.regulation_file.read() == files.pdf().read()
    for related in ("categories", "criteria", "sections", "required_documents"):
        assert getattr(copy, related).count() == getattr(source, related).count() > 0, related
    assert list(copy.categories.values_list("name", "quota")) == list(
        source.categories.values_list("name", "quota")
    )
    assert copy.max_total == source.max_total
    assert not copy.applications.exists()
    assert ActivityLog.objects.filter(action="contest.copy", object_id=str(copy.pk)).exists()


def test_copy_refuses_bad_dates_and_strangers(methodologist, other_methodologist, draft_contest):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.contest_copy(
            actor=other_methodologist,
            source=draft_contest,
            title="Копия",
            academic_year="2027/28",
            opens_at=now,
            closes_at=now + datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.contest_copy(
            actor=methodologist,
            source=draft_contest,
            title="Копия",
            academic_year="2027/28",
            opens_at=now,
            closes_at=now - datetime.timedelta(days=1),
        )
    assert Contest.objects.count() == 1


def test_factories_give_consistent_objects(contest):
    assert CategoryFactory(contest=contest).contest == contest
    assert RequiredDocumentFactory(contest=contest).allowed_types == ["pdf"]
    assert CriterionFactory(contest=contest).max_points == 3
