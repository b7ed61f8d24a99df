from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from novator.core.models import ActivityLog
from novator.statuses import services
from novator.statuses.models import StatusAssignment, StatusEvent, StatusKind
from novator.statuses.tests.factories import StatusAssignmentFactory, StatusKindFactory

pytestmark = pytest.mark.django_db

D = datetime.date


# --- the default kinds -----------------------------------------------------------------------------


def test_migration_creates_the_default_kinds():
    kinds = {k.code: k for k in StatusKind.objects.all()}
    assert {"MIP", "MLSV", "KIP", "RIP", "FIP"} <= set(kinds)
    assert (kinds["MIP"].abbreviation, kinds["MIP"].level, kinds["MIP"].default_term_years) == (
        "МИП",
        "municipal",
        3,
    )
    assert kinds["MLSV"].name == "муниципальный лидер сетевого взаимодействия"
    assert (kinds["KIP"].level, kinds["KIP"].default_term_years) == ("regional", 3)
    assert (kinds["FIP"].level, kinds["FIP"].default_term_years) == ("federal", 5)


def test_default_kinds_migration_is_idempotent():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("novator.statuses.migrations.0002_default_status_kinds")
    StatusKind.objects.filter(code="MIP").update(name="испорчено")
    migration.create_default_kinds(apps, None)
    migration.create_default_kinds(apps, None)
    assert StatusKind.objects.filter(code="MIP").count() == 1
    assert StatusKind.objects.get(code="MIP").name == "муниципальная инновационная площадка"


def test_kind_factory_reuses_the_migrated_kinds():
    assert StatusKindFactory().pk == StatusKind.objects.get(code="MIP").pk
    assert StatusKindFactory(code="NEW", abbreviation="НОВ").code == "NEW"


# --- term ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "years", "ends_on"),
    [
        (D(2023, 9, 1), 3, D(2026, 8, 31)),
        (D(2022, 9, 1), 1, D(2023, 8, 31)),
        (D(2023, 1, 1), 1, D(2023, 12, 31)),
        (D(2022, 3, 1), 2, D(2024, 2, 29)),  # the day before 1 March in a leap year
        (D(2024, 2, 29), 3, D(2027, 2, 28)),  # no 29 February in 2027: the anniversary is 1 March
        (D(2024, 2, 29), 4, D(2028, 2, 28)),  # 29.02.2028 exists: the term ends the day before
        (D(2023, 9, 1), 5, D(2028, 8, 31)),
    ],
)
def test_term_end(starts_on, years, ends_on):
    assert services.term_end(starts_on, years) == ends_on


# --- award -----------------------------------------------------------------------------------------


def test_methodologist_awards_a_status_with_event_and_audit(methodologist, org_a):
    kind = StatusKind.objects.get(code="MLSV")
    assignment = services.status_award(
        actor=methodologist,
        organization=org_a,
        kind=kind,
        starts_on=D(2023, 9, 1),
        years=3,
        order_number=" 512 ",
        order_date=D(2023, 8, 25),
        project_title="Сетевое взаимодействие",
    )
    assignment.refresh_from_db()
    assert (assignment.starts_on, assignment.ends_on, assignment.order_number) == (
        D(2023, 9, 1),
        D(2026, 8, 31),
        "512",
    )
    event = assignment.events.get()
    assert (event.kind, event.on, event.new_ends_on, event.actor) == (
        "award",
        D(2023, 9, 1),
        D(2026, 8, 31),
        methodologist,
    )
    log = ActivityLog.objects.get(action="status.award")
    assert log.actor == methodologist
    assert log.object_id == str(assignment.pk)
    assert log.changes["ends_on"] == [None, "2026-08-31"]


def test_system_awards_without_an_actor(org_b):
    assignment = services.status_award(
        actor=None, organization=org_b, kind=StatusKindFactory(), starts_on=D(2023, 9, 1), years=3
    )
    assert assignment.events.get().actor is None
    assert ActivityLog.objects.get(action="status.award").actor is None


@pytest.mark.parametrize("who", ["other_methodologist", "coordinator", "teacher", "expert", "observer"])
def test_others_cannot_award(request, who, org_a):
    with pytest.raises(PermissionDenied):
        services.status_award(
            actor=request.getfixturevalue(who),
            organization=org_a,
            kind=StatusKindFactory(),
            starts_on=D(2023, 9, 1),
            years=3,
        )
    assert not StatusAssignment.objects.exists()
    assert not ActivityLog.objects.exists()


def test_anonymous_cannot_award(org_a):
    with pytest.raises(PermissionDenied):
        services.status_award(
            actor=AnonymousUser(),
            organization=org_a,
            kind=StatusKindFactory(),
            starts_on=D(2023, 9, 1),
            years=3,
        )


def test_admin_awards_anywhere(admin_user, org_b):
    assignment = services.status_award(
        actor=admin_user, organization=org_b, kind=StatusKindFactory(), starts_on=D(2023, 9, 1), years=3
    )
    assert assignment.pk


