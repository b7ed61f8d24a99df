"""Writes to the registry. Pages, the API, the import and the admin all come through here."""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.concurrency import check_version
from novator.core.jobs import enqueue_on_commit, job_create
from novator.core.models import Job
from novator.core.services import model_update, require, user_or_none

from .models import (
    SUBTYPES_BY_KIND,
    Municipality,
    Organization,
    OrganizationImport,
    OrganizationImportRow,
    Person,
    Region,
)

ORGANIZATION_FIELDS = (
    "municipality",
    "full_name",
    "short_name",
    "kind",
    "subtype",
    "inn",
    "ogrn",
    "kpp",
    "address",
    "head_name",
    "head_position",
    "phone",
    "email",
    "website",
    "parent",
    "is_active",
    "closed_on",
)
#: What an organisation's own coordinator may change; the rest is the methodologist's.
COORDINATOR_FIELDS = ("address", "head_name", "head_position", "phone", "email", "website", "kpp")

PERSON_FIELDS = (
    "organization",
    "last_name",
    "first_name",
    "middle_name",
    "position",
    "email",
    "processing_consent_on",
    "processing_consent_withdrawn_on",
    "publication_consent_on",
    "publication_consent_withdrawn_on",
)

#: Called, inside the writing transaction, with a person whose published name changed: the consent to
#: publication came into force or stopped being in force (given, withdrawn, the consent to processing
#: withdrawn), or the name was corrected while published. Apps that keep the name outside the person's row
#: (the library's search index of products and its facet counts) refresh it there, so that a withdrawal
#: hides the name everywhere at once. Apps register in their `AppConfig.ready` (organizations imports
#: none of them); every write that can change `Person.published_name` calls `published_name_changed`.
PUBLISHED_NAME_HOOKS: list[Callable[[Person], None]] = []


def published_name_changed(person: Person) -> None:
    for hook in PUBLISHED_NAME_HOOKS:
        hook(person)


def validate_kind_subtype(org: Organization) -> None:
    """The subtype belongs to the kind (ValidationError on `subtype` otherwise)."""
    allowed = SUBTYPES_BY_KIND.get(org.kind, set())
    if org.kind and org.subtype and org.subtype not in allowed:
        raise ValidationError(
            {
                "subtype": _("Subtype «%(subtype)s» does not belong to kind «%(kind)s».")
                % {"subtype": org.get_subtype_display(), "kind": org.get_kind_display()}
            }
        )


def validate_parent(org: Organization) -> None:
    """The chain of parents has no loop (ValidationError on `parent` otherwise)."""
    parent = org.parent
    seen = {org.pk}
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": _("An organisation cannot be a branch of its own branch.")})
        seen.add(parent.pk)
        parent = parent.parent


def normalize_kpp(value: Any) -> str | None:
    """КПП as stored: spaces removed, letters capital, and no КПП as None (never "")."""
    text = "".join(str(value or "").split()).upper()
    return text or None


def identity_problem(org: Organization) -> dict[str, str]:
    """Which organisation already has `org`'s identity (ИНН + КПП), or its ОГРН under another ИНН:
    messages by field naming the other organisation, {} when there is none. Three queries at most."""
    others = Organization.objects.exclude(pk=org.pk) if org.pk else Organization.objects.all()
    problems: dict[str, str] = {}
    if org.inn:
        same = others.filter(inn=org.inn).filter(Q(kpp=org.kpp) if org.kpp else Q(kpp__isnull=True))
        twin = same.only("short_name").first()
        if twin is not None:
            problems["kpp"] = (
                _("ИНН %(inn)s with КПП %(kpp)s already belongs to «%(name)s».")
                % {"inn": org.inn, "kpp": org.kpp, "name": twin.short_name}
                if org.kpp
                else _(
                    "ИНН %(inn)s without КПП already belongs to «%(name)s»; fill in the КПП (a branch has "
                    "its own)."
                )
                % {"inn": org.inn, "name": twin.short_name}
            )
        # the branches of an organisation whose ОГРН is being corrected still have the old one
        family = others.exclude(parent_id=org.pk) if org.pk else others
        stranger = family.filter(inn=org.inn).exclude(ogrn=org.ogrn).only("short_name", "ogrn").first()
        if stranger is not None and "kpp" not in problems:
            problems["inn"] = _(
                "ИНН %(inn)s belongs to «%(name)s» with ОГРН %(ogrn)s; one legal entity has one ОГРН (a "
                "branch has its parent's)."
            ) % {"inn": org.inn, "name": stranger.short_name, "ogrn": stranger.ogrn}
    if org.ogrn:
        owner = others.filter(ogrn=org.ogrn).exclude(inn=org.inn).only("short_name", "inn").first()
        if owner is not None:
            problems["ogrn"] = _("ОГРН %(ogrn)s already belongs to «%(name)s» (ИНН %(inn)s).") % {
                "ogrn": org.ogrn,
                "name": owner.short_name,
                "inn": owner.inn,
            }
    return problems


