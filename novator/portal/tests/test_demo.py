from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from novator.accounts.models import Role, RoleAssignment, User
from novator.accounts.scope import get_scope
from novator.core.models import ActivityLog
from novator.organizations.models import (
    Municipality,
    Organization,
    OrganizationKind,
    OrganizationSubtype,
    Person,
    Region,
)
from novator.portal.demo import registry
from novator.portal.demo.loader import STEPS
from novator.portal.tests.snapshot import demo_command_from_snapshot

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "municipalities": Municipality.objects.count(),
        "organizations": Organization.objects.count(),
        "staff": Person.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "log": ActivityLog.objects.count(),
    }


@pytest.fixture(scope="module")
def loaded(module_db, django_db_blocker):
    """The demo, loaded once for this module (the output of `load_demo`); rolled back at the module's end."""
    with django_db_blocker.unblock(), demo_command_from_snapshot():
        return _load()


@pytest.fixture
def demo(loaded, db):
    """The demo in a savepoint of its own: what a test changes is undone before the next one."""
    return loaded


def test_loading_creates_the_region_and_municipalities_with_their_oktmo(demo):
    assert "created 59 organisations, 8 accounts" in demo  # 6 of registry.py, 2 of region.py
    region = Region.objects.get(code="03")
    assert region.name == "Краснодарский край"
    oktmo = dict(Municipality.objects.filter(region=region).values_list("name", "oktmo"))
    assert oktmo == {
        "Выселковский район": "03612000",
        "Тихорецкий район": "03654000",
        "Кореновский район": "03621000",
    }


def test_the_vyselki_district_has_enough_schools_and_kindergartens_for_the_story(demo):
    vyselki = Organization.objects.filter(municipality__oktmo="03612000")
    schools = vyselki.filter(kind=OrganizationKind.SCHOOL)
    kindergartens = vyselki.filter(kind=OrganizationKind.PRESCHOOL, subtype=OrganizationSubtype.DOU)
    assert schools.count() >= 20
    assert kindergartens.count() >= 25
    # the contests of stage II need at least 5 ДОУ and 4 СОШ
    assert schools.filter(subtype=OrganizationSubtype.SOSH).count() >= 4
    assert vyselki.filter(kind=OrganizationKind.SUPPLEMENTARY).count() >= 2
    for municipality in ("03654000", "03621000"):
        assert 3 <= Organization.objects.filter(municipality__oktmo=municipality).count() <= 4


def test_the_organisations_seen_in_public_pages_and_the_centre_are_there(demo):
    names = set(Organization.objects.values_list("short_name", flat=True))
    assert "МБОУ СОШ № 16 им. В.Г. Харченко ст. Балковской" in names
    assert "МБОУ СОШ № 12 ст. Новобейсугской" in names
    assert "МБДОУ детский сад № 14 «Журавушка» ст. Новобейсугской" in names
    assert "МБДОУ детский сад № 5 «Солнышко» ст. Выселки" in names
    centre = Organization.objects.get(short_name="МКУ «ИМЦ» МО Выселковский район")
    assert (centre.kind, centre.subtype) == (OrganizationKind.OTHER, OrganizationSubtype.METHODICAL)
    assert centre.address == "ул. Ленина, 37, ст. Выселки, 353100"
    assert centre.phone == "(861) 577-33-96"
    branch = Organization.objects.select_related("parent").get(parent__isnull=False)
    assert branch.parent is not None
    assert branch.parent.short_name == "МБОУ СОШ № 16 им. В.Г. Харченко ст. Балковской"


def test_every_demo_record_is_marked_and_has_valid_identifiers(demo):
    orgs = list(Organization.objects.all())
    assert orgs and all(o.is_demo for o in orgs)
    for org in orgs:
        assert stdnum_inn.is_valid(org.inn), org.inn
        assert len(org.inn) == 10
        assert stdnum_ogrn.is_valid(org.ogrn), org.ogrn
        assert org.head_name and org.head_position and org.address
    assert len({o.inn for o in orgs}) == len({o.ogrn for o in orgs}) == len(orgs)
    staff = list(Person.objects.all())
    assert staff and all(p.is_demo and p.processing_consent_on for p in staff)
    assert any(p.publication_consent_on for p in staff)
    assert any(p.publication_consent_on is None for p in staff)


