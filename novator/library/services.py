"""Writes to the library: products, their files, publication, adoptions and their outcomes.

Every write is one transaction with its audit record; the search index is rewritten in the same
transaction (`search.index_product`), and e-mails leave after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.accounts.scope import get_scope
from novator.core import audit
from novator.core.concurrency import check_version
from novator.core.dates import ddmmyyyy
from novator.core.files import check_upload, safe_filename
from novator.core.services import model_update, require, user_or_none
from novator.organizations.models import Organization, Person

from . import notifications, search
from .models import Adoption, AdoptionScope, MethodProduct, ProductFile, pack_kinds

PRODUCT_FIELDS = (
    "title",
    "type",
    "annotation",
    "author_names",
    "source_project",
    "audience_kinds",
    "subjects",
    "age_from",
    "age_to",
    "released_on",
    "licence",
    "version",
)
COUNCIL_FIELDS = ("council_date", "council_decision", "council_minutes")
FILE_TYPES = ("pdf", "docx", "odt", "xlsx", "jpg", "png")
MAX_FILE_BYTES: int = getattr(settings, "NOVATOR_LIBRARY_MAX_FILE_BYTES", 20 * 1024 * 1024)


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _check_authors(actor: Any, organizations: list[Organization], people: list[Person]) -> None:
    if not organizations:
        raise ValidationError({"author_organizations": _("Choose at least one author organisation.")})
    scope = get_scope(actor)
    if actor is not None and not scope.is_admin:
        own = any(
            o.pk in scope.coordinator_organizations or o.municipality_id in scope.methodologist_municipalities
            for o in organizations
        )
        if not own:
            raise ValidationError(
                {"author_organizations": _("Include your own organisation (or one of your municipality).")}
            )
    org_ids = {o.pk for o in organizations}
    strangers = [p for p in people if p.organization_id not in org_ids]
    if strangers:
        raise ValidationError(
            {
                "author_people": _("%(names)s do not work in the author organisations.")
                % {"names": ", ".join(p.full_name for p in strangers)}
            }
        )


def _may_approve(actor: Any, organizations: Iterable[Organization]) -> bool:
    if actor is None:
        return True
    scope = get_scope(actor)
    return scope.is_admin or any(
        o.municipality_id in scope.methodologist_municipalities for o in organizations
    )


def _apply(product: MethodProduct, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if name == "audience_kinds":
            value = pack_kinds(value or [])
        elif name in ("age_from", "age_to", "council_date"):
            value = value if value != "" else None
        else:
            value = _clean_text(value if value is not None else "")
        setattr(product, name, value)


def _council_changes(product: MethodProduct, data: Mapping[str, Any]) -> bool:
    return any(
        name in data and (data[name] or None) != (getattr(product, name) or None) for name in COUNCIL_FIELDS
    )


def _reindex(product: MethodProduct) -> None:
    product = MethodProduct.objects.prefetch_related("author_people", "author_organizations").get(
        pk=product.pk
    )
    search.index_product(product)


def on_published_name_changed(person: Person) -> None:
    """A staff author's published name changed (consent to publication given or withdrawn, the name
    corrected): the search data of their products follows at once, so a withdrawn name no longer finds
    them; their `updated_at` moves too, which changes the fingerprint of the cached facet counts
    (`selectors.facets_fingerprint`). Registered in `organizations.services.PUBLISHED_NAME_HOOKS`."""
    products = MethodProduct.objects.filter(author_people=person)
    ids = list(products.values_list("pk", flat=True))
    if not ids:
        return
    MethodProduct.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    for product in MethodProduct.objects.filter(pk__in=ids).prefetch_related(
        "author_people", "author_organizations"
    ):
        search.index_product(product)


def _snapshot(product: MethodProduct) -> dict[str, Any]:
    values = audit.snapshot(product, (*PRODUCT_FIELDS, *COUNCIL_FIELDS, "is_published"))
    if product.pk:
        values["author_organizations"] = sorted(o.short_name for o in product.author_organizations.all())
        values["author_people"] = sorted(audit.ref(p) for p in product.author_people.all())
    return values


@transaction.atomic
def product_create(*, actor: Any, data: Mapping[str, Any], is_demo: bool = False) -> MethodProduct:
    """A new product (a draft unless `data["is_published"]`). `data` holds the fields, the lists
    `author_organizations` and `author_people`, and the council's fields for those who may record them."""
    require(actor, "library.add_product")
    organizations = list(data.get("author_organizations") or [])
    people = list(data.get("author_people") or [])
    _check_authors(actor, organizations, people)
    product = MethodProduct(created_by=user_or_none(actor), is_demo=is_demo)
    _apply(product, data, PRODUCT_FIELDS)
    if _council_changes(product, data):
        if not _may_approve(actor, organizations):
            raise ValidationError(
                {
                    "council_decision": _(
                        "The council's decision is recorded by the municipality's methodologist."
                    )
                }
            )
        _apply(product, data, COUNCIL_FIELDS)
    product.is_published = bool(data.get("is_published", False))
    product.full_clean()
    product.save()
    product.author_organizations.set(organizations)
    product.author_people.set(people)
    _reindex(product)
    audit.record(
        actor=actor,
        action="library.product_create",
        obj=product,
        changes={k: [None, v] for k, v in _snapshot(product).items() if v not in ("", None, [])},
    )
    return product


