"""`module_db` (the root conftest.py): data built once for a module, each test in a savepoint on top of it;
a transactional test inside it is refused. test_module_db_rolled_back.py checks that nothing is left after."""

from __future__ import annotations

import pytest

from novator.organizations.models import Region
from novator.organizations.tests.factories import RegionFactory

CODE = "98"


@pytest.fixture(scope="module")
def built(module_db, django_db_blocker):
    with django_db_blocker.unblock():
        return RegionFactory(code=CODE, name="Built once")


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_sees_the_data_as_built_and_its_changes_are_undone(built, db, attempt):
    region = Region.objects.get(code=CODE)
    assert (region.pk, region.name) == (built.pk, "Built once")
    assert Region.objects.count() == 1
    region.name = f"Changed by test {attempt}"
    region.save()
    RegionFactory(code=f"9{attempt}", name="Added by a test")


@pytest.mark.xfail(strict=True, raises=pytest.fail.Exception, reason="refused by pytest_runtest_setup")
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_is_refused_inside_the_modules_transaction(built):
    # pytest-django runs it after the others; asking for the module's data, it opens the transaction again
    raise AssertionError("a transactional test ran inside the module's transaction")