def test_identifiers_are_the_same_on_every_run():
    first = [(s.inn, s.ogrn) for s in registry.ORGANIZATIONS]
    assert first == [(s.inn, s.ogrn) for s in registry.ORGANIZATIONS]
    assert registry.ORGANIZATIONS[0].inn == "2328900013"


def test_writes_go_through_the_services_and_are_audited(demo):
    actions = set(ActivityLog.objects.values_list("action", flat=True))
    expected = {"organization.create", "person.create", "user.create", "role.grant", "person.link_user"}
    assert expected <= actions
    assert ActivityLog.objects.filter(action="organization.create").count() == Organization.objects.count()
    assert not ActivityLog.objects.filter(actor__isnull=False).exists()


SCOPES = {
    "admin": (Role.ADMIN, None),
    "methodist": (Role.METHODOLOGIST, "Выселковский район"),
    "coordinator": (Role.COORDINATOR, "МБОУ СОШ № 1 им. А.С. Пушкина ст. Выселки"),
    "teacher": (Role.TEACHER, "МБОУ СОШ № 1 им. А.С. Пушкина ст. Выселки"),
    "expert": (Role.EXPERT, None),
    "observer": (Role.OBSERVER, "Краснодарский край"),
}


@pytest.mark.parametrize("username", list(SCOPES))
def test_every_demo_account_logs_in_with_its_role_and_scope(demo, client, username):
    assert client.login(username=username, password="novator-demo")
    user = User.objects.get(username=username)
    role, scope = SCOPES[username]
    assert user.first_name and user.last_name and user.middle_name
    (assignment,) = user.role_assignments.all()
    assert assignment.role == role
    target = assignment.organization or assignment.municipality or assignment.region
    assert (str(target) if target else None) == scope
    assert get_scope(user).primary_role() == role
    assert user.is_superuser is (username == "admin")


def test_the_teacher_and_the_coordinator_are_staff_of_their_school(demo):
    teacher = User.objects.get(username="teacher")
    assert teacher.person.organization.short_name == "МБОУ СОШ № 1 им. А.С. Пушкина ст. Выселки"
    assert teacher.person.full_name == "Ковалёва Елена Викторовна"
    assert User.objects.get(username="coordinator").person.organization == teacher.person.organization
    assert User.objects.get(username="methodist").has_perm(
        "organizations.manage_organization", teacher.person.organization
    )


def test_a_second_run_creates_nothing_and_is_quick(demo, django_assert_max_num_queries):
    before = _counts()
    # one or two look-ups per step of the loader (registry, staff, accounts, experts, contests)
    with django_assert_max_num_queries(2 * len(STEPS)):
        out = _load()
    assert "Demo data already loaded" in out
    assert _counts() == before


def test_what_an_operator_changed_is_left_alone(demo):
    org = Organization.objects.get(short_name="МБОУ СОШ № 2 ст. Выселки")
    org.head_name = "Новиков Пётр Ильич"
    org.save()
    teacher = User.objects.get(username="teacher")
    teacher.set_password("changed-by-operator")
    teacher.save()
    Person.objects.get(last_name="Захарченко").delete()
    User.objects.get(username="expert").role_assignments.all().delete()

    out = _load()

    org.refresh_from_db()
    assert org.head_name == "Новиков Пётр Ильич"
    teacher.refresh_from_db()
    assert teacher.check_password("changed-by-operator")
    assert not RoleAssignment.objects.filter(user__username="expert").exists()
    # a missing demo record is restored, nothing else is duplicated
    assert "created 0 organisations, 0 accounts (1 staff records" in out
    assert Person.objects.filter(last_name="Захарченко").count() == 1