@transaction.atomic
def product_update(
    *, actor: Any, product: MethodProduct, data: Mapping[str, Any], version: str | None = None
) -> dict[str, list[Any]]:
    """Change a product's description, authors or (for the methodologist) the council's decision.
    Returns the changes recorded ({} when nothing changed). `version`: the token the edit page was
    loaded with (novator.core.concurrency); a save from an older page is refused and changes nothing."""
    product = (
        MethodProduct.objects.select_for_update(of=("self",))
        .prefetch_related("author_organizations", "author_people")
        .get(pk=product.pk)
    )
    require(actor, "library.change_product", product)
    check_version(product, version)
    before = _snapshot(product)
    organizations = list(data.get("author_organizations") or product.author_organizations.all())
    people = list(data.get("author_people", product.author_people.all()) or [])
    _check_authors(actor, organizations, people)
    _apply(product, data, PRODUCT_FIELDS)
    if _council_changes(product, data):
        if not _may_approve(actor, [*product.author_organizations.all(), *organizations]):
            raise ValidationError(
                {
                    "council_decision": _(
                        "The council's decision is recorded by the municipality's methodologist."
                    )
                }
            )
        _apply(product, data, COUNCIL_FIELDS)
    product.full_clean()
    product.save()
    product.author_organizations.set(organizations)
    product.author_people.set(people)
    product = MethodProduct.objects.prefetch_related("author_organizations", "author_people").get(
        pk=product.pk
    )
    changes = audit.diff(before, _snapshot(product))
    if changes:
        search.index_product(product)
        audit.record(actor=actor, action="library.product_update", obj=product, changes=changes)
    return changes


@transaction.atomic
def product_publish(*, actor: Any, product: MethodProduct, published: bool = True) -> MethodProduct:
    """Show a product in the public catalogue, or take it back to drafts (its adoptions stay)."""
    product = (
        MethodProduct.objects.select_for_update(of=("self",))
        .prefetch_related("author_organizations")
        .get(pk=product.pk)
    )
    require(actor, "library.change_product", product)
    model_update(
        product,
        fields=("is_published",),
        data={"is_published": published},
        actor=actor,
        action="library.product_publish" if published else "library.product_unpublish",
    )
    return product


@transaction.atomic
def product_attach_file(*, actor: Any, product: MethodProduct, upload: Any, title: str = "") -> ProductFile:
    """Attach a file, checked by content (PDF, DOCX, ODT, XLSX, JPG, PNG; no macros) and size."""
    product = (
        MethodProduct.objects.select_for_update(of=("self",))
        .prefetch_related("author_organizations")
        .get(pk=product.pk)
    )
    require(actor, "library.change_product", product)
    kind = check_upload(upload, allowed=FILE_TYPES, max_bytes=MAX_FILE_BYTES)
    name = safe_filename(getattr(upload, "name", "file"), kind)
    item = ProductFile(
        product=product,
        title=(title or "").strip()[:255],
        original_name=(getattr(upload, "name", None) or name)[:255],
        file_type=kind,
        size=upload.size,
        uploaded_by=user_or_none(actor),
    )
    upload.seek(0)
    item.file.save(name, upload, save=False)
    stored, storage = item.file.name, item.file.storage
    try:
        item.save()
        audit.record(
            actor=actor,
            action="library.file_attach",
            obj=product,
            changes={"file": [None, item.original_name]},
        )
    except BaseException:
        storage.delete(stored)  # nothing half-saved: the row is rolled back, the file goes too
        raise
    return item


@transaction.atomic
def product_remove_file(*, actor: Any, item: ProductFile) -> None:
    product = (
        MethodProduct.objects.select_for_update(of=("self",))
        .prefetch_related("author_organizations")
        .get(pk=item.product_id)
    )
    require(actor, "library.change_product", product)
    stored, storage, name = item.file.name, item.file.storage, item.original_name
    item.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit.record(actor=actor, action="library.file_remove", obj=product, changes={"file": [name, None]})