def test_term_of_zero_years_is_refused(methodologist, org_a):
    with pytest.raises(ValidationError) as exc:
        services.status_award(
            actor=methodologist,
            organization=org_a,
            kind=StatusKindFactory(),
            starts_on=D(2023, 9, 1),
            years=0,
        )
    assert "years" in exc.value.message_dict
    assert not StatusAssignment.objects.exists()


def test_too_long_order_number_is_refused_and_nothing_saved(methodologist, org_a):
    with pytest.raises(ValidationError) as exc:
        services.status_award(
            actor=methodologist,
            organization=org_a,
            kind=StatusKindFactory(),
            starts_on=D(2023, 9, 1),
            years=3,
            order_number="1" * 51,
        )
    assert "order_number" in exc.value.message_dict
    assert not StatusAssignment.objects.exists()
    assert not StatusEvent.objects.exists()


# --- extend ----------------------------------------------------------------------------------------


def extend(actor, assignment, **over):
    kwargs = {
        "new_ends_on": D(2027, 8, 31),
        "order_number": "77",
        "order_date": D(2025, 6, 1),
        "grounds": "Успешный промежуточный отчёт",
    }
    kwargs.update(over)
    return services.status_extend(actor=actor, assignment=assignment, **kwargs)


def test_methodologist_extends_with_event_and_audit(methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, starts_on=D(2022, 9, 1))
    extend(methodologist, assignment)
    assignment.refresh_from_db()
    assert assignment.ends_on == D(2027, 8, 31)
    event = assignment.events.get(kind="extend")
    assert (event.previous_ends_on, event.new_ends_on, event.order_number, event.on) == (
        D(2025, 8, 31),
        D(2027, 8, 31),
        "77",
        D(2025, 6, 1),
    )
    assert event.grounds == "Успешный промежуточный отчёт"
    log = ActivityLog.objects.get(action="status.extend")
    assert log.changes["ends_on"] == ["2025-08-31", "2027-08-31"]
    assert log.actor == methodologist


@pytest.mark.parametrize("new_end", [D(2025, 8, 31), D(2024, 1, 1)])
def test_extension_must_end_later(methodologist, org_a, new_end):
    assignment = StatusAssignmentFactory(organization=org_a, starts_on=D(2022, 9, 1))
    with pytest.raises(ValidationError) as exc:
        extend(methodologist, assignment, new_ends_on=new_end)
    assert "31.08.2025" in exc.value.message_dict["new_ends_on"][0]
    assignment.refresh_from_db()
    assert assignment.ends_on == D(2025, 8, 31)
    assert not assignment.events.filter(kind="extend").exists()
    assert not ActivityLog.objects.exists()