def _validate(org: Organization) -> None:
    if org.is_active:
        org.closed_on = None
    org.kpp = normalize_kpp(org.kpp)
    org.full_clean(validate_constraints=False)
    # the identity first, in words naming the other organisation; then the constraints as a safety net
    problems = identity_problem(org)
    if problems:
        raise ValidationError(problems)
    org.validate_constraints()
    for rule in ORGANIZATION_RULES:
        rule(org)


#: The registry's rules beyond the model's field validators, each raising ValidationError. The services
#: apply them on every write; the import plan calls them to reject a row before anything is written.
ORGANIZATION_RULES: tuple[Callable[[Organization], None], ...] = (validate_kind_subtype, validate_parent)


def parent_out_of_scope(actor: Any, org: Organization, previous_parent_id: int | None = None) -> str | None:
    """Why `actor` may not make `org` a branch of its (new) parent, or None. A branch belongs to its
    parent's municipality: only its methodologists (and administrators) attach one to the parent."""
    if actor is None or org.parent_id is None or org.parent_id == previous_parent_id:
        return None
    parent = org.parent
    if parent is None or actor.has_perm("organizations.manage_organization", parent):
        return None
    return _("«%(parent)s» is not in your municipalities: its methodologists attach branches to it.") % {
        "parent": parent.short_name
    }


def _require_parent_scope(actor: Any, org: Organization, previous_parent_id: int | None = None) -> None:
    problem = parent_out_of_scope(actor, org, previous_parent_id)
    if problem:
        raise PermissionDenied(problem)


@transaction.atomic
def organization_create(*, actor: Any, data: Mapping[str, Any], is_demo: bool = False) -> Organization:
    """Create an organisation. `actor=None` is the system (import from the command line, demo data)."""
    org = Organization(is_demo=is_demo)
    for name in ORGANIZATION_FIELDS:
        if name in data:
            setattr(org, name, data[name])
    if actor is not None:
        require(actor, "organizations.add_organization")
        require(actor, "organizations.manage_organization", org)
        _require_parent_scope(actor, org)
    _validate(org)
    org.search_text = org.build_search_text()
    org.save()
    audit.record(
        actor=actor,
        action="organization.create",
        obj=org,
        changes=audit.diff({}, audit.snapshot(org, ORGANIZATION_FIELDS)),
    )
    return org


@transaction.atomic
def organization_update(
    *, actor: Any, organization: Organization, data: Mapping[str, Any], version: str | None = None
) -> dict[str, Any]:
    """Change an organisation; returns the changed fields ({} when nothing changed).

    `version` is the token the edit page was loaded with (novator.core.concurrency): a save from a page
    older than the last save is refused with a clear message and changes nothing.
    """
    check_version(organization, version)
    if actor is not None:
        require(actor, "organizations.change_organization", organization)
        if not actor.has_perm("organizations.manage_organization", organization):
            forbidden = [
                k for k in data if k not in COORDINATOR_FIELDS and data[k] != getattr(organization, k)
            ]
            if forbidden:
                raise PermissionDenied(
                    _("Only a methodologist can change these fields: %(fields)s.")
                    % {"fields": ", ".join(forbidden)}
                )
    previous_parent_id = organization.parent_id

    def validate(organization: Organization) -> None:
        if "municipality" in data:
            # a methodologist may not move an organisation out of their municipalities
            require(actor, "organizations.manage_organization", organization)
        _require_parent_scope(actor, organization, previous_parent_id)
        _validate(organization)
        organization.search_text = organization.build_search_text()

    return model_update(
        organization,
        fields=ORGANIZATION_FIELDS,
        data=data,
        actor=actor,
        action="organization.update",
        validate=validate,
        also_save=("search_text",),
    )