@transaction.atomic
def adoption_create(
    *,
    actor: Any,
    product: MethodProduct,
    organization: Organization,
    adopted_on: datetime.date,
    scope: str,
    staff: Iterable[Person] = (),
    changes: str = "",
    is_demo: bool = False,
) -> Adoption:
    """Record that an organisation adopted a product; the author organisations' coordinators are told.

    Refused when the product is a draft, when the organisation is one of its authors, and while the
    organisation's previous adoption of it is still open."""
    product = (
        MethodProduct.objects.select_for_update(of=("self",))
        .prefetch_related("author_organizations")
        .get(pk=product.pk)
    )
    require(actor, "library.adopt", organization)
    if not product.is_published:
        raise ValidationError(_("Only a published product can be adopted."))
    if organization.pk in {o.pk for o in product.author_organizations.all()}:
        raise ValidationError({"organization": _("An author organisation does not adopt its own product.")})
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("The date of adoption cannot be in the future.")})
    if adopted_on < product.released_on:
        raise ValidationError(
            {
                "adopted_on": _("The product was issued on %(day)s; it cannot be adopted before that.")
                % {"day": ddmmyyyy(product.released_on)}
            }
        )
    if scope not in AdoptionScope.values:
        raise ValidationError({"scope": _("Choose the scope of the adoption.")})
    staff = list(staff)
    outsiders = [p for p in staff if p.organization_id != organization.pk]
    if outsiders:
        raise ValidationError(
            {
                "staff": _("%(names)s do not work in %(org)s.")
                % {"names": ", ".join(p.full_name for p in outsiders), "org": organization.short_name}
            }
        )
    current = Adoption.objects.filter(
        product=product, organization=organization, closed_on__isnull=True
    ).first()
    if current is not None:
        raise ValidationError(
            _("%(org)s has been adopting this product since %(day)s; close that adoption first.")
            % {"org": organization.short_name, "day": ddmmyyyy(current.adopted_on)}
        )
    adoption = Adoption(
        product=product,
        organization=organization,
        adopted_on=adopted_on,
        scope=scope,
        changes=(changes or "").strip(),
        created_by=user_or_none(actor),
        is_demo=is_demo,
    )
    adoption.full_clean(exclude=["product", "organization"], validate_constraints=False)
    try:
        with transaction.atomic():
            adoption.save()
    except IntegrityError as exc:  # a parallel request recorded it a moment ago
        raise ValidationError(_("This organisation already has an open adoption of the product.")) from exc
    adoption.staff.set(staff)
    audit.record(
        actor=actor,
        action="library.adoption_create",
        obj=adoption,
        changes={
            "adopted_on": [None, adopted_on.isoformat()],
            "scope": [None, scope],
            "staff": [None, sorted(audit.ref(p) for p in staff)],
        },
    )
    if not is_demo:
        notifications.notify_adopted(adoption)
    return adoption


@transaction.atomic
def adoption_record_outcome(
    *,
    actor: Any,
    adoption: Adoption,
    outcome: str,
    rating: int | None,
    comment: str = "",
    outcome_on: datetime.date | None = None,
    close: bool = True,
) -> dict[str, list[Any]]:
    """Record what the adoption gave, a rating 1–5 and a comment; closing it lets the organisation adopt
    the product again later. The author organisations' coordinators are told."""
    adoption = (
        Adoption.objects.select_for_update(of=("self",))
        .select_related("product", "organization", "organization__municipality")
        .get(pk=adoption.pk)
    )
    require(actor, "library.change_adoption", adoption)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Describe the outcome of the adoption.")})
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("The rating is a whole number from 1 to 5.")})
    outcome_on = outcome_on or timezone.localdate()
    if outcome_on < adoption.adopted_on:
        raise ValidationError(
            {
                "outcome_on": _("The adoption started on %(day)s; its outcome cannot be earlier.")
                % {"day": ddmmyyyy(adoption.adopted_on)}
            }
        )
    if outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": _("The date cannot be in the future.")})
    data = {
        "outcome": outcome,
        "rating": int(rating) if rating is not None else None,
        "comment": (comment or "").strip(),
        "outcome_on": outcome_on,
    }
    if close and adoption.closed_on is None:
        data["closed_on"] = outcome_on
    changes = model_update(
        adoption,
        fields=("outcome", "rating", "comment", "outcome_on", "closed_on"),
        data=data,
        actor=actor,
        action="library.adoption_outcome",
        validate=lambda a: a.full_clean(exclude=["product", "organization"], validate_constraints=False),
    )
    if changes and not adoption.is_demo:
        notifications.notify_outcome(adoption)
    return changes
