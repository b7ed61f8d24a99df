"""The registry import writes in batches: one transaction per batch, the same audit as row by row, a
failing batch written again row by row, parents before branches, a crash leaves whole batches only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from novator.core import audit
from novator.core.models import ActivityLog
from novator.organizations import services
from novator.organizations.importing import (
    CREATE,
    REJECT,
    UNCHANGED,
    apply_plan,
    build_plan,
    read_table,
    reader,
)
from novator.organizations.importing import plan as plan_module
from novator.organizations.models import Organization
from novator.organizations.tests import files
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PARENT = "ИНН головной организации"


def plan_of(data: bytes, actor=None):
    return build_plan(read_table(data), actor=actor)


def queries_of(rows: list[dict], batch_size: int, actor=None) -> int:
    plan = plan_of(files.csv_bytes(rows, headers=list(dict.fromkeys([*files.HEADERS, *rows[0]]))), actor)
    with CaptureQueriesContext(connection) as ctx:
        counts = apply_plan(plan, actor=actor, batch_size=batch_size)
    assert counts["created"] + counts["updated"] == len(rows)
    return len(ctx.captured_queries)


def test_batch_writes_the_same_audit_and_search_text_as_the_service(admin_user, municipality):
    rows = [files.org_row() for _ in range(60)]
    plan = plan_of(files.csv_bytes(rows), admin_user)
    counts = apply_plan(plan, actor=admin_user)  # 60 rows to write: the batch path
    assert counts == {"created": 60, "updated": 0, "unchanged": 0, "rejected": 0}
    # the same row through the service, for comparison
    one = files.org_row()
    one_plan = plan_of(files.csv_bytes([one]), admin_user)
    services.organization_create(actor=admin_user, data=one_plan.rows[0].data)
    reference = ActivityLog.objects.get(object_id=str(Organization.objects.get(inn=one["ИНН"]).pk))
    logs = {log.object_id: log for log in ActivityLog.objects.filter(action="organization.create")}
    assert len(logs) == 61
    for org in Organization.objects.filter(inn__in=[r["ИНН"] for r in rows]).select_related("municipality"):
        log = logs[str(org.pk)]
        assert log.actor == admin_user
        assert log.content_type == reference.content_type
        assert log.object_repr == org.short_name
        assert log.changes == audit.diff({}, audit.snapshot(org, services.ORGANIZATION_FIELDS))
        assert set(log.changes) == set(reference.changes)
        assert org.search_text == org.build_search_text() and org.search_text
        assert org.created_at is not None and org.updated_at is not None


def test_queries_do_not_grow_with_the_rows_of_a_batch(municipality):
    # 40 rows to a batch (under SQLite's 999 parameters per INSERT); per-row it is ~10 queries a row
    few = queries_of([files.org_row() for _ in range(10)], batch_size=40)
    many = queries_of([files.org_row() for _ in range(35)], batch_size=40)
    assert few == many
    row_by_row = queries_of([files.org_row() for _ in range(10)], batch_size=1)
    assert row_by_row > 5 * few


def test_update_batches_are_audited_with_the_changes_and_do_not_grow(municipality):
    orgs = OrganizationFactory.create_batch(30, municipality=municipality)
    rows = [{"ИНН": o.inn, "Краткое наименование": f"Новое имя {n}"} for n, o in enumerate(orgs)]
    few = queries_of(rows[:5], batch_size=40)
    many = queries_of(rows[5:], batch_size=40)
    assert few == many
    org = Organization.objects.get(pk=orgs[7].pk)
    assert org.short_name == "Новое имя 7"
    assert org.search_text == org.build_search_text() and "новое имя 7" in org.search_text
    assert org.updated_at > orgs[7].updated_at
    log = ActivityLog.objects.get(action="organization.update", object_id=str(org.pk))
    assert log.changes == {"short_name": [orgs[7].short_name, "Новое имя 7"]}


def test_a_bad_row_in_a_batch_falls_back_and_the_others_are_created(municipality):
    rows = [files.org_row() for _ in range(60)]
    plan = plan_of(files.csv_bytes(rows))
    # between the preview and the import someone registers row 30's ОГРН elsewhere
    OrganizationFactory(municipality=municipality, ogrn=rows[29]["ОГРН"])
    counts = apply_plan(plan, actor=None, batch_size=20)
    assert counts == {"created": 59, "updated": 0, "unchanged": 0, "rejected": 1}
    assert plan.rows[29].action == REJECT
    assert "ОГРН" in plan.rows[29].reason  # the per-row path's message names the field
    assert not Organization.objects.filter(inn=rows[29]["ИНН"]).exists()
    assert Organization.objects.filter(inn__in=[r["ИНН"] for r in rows]).count() == 59
    assert ActivityLog.objects.filter(action="organization.create").count() == 59


def test_a_failed_update_batch_is_written_again_row_by_row(municipality):
    orgs = OrganizationFactory.create_batch(20, municipality=municipality)
    taken = OrganizationFactory(municipality=municipality)
    rows = [{"ИНН": o.inn, "Телефон": f"+7 900 000-00-{n:02d}"} for n, o in enumerate(orgs)]
    # A new organisation in the first batch whose ОГРН someone registers after the preview (an ОГРН
    # changed on an existing ИНН is a conflict the plan rejects, so it cannot fail the batch any more).
    new = files.org_row(Телефон="+7 900 000-00-99")
    rows.insert(4, new)
    headers = ["ИНН", "ОГРН", "Краткое наименование", "ОКТМО", "Телефон"]
    plan = plan_of(files.csv_bytes(rows, headers=[*headers, "Вид"]))
    Organization.objects.filter(pk=taken.pk).update(ogrn=new["ОГРН"])  # taken since the preview
    counts = apply_plan(plan, actor=None, batch_size=10)
    assert counts == {"created": 0, "updated": 20, "unchanged": 0, "rejected": 1}
    # the rolled-back batch did not leave its changes in memory: the rows of the batch were still written
    assert Organization.objects.get(pk=orgs[3].pk).phone == "+7 900 000-00-03"
    assert ActivityLog.objects.filter(action="organization.update").count() == 20


def test_parents_and_branches_in_one_file_across_and_within_batches(org_a):
    head = files.org_row()
    branch = files.org_row(**{PARENT: head["ИНН"]})
    twig = files.org_row(**{PARENT: branch["ИНН"]})
    fillers = [files.org_row() for _ in range(3)]
    late = files.org_row(**{PARENT: head["ИНН"]})  # in the next batch
    of_existing = files.org_row(**{PARENT: org_a.inn})
    orphan = files.org_row(**{PARENT: files.org_row()["ИНН"]})
    rows = [head, branch, twig, *fillers, late, of_existing, orphan]
    plan = plan_of(files.csv_bytes(rows, headers=[*files.HEADERS, PARENT]))
    counts = apply_plan(plan, actor=None, batch_size=6)
    assert counts == {"created": 8, "updated": 0, "unchanged": 0, "rejected": 1}
    by_inn = {o.inn: o for o in Organization.objects.select_related("parent")}
    assert by_inn[branch["ИНН"]].parent == by_inn[head["ИНН"]]
    assert by_inn[twig["ИНН"]].parent == by_inn[branch["ИНН"]]
    assert by_inn[late["ИНН"]].parent == by_inn[head["ИНН"]]
    assert by_inn[of_existing["ИНН"]].parent == org_a
    log = ActivityLog.objects.get(action="organization.create", object_id=str(by_inn[twig["ИНН"]].pk))
    assert log.changes["parent"] == [None, branch["Краткое наименование"]]


def test_a_branch_whose_parent_row_fails_is_rejected_alone(municipality):
    head = files.org_row()
    branch = files.org_row(**{PARENT: head["ИНН"]})
    others = [files.org_row() for _ in range(5)]
    plan = plan_of(files.csv_bytes([head, branch, *others], headers=[*files.HEADERS, PARENT]))
    OrganizationFactory(municipality=municipality, ogrn=head["ОГРН"])
    counts = apply_plan(plan, actor=None, batch_size=10)
    assert counts == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 2}
    assert [r.action for r in plan.rows[:2]] == [REJECT, REJECT]


def test_a_crash_inside_a_batch_leaves_whole_batches_and_a_rerun_completes(municipality, monkeypatch):
    rows = [files.org_row() for _ in range(60)]
    data = files.csv_bytes(rows)
    original = services.audit.record_many
    calls = {"n": 0}

    def dies_in_the_second_batch(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return original(**kwargs)

    monkeypatch.setattr(services.audit, "record_many", dies_in_the_second_batch)
    with pytest.raises(RuntimeError):
        apply_plan(plan_of(data), actor=None, batch_size=25)
    # the first batch is there with its audit, nothing of the second
    assert Organization.objects.count() == 25
    assert ActivityLog.objects.filter(action="organization.create").count() == 25
    monkeypatch.setattr(services.audit, "record_many", original)
    plan = plan_of(data)  # the restarted worker plans the file again against the database
    assert [r.action for r in plan.rows].count(UNCHANGED) == 25
    counts = apply_plan(plan, actor=None, batch_size=25)
    assert counts == {"created": 35, "updated": 0, "unchanged": 25, "rejected": 0}
    counts = apply_plan(plan_of(data), actor=None, batch_size=25)
    assert counts == {"created": 0, "updated": 0, "unchanged": 60, "rejected": 0}
    assert Organization.objects.values("inn").distinct().count() == Organization.objects.count() == 60
    assert ActivityLog.objects.filter(action="organization.create").count() == 60


def test_progress_is_reported_once_per_batch(municipality):
    rows = [files.org_row() for _ in range(55)]
    plan = plan_of(files.csv_bytes(rows))
    batches: list[int] = []
    seen: list[int] = []
    apply_plan(
        plan,
        actor=None,
        batch_size=20,
        on_batch=lambda batch: batches.append(len(batch)),
        on_row=lambda row: seen.append(row.number),
    )
    assert batches == [20, 20, 15]
    assert seen == [r.number for r in plan.rows]
    assert all(r.action == CREATE for r in plan.rows)


def test_small_files_go_row_by_row(municipality, monkeypatch):
    monkeypatch.setattr(services, "organization_create_many", None)  # would fail if called
    plan = plan_of(files.csv_bytes([files.org_row() for _ in range(plan_module.BATCH_MIN_ROWS - 1)]))
    counts = apply_plan(plan, actor=None)
    assert counts["created"] == plan_module.BATCH_MIN_ROWS - 1


def test_a_national_registry_fits_the_limits():
    assert settings.NOVATOR_IMPORT_MAX_ROWS >= 85_000
    assert settings.NOVATOR_IMPORT_MAX_BYTES >= 40 * 1024 * 1024
    assert settings.NOVATOR_IMPORT_MAX_UNZIPPED_BYTES >= 256 * 1024 * 1024


def test_a_big_real_xlsx_beyond_the_documents_limit_is_read_but_a_zip_bomb_is_not(settings, municipality):
    # 3,000 rows unpack to ~4.5 MB squeezed ~25 times; a national registry is the same at 130+ MB
    settings.NOVATOR_UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    table = read_table(files.xlsx_bytes([files.org_row() for _ in range(3000)]))
    assert len(table.rows) == 3000
    with pytest.raises(reader.ImportFileError):
        read_table(files.zip_bomb_xlsx(unpacked_mb=2))