@transaction.atomic
def region_get_or_create(*, actor: Any, code: str, name: str) -> Region:
    region, created = Region.objects.get_or_create(code=code, defaults={"name": name})
    if created:
        region.full_clean()
        audit.record(actor=actor, action="region.create", obj=region)
    return region


@transaction.atomic
def municipality_create(*, actor: Any, region: Region, name: str, oktmo: str) -> Municipality:
    if actor is not None:
        require(actor, "organizations.add_municipality")
    municipality = Municipality(region=region, name=name, oktmo=oktmo)
    municipality.full_clean()
    municipality.save()
    audit.record(
        actor=actor,
        action="municipality.create",
        obj=municipality,
        changes={"name": [None, name], "oktmo": [None, oktmo]},
    )
    return municipality


# No consent to the processing of personal data is older than the first Russian laws on information; an
# earlier date, or one in the future, is a typo.
EARLIEST_CONSENT = datetime.date(1991, 1, 1)
CONSENT_DATES = (
    "processing_consent_on",
    "processing_consent_withdrawn_on",
    "publication_consent_on",
    "publication_consent_withdrawn_on",
)


def _validate_consent_dates(person: Person) -> None:
    today = timezone.localdate()
    errors = {}
    for name in CONSENT_DATES:
        value = getattr(person, name)
        if isinstance(value, datetime.date) and not EARLIEST_CONSENT <= value <= today:
            errors[name] = _("Enter a date from %(earliest)s to today (%(today)s).") % {
                "earliest": formats.date_format(EARLIEST_CONSENT, "d.m.Y"),
                "today": formats.date_format(today, "d.m.Y"),
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def municipalities_import(*, actor: Any, region: Region, items: Sequence[tuple[str, str]]) -> dict[str, int]:
    """A region's municipalities from the ОКТМО classifier: new codes created, changed names renamed.

    A code that belongs to another region is left alone. Returns the counts (created, updated,
    unchanged, rejected); the whole list is written in one transaction with its audit.
    """
    if actor is not None:
        require(actor, "organizations.add_municipality")
    counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    existing = {m.oktmo: m for m in Municipality.objects.filter(oktmo__in=[code for code, _name in items])}
    for oktmo, name in items:
        municipality = existing.get(oktmo)
        if municipality is None:
            municipality_create(actor=actor, region=region, name=name, oktmo=oktmo)
            counts["created"] += 1
        elif municipality.region_id != region.pk:
            counts["rejected"] += 1
        elif municipality.name == name:
            counts["unchanged"] += 1
        else:
            model_update(
                municipality,
                fields=("name",),
                data={"name": name},
                actor=actor,
                action="municipality.update",
                validate=lambda m: m.full_clean(),
            )
            counts["updated"] += 1
    return counts


def _validate_person(person: Person) -> None:
    # The consents are checked first and in words: the model's check constraints name themselves only.
    _validate_consent_dates(person)
    if person.publication_consent_on and not person.processing_consent_on:
        raise ValidationError(
            {"publication_consent_on": _("Consent to publication requires consent to processing.")}
        )
    for given, withdrawn in (
        ("processing_consent_on", "processing_consent_withdrawn_on"),
        ("publication_consent_on", "publication_consent_withdrawn_on"),
    ):
        given_on, withdrawn_on = getattr(person, given), getattr(person, withdrawn)
        if withdrawn_on and not given_on:
            raise ValidationError({withdrawn: _("A consent can be withdrawn only after it was given.")})
        if withdrawn_on and given_on and withdrawn_on < given_on:
            raise ValidationError({withdrawn: _("The consent cannot be withdrawn before it was given.")})
    person.full_clean()


@transaction.atomic
def person_create(*, actor: Any, data: Mapping[str, Any], is_demo: bool = False) -> Person:
    person = Person(is_demo=is_demo)
    for name in PERSON_FIELDS:
        if name in data:
            setattr(person, name, data[name])
    if actor is not None:
        require(actor, "organizations.change_person", person.organization)
    _validate_person(person)
    person.save()
    audit.record(actor=actor, action="person.create", obj=person)
    return person


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, data: Mapping[str, Any], version: str | None = None
) -> dict[str, Any]:
    """Change a staff record; `version` is the edit page's token (a stale page is refused)."""
    check_version(person, version)
    require(actor, "organizations.change_person", person.organization)
    published_before = person.published_name

    def validate(person: Person) -> None:
        require(actor, "organizations.change_person", person.organization)
        _validate_person(person)

    changes = model_update(
        person, fields=PERSON_FIELDS, data=data, actor=actor, action="person.update", validate=validate
    )
    if changes and person.published_name != published_before:
        published_name_changed(person)
    return changes