def test_extension_needs_an_order(methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(ValidationError) as exc:
        extend(methodologist, assignment, order_number="  ")
    assert "order_number" in exc.value.message_dict
    assert StatusAssignment.objects.get().ends_on == assignment.ends_on


def test_revoked_status_cannot_be_extended(methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, revoked=True)
    with pytest.raises(ValidationError, match="revoked"):
        extend(methodologist, assignment)
    assert StatusAssignment.objects.get().ends_on == assignment.ends_on


@pytest.mark.parametrize("who", ["other_methodologist", "coordinator", "teacher", "expert", "observer"])
def test_others_cannot_extend(request, who, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(PermissionDenied):
        extend(request.getfixturevalue(who), assignment)
    assert StatusAssignment.objects.get().ends_on == assignment.ends_on
    assert not ActivityLog.objects.exists()


def test_anonymous_cannot_extend(org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(PermissionDenied):
        extend(AnonymousUser(), assignment)


# --- revoke ----------------------------------------------------------------------------------------


def test_methodologist_revokes_with_grounds_event_and_audit(methodologist, org_a, today):
    assignment = StatusAssignmentFactory(organization=org_a, active=True)
    services.status_revoke(
        actor=methodologist,
        assignment=assignment,
        on=None,
        grounds="  Не представлен ежегодный отчёт  ",
        order_number="99",
        order_date=D(2024, 3, 14),
    )
    assignment.refresh_from_db()
    assert assignment.revoked_on == today
    assert assignment.revocation_grounds == "Не представлен ежегодный отчёт"
    assert assignment.state == "revoked"
    event = assignment.events.get(kind="revoke")
    assert (event.on, event.order_number, event.previous_ends_on) == (today, "99", D(2025, 8, 31))
    log = ActivityLog.objects.get(action="status.revoke")
    assert log.changes["grounds"] == [None, "Не представлен ежегодный отчёт"]


@pytest.mark.parametrize(
    ("number", "date", "missing"),
    [
        ("", D(2024, 3, 14), {"order_number"}),
        ("99", None, {"order_date"}),
        (" ", None, {"order_number", "order_date"}),
    ],
)
def test_revocation_needs_the_order_number_and_date(methodologist, org_a, number, date, missing):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(ValidationError) as exc:
        services.status_revoke(
            actor=methodologist,
            assignment=assignment,
            on=D(2023, 1, 1),
            grounds="Не представлен отчёт",
            order_number=number,
            order_date=date,
        )
    assert set(exc.value.message_dict) == missing
    assert StatusAssignment.objects.get().revoked_on is None
    assert not assignment.events.filter(kind="revoke").exists()


@pytest.mark.parametrize("grounds", ["", "   ", None])
def test_revocation_needs_grounds(methodologist, org_a, grounds):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(ValidationError) as exc:
        services.status_revoke(actor=methodologist, assignment=assignment, on=D(2023, 1, 1), grounds=grounds)
    assert "grounds" in exc.value.message_dict
    assert StatusAssignment.objects.get().revoked_on is None


def test_revoked_twice_is_refused(methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, revoked=True)
    with pytest.raises(ValidationError, match="already"):
        services.status_revoke(
            actor=methodologist, assignment=assignment, on=D(2024, 3, 1), grounds="ещё раз"
        )
    assignment.refresh_from_db()
    assert assignment.revoked_on == D(2024, 2, 1)
    assert assignment.events.filter(kind="revoke").count() == 0  # the factory makes only the award


@pytest.mark.parametrize(
    ("on", "message"), [(D(2022, 8, 31), "before it starts"), (D(2025, 9, 1), "31.08.2025")]
)
def test_revocation_date_within_the_term(methodologist, org_a, on, message):
    assignment = StatusAssignmentFactory(organization=org_a, starts_on=D(2022, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.status_revoke(actor=methodologist, assignment=assignment, on=on, grounds="основания")
    assert message in exc.value.message_dict["on"][0]
    assert StatusAssignment.objects.get().revoked_on is None


@pytest.mark.parametrize("who", ["other_methodologist", "coordinator", "teacher", "expert", "observer"])
def test_others_cannot_revoke(request, who, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(PermissionDenied):
        services.status_revoke(
            actor=request.getfixturevalue(who), assignment=assignment, on=D(2023, 1, 1), grounds="основания"
        )
    assert StatusAssignment.objects.get().revoked_on is None


def test_anonymous_cannot_revoke(org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(PermissionDenied):
        services.status_revoke(actor=AnonymousUser(), assignment=assignment, on=D(2023, 1, 1), grounds="x")


# --- correction ------------------------------------------------------------------------------------


def test_correction_of_the_order_is_audited(methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, order_number="1")
    changes = services.status_update(
        actor=methodologist,
        assignment=assignment,
        data={"order_number": "12-п", "project_title": assignment.project_title},
    )
    assert changes == {"order_number": ["1", "12-п"]}
    assert StatusAssignment.objects.get().order_number == "12-п"
    assert ActivityLog.objects.get(action="status.update").changes == changes


def test_correction_cannot_change_the_term(methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(ValidationError):
        services.status_update(actor=methodologist, assignment=assignment, data={"ends_on": D(2030, 1, 1)})
    assert StatusAssignment.objects.get().ends_on == assignment.ends_on


def test_correction_by_another_municipality_is_refused(other_methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    with pytest.raises(PermissionDenied):
        services.status_update(actor=other_methodologist, assignment=assignment, data={"order_number": "x"})


# --- expiry by itself ------------------------------------------------------------------------------


def test_status_expires_by_itself():
    assignment = StatusAssignmentFactory(starts_on=D(2023, 9, 1))  # until 31.08.2026
    assert assignment.state_on(D(2023, 8, 31)) == "pending"
    assert assignment.state_on(D(2023, 9, 1)) == "active"
    assert assignment.state_on(D(2026, 8, 31)) == "active"
    assert assignment.state_on(D(2026, 9, 1)) == "expired"
    assert list(StatusAssignment.objects.active(D(2026, 8, 31))) == [assignment]
    assert list(StatusAssignment.objects.active(D(2026, 9, 1))) == []
    assert list(StatusAssignment.objects.expired(D(2026, 9, 1))) == [assignment]


def test_state_follows_today(monkeypatch):
    assignment = StatusAssignmentFactory(starts_on=D(2023, 9, 1))
    for day, state in [(D(2024, 1, 1), "active"), (D(2026, 9, 1), "expired")]:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda value=None, timezone=None, d=day: d)
        assert assignment.state == state
        assert list(StatusAssignment.objects.in_state(state)) == [assignment]


def test_revocation_takes_effect_on_its_day():
    assignment = StatusAssignmentFactory(
        starts_on=D(2022, 9, 1), revoked_on=D(2024, 2, 1), revocation_grounds="x"
    )
    assert assignment.state_on(D(2024, 1, 31)) == "active"
    assert assignment.state_on(D(2024, 2, 1)) == "revoked"
    assert list(StatusAssignment.objects.in_state("active", D(2024, 1, 31))) == [assignment]
    assert list(StatusAssignment.objects.in_state("revoked", D(2024, 2, 1))) == [assignment]


def test_querysets_agree_with_state_on(today):
    made = {
        "active": StatusAssignmentFactory(active=True),
        "expired": StatusAssignmentFactory(expired=True),
        "revoked": StatusAssignmentFactory(revoked=True),
        "pending": StatusAssignmentFactory(pending=True),
    }
    for state, assignment in made.items():
        assert assignment.state == state
        assert list(StatusAssignment.objects.in_state(state)) == [assignment]