@transaction.atomic
def person_link_user(*, actor: Any, person: Person, user: Any) -> Person:
    """Link a staff record to the user account of the same person (one account per staff record)."""
    if actor is not None:
        require(actor, "organizations.manage_organization", person.organization)
    if person.user_id == user.pk:
        return person
    if person.user_id is not None or Person.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This staff member or this account is already linked.")})
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=actor, action="person.link_user", obj=person, changes={"user": [None, user.get_username()]}
    )
    return person


# --- many at once (the registry import) ---------------------------------------------------------------


@transaction.atomic
def organization_create_many(*, actor: Any, rows: Sequence[Mapping[str, Any]]) -> list[Organization]:
    """Create organisations whose rows the import plan has validated already (field validators, kind and
    subtype, parents, scope): what `organization_create` does for each, with one INSERT for the
    organisations and one for the audit. Uniqueness is left to the database: an IntegrityError leaves
    nothing of the batch, and the caller writes its rows one by one to find the culprit."""
    if actor is not None:
        require(actor, "organizations.add_organization")
    created = []
    for data in rows:
        org = Organization()
        for name in ORGANIZATION_FIELDS:
            if name in data:
                setattr(org, name, data[name])
        org.kpp = normalize_kpp(org.kpp)
        if actor is not None:
            require(actor, "organizations.manage_organization", org)
            _require_parent_scope(actor, org)
        if org.is_active:
            org.closed_on = None
        validate_kind_subtype(org)
        org.search_text = org.build_search_text()
        created.append(org)
    _check_identities_many(created)
    Organization.objects.bulk_create(created)
    audit.record_many(
        actor=actor,
        action="organization.create",
        items=[(org, audit.diff({}, audit.snapshot(org, ORGANIZATION_FIELDS))) for org in created],
    )
    return created


@transaction.atomic
def organization_update_many(
    *, actor: Any, items: Sequence[tuple[Organization, Mapping[str, Any]]]
) -> list[dict[str, Any]]:
    """`organization_update` for rows the import plan has validated, with one UPDATE and one audit INSERT;
    returns each row's changed fields."""
    from django.utils import timezone

    now = timezone.now()
    changed: list[tuple[Organization, Mapping[str, Any]]] = []
    results: list[dict[str, Any]] = []
    fields = {"search_text", "updated_at", "closed_on"}
    for organization, data in items:
        if actor is not None:
            require(actor, "organizations.change_organization", organization)
            require(actor, "organizations.manage_organization", organization)
        before = audit.snapshot(organization, ORGANIZATION_FIELDS)
        previous_parent_id = organization.parent_id
        for name in ORGANIZATION_FIELDS:
            if name in data:
                setattr(organization, name, data[name])
                fields.add(name)
        if actor is not None and "municipality" in data:
            require(actor, "organizations.manage_organization", organization)
        _require_parent_scope(actor, organization, previous_parent_id)
        organization.kpp = normalize_kpp(organization.kpp)
        if organization.is_active:
            organization.closed_on = None
        validate_kind_subtype(organization)
        if "parent" in data:
            validate_parent(organization)
        changes = audit.diff(before, audit.snapshot(organization, ORGANIZATION_FIELDS))
        results.append(changes)
        if changes:
            organization.search_text = organization.build_search_text()
            organization.updated_at = now
            changed.append((organization, changes))
    if changed:
        if fields & {"inn", "ogrn"}:
            _check_identities_many([org for org, _c in changed])
        Organization.objects.bulk_update([org for org, _c in changed], sorted(fields))
        audit.record_many(actor=actor, action="organization.update", items=changed)
    return results


def _check_identities_many(orgs: Sequence[Organization]) -> None:
    """One query for a batch: an ОГРН that another ИНН holds (a legal entity has one ОГРН, its branches
    share it), and for new organisations an ИНН held with another ОГРН. Raises for the first; the caller
    writes the batch again row by row, where `identity_problem` names the organisation."""
    ogrns = {o.ogrn for o in orgs if o.ogrn}
    inns = {o.inn for o in orgs if o.inn}
    ids = {o.pk for o in orgs if o.pk}
    holders = Organization.objects.filter(Q(ogrn__in=ogrns) | Q(inn__in=inns)).exclude(pk__in=ids)
    inn_of_ogrn: dict[str, set[str]] = {}
    ogrn_of_inn: dict[str, set[str]] = {}
    for inn, ogrn in holders.values_list("inn", "ogrn"):
        inn_of_ogrn.setdefault(ogrn, set()).add(inn)
        ogrn_of_inn.setdefault(inn, set()).add(ogrn)
    for org in orgs:
        if inn_of_ogrn.get(org.ogrn, set()) - {org.inn}:
            raise ValidationError(
                {"ogrn": _("ОГРН %(ogrn)s already belongs to another ИНН.") % {"ogrn": org.ogrn}}
            )
        if org.pk is None and ogrn_of_inn.get(org.inn, set()) - {org.ogrn}:
            raise ValidationError(
                {"inn": _("ИНН %(inn)s already belongs to another ОГРН.") % {"inn": org.inn}}
            )


#: planned rows written per INSERT when an import's preview is stored
IMPORT_ROWS_BATCH = 2000


class _PlannedRow(Protocol):
    action: str
    conflict: Any

    def as_json(self) -> dict[str, Any]: ...


class ImportPreview(Protocol):
    """What `organization_import_create` stores of an import plan (`importing.plan.Plan` is one); the
    services do not import the importer, which calls them."""

    @property
    def rows(self) -> Sequence[_PlannedRow]: ...

    @property
    def notices(self) -> Sequence[str]: ...

    def counts(self) -> dict[str, int]: ...


def organization_import_create(
    *,
    actor: Any,
    original_name: str,
    file_type: str,
    content: bytes = b"",
    plan: ImportPreview,
    source_path: Path | None = None,
    region: str = "",
) -> OrganizationImport:
    """Store an uploaded registry file with its preview (the planned rows, in batches) for confirmation.

    The file is `content`, or the file at `source_path` (the open data uploaded in parts), which is
    moved into the storage, not copied nor read. `region`: the open data's region, read again on
    confirmation."""
    preview: dict[str, Any] = {"notices": list(plan.notices), "file_type": file_type}
    if region:
        preview["region"] = region
    conflicts = sum(1 for row in plan.rows if row.conflict is not None)
    if conflicts:
        preview["conflicts"] = conflicts
    upload = OrganizationImport(
        original_name=original_name[:255],
        created_by=user_or_none(actor),
        preview=preview,
        counts=plan.counts(),
    )
    # The stored name is random: the user's file name is kept only as text.
    if source_path is None:
        upload.file.save(f"{uuid.uuid4().hex}.{file_type}", ContentFile(content), save=False)
    else:
        with source_path.open("rb") as head:
            suffix = "zip" if head.read(2) == b"PK" else file_type
        name = default_storage.generate_filename(
            timezone.now().strftime(f"imports/%Y/%m/{uuid.uuid4().hex}.{suffix}")
        )
        target = Path(default_storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source_path, target)
        upload.file.name = name
    with transaction.atomic():
        upload.save()
        OrganizationImportRow.objects.bulk_create(
            (
                OrganizationImportRow(upload=upload, position=n, action=row.action, data=row.as_json())
                for n, row in enumerate(plan.rows)
            ),
            batch_size=IMPORT_ROWS_BATCH,
        )
    return upload


def organization_import_start(
    *, actor: Any, upload: OrganizationImport, accepted: Sequence[int] = ()
) -> Job | None:
    """Start a previewed import: claim it and queue the job that writes its rows (after the commit).

    The claim is a compare-and-set on the state, so a second confirmation (a double click, two tabs) finds
    it taken: then None, and nothing is queued twice. `accepted`: positions of the preview's conflicts
    the actor accepts (`organization_import_accept_conflicts`), checked in the same transaction: a refused
    one raises and nothing is started."""
    from .tasks import import_organizations_task  # the task runs the importer, which imports this module

    require(actor, "organizations.import_organizations")
    with transaction.atomic():
        claimed = OrganizationImport.objects.filter(
            pk=upload.pk, state=OrganizationImport.State.PREVIEWED
        ).update(state=OrganizationImport.State.QUEUED)
        if not claimed:
            return None
        if accepted:
            organization_import_accept_conflicts(actor=actor, upload=upload, positions=accepted)
        job = job_create(
            actor=actor,
            kind="organizations.import",
            title=_("Import of organisations from «%(name)s»") % {"name": upload.original_name},
        )
        OrganizationImport.objects.filter(pk=upload.pk).update(job=job)
        enqueue_on_commit(import_organizations_task, upload.pk, str(job.pk))
    return job


def organization_import_accept_conflicts(
    *, actor: Any, upload: OrganizationImport, positions: Sequence[int]
) -> list[int]:
    """The conflicts of a preview that `actor` accepts (positions of its rows); returns their row numbers.

    Each must be a conflict of this preview, and `actor` must manage both the organisation and the
    municipality the row would put it in: otherwise nothing is accepted and the error says which row.
    The acceptance is kept with the preview (the import plans these rows as updates) and recorded in
    the activity log: who accepted which row, with both versions."""
    require(actor, "organizations.import_organizations")
    wanted = sorted(set(positions))
    rows = {
        row.position: row for row in OrganizationImportRow.objects.filter(upload=upload, position__in=wanted)
    }
    conflicts = [rows.get(p) for p in wanted]
    organizations = Organization.objects.select_related("municipality").in_bulk(
        [r.data["conflict"]["organization"] for r in conflicts if r is not None and r.data.get("conflict")]
    )
    municipalities = Municipality.objects.in_bulk(
        [
            r.data["conflict"].get("municipality")
            for r in conflicts
            if r is not None and r.data.get("conflict")
        ]
    )
    accepted: dict[str, Any] = {}
    log = []
    for position, row in zip(wanted, conflicts, strict=True):
        if row is None or not row.data.get("conflict"):
            raise ValidationError(
                _("Row %(position)d of the preview is no conflict to accept.") % {"position": position + 1}
            )
        number = row.data["row"]
        org = organizations.get(row.data["conflict"]["organization"])
        if org is None:
            raise ValidationError(
                _("Row %(row)d: the organisation of the conflict is no longer in the registry.")
                % {"row": number}
            )
        target = Organization(
            municipality=municipalities.get(row.data["conflict"].get("municipality")) or org.municipality
        )
        if actor is not None and not (
            actor.has_perm("organizations.manage_organization", org)
            and actor.has_perm("organizations.manage_organization", target)
        ):
            raise PermissionDenied(
                _(
                    "Row %(row)d: «%(name)s» is not among the organisations of your municipalities; you "
                    "cannot accept its conflict. Nothing was accepted."
                )
                % {"row": number, "name": org.short_name}
            )
        accepted[str(number)] = {"by": getattr(actor, "pk", None), "organization": org.pk}
        log.append([number, org.short_name, row.data.get("reason", ""), row.data.get("changes", [])])
    with transaction.atomic():
        locked = OrganizationImport.objects.select_for_update().get(pk=upload.pk)
        locked.preview = {**locked.preview, "accepted": accepted}
        locked.save(update_fields=["preview"])
        upload.preview = locked.preview
        if log:
            audit.record(
                actor=actor,
                action="organization_import.accept_conflicts",
                obj=upload,
                changes={"accepted": [None, log]},
            )
    return [int(n) for n in accepted]
