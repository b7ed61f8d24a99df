"""Pages of the library: the catalogue, a product with its files and adopters, adoptions, the replication
picture. Thin: forms check the shape of input, the services do the rest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from novator.accounts.scope import get_scope
from novator.core.concurrency import VERSION_FIELD, version_token
from novator.core.files import attachment_response, safe_filename
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without

from . import replication, selectors, services
from .forms import AdoptionForm, CatalogueForm, OutcomeForm, ProductFileForm, ProductForm
from .models import Adoption, MethodProduct, ProductFile, unpack_kinds

PAGE_SIZE = 20


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET)
    kwargs = form.selector_kwargs()
    sort = form.sort_value
    products = selectors.product_search(user=request.user, sort=sort, **kwargs)
    facets = selectors.product_facets(user=request.user, **kwargs)
    page = paginate(request, products, per_page=PAGE_SIZE)
    query = kwargs["query"]
    return render(
        request,
        "library/catalogue.html",
        {
            "form": form,
            "page": page,
            "facets": facets,
            "chosen": {
                "type": kwargs["type"],
                "audience": kwargs["audience"],
                "municipality": kwargs["municipality"],
                "year": str(kwargs["year"]) if kwargs["year"] else "",
            },
            "sort": sort,
            "searching": bool(query.strip()),
            "query_no_page": query_without(request, "page"),
            "facet_links": {name: query_without(request, "page", name) for name in selectors.FACETS},
            "query_export": query_without(request, "page", "sort"),
            "can_add": request.user.has_perm("library.add_product"),
        },
    )


def _product(request: HttpRequest, pk: int) -> MethodProduct:
    try:
        return selectors.product_detail(pk=pk, user=request.user)
    except MethodProduct.DoesNotExist as exc:
        raise Http404(_("No such product in the library.")) from exc


def _render_detail(
    request: HttpRequest, product: MethodProduct, file_form: ProductFileForm | None = None
) -> HttpResponse:
    user = request.user
    can_change = user.has_perm("library.change_product", product)
    adoptions = list(selectors.product_adoptions(product=product))
    scope = get_scope(user)
    return render(
        request,
        "library/product_detail.html",
        {
            "product": product,
            "adoptions": adoptions,
            "visible_adoptions": set(
                Adoption.objects.visible_to(user).filter(product=product).values_list("pk", flat=True)
            )
            if user.is_authenticated
            else set(),
            "can_change": can_change,
            "can_adopt": product.is_published
            and (
                scope.is_admin or bool(scope.coordinator_organizations or scope.methodologist_municipalities)
            ),
            "file_form": file_form or (ProductFileForm() if can_change else None),
            "table": replication.replication_table(product=product),
            "graph": replication.replication_graph(product=product),
        },
    )


@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _product(request, pk))


@login_required
@once_per_token
def product_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("library.add_product"):
        raise PermissionDenied
    scope = get_scope(request.user)
    council = scope.is_admin or bool(scope.methodologist_municipalities)
    form = ProductForm(request.POST or None, user=request.user, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The product is saved as a draft. Attach its files and publish it."))
            return redirect(product)
    return render(request, "library/product_form.html", {"form": form, "product": None})


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    if not request.user.has_perm("library.change_product", product):
        raise PermissionDenied
    council = request.user.has_perm("library.approve_product", product)
    initial = {
        **{name: getattr(product, name) for name in services.PRODUCT_FIELDS},
        **{name: getattr(product, name) for name in services.COUNCIL_FIELDS},
        "audience_kinds": unpack_kinds(product.audience_kinds),
        "author_organizations": list(product.author_organizations.all()),
        "author_people": list(product.author_people.all()),
        VERSION_FIELD: version_token(product),
    }
    form = ProductForm(request.POST or None, initial=initial, user=request.user, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.product_update(
                actor=request.user, product=product, data=form.cleaned_data, version=form.version_token
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect(product)
    return render(request, "library/product_form.html", {"form": form, "product": product})


@login_required
@require_POST
def product_publish(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    publish = request.POST.get("publish") == "1"
    services.product_publish(actor=request.user, product=product, published=publish)
    messages.success(
        request, _("The product is published.") if publish else _("The product is back in drafts.")
    )
    return redirect(product)


@login_required
@require_POST
def file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    if not request.user.has_perm("library.change_product", product):
        raise PermissionDenied
    form = ProductFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_attach_file(
                actor=request.user,
                product=product,
                upload=form.cleaned_data["upload"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            form.add_error("upload", exc)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(product)
    return _render_detail(request, product, file_form=form)


@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A product's file: anyone's for a published product, else only for those who may see the draft."""
    item = get_object_or_404(ProductFile.objects.select_related("product"), pk=pk)
    if not MethodProduct.objects.visible_to(request.user).filter(pk=item.product_id).exists():
        raise Http404(_("No such file."))
    return attachment_response(item.file, safe_filename(item.original_name, item.file_type))


@login_required
@require_POST
def file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ProductFile.objects.select_related("product"), pk=pk)
    services.product_remove_file(actor=request.user, item=item)
    messages.success(request, _("The file is removed."))
    return redirect(item.product)


@login_required
@once_per_token
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    form = AdoptionForm(request.POST or None, user=request.user)
    organizations: Any = form.fields["organization"]
    if not organizations.queryset.exists():
        raise PermissionDenied(_("Only coordinators and methodologists record adoptions."))
    if request.method == "POST" and form.is_valid():
        try:
            adoption = services.adoption_create(actor=request.user, product=product, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("organization", str(exc))
        else:
            messages.success(request, _("The adoption is recorded; the authors are notified."))
            return redirect(adoption)
    return render(request, "library/adoption_form.html", {"form": form, "product": product})


def _adoption(request: HttpRequest, pk: int) -> Adoption:
    try:
        return selectors.adoption_detail(pk=pk, user=request.user)
    except Adoption.DoesNotExist as exc:
        raise Http404(_("No such adoption.")) from exc


@login_required
def adoption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = _adoption(request, pk)
    can_change = request.user.has_perm("library.change_adoption", adoption)
    form = None
    if can_change:
        initial: dict[str, Any] = {
            "outcome": adoption.outcome,
            "rating": adoption.rating,
            "comment": adoption.comment,
        }
        if adoption.outcome_on:
            initial["outcome_on"] = adoption.outcome_on
        form = OutcomeForm(request.POST or None, initial={**OutcomeForm.defaults(), **initial})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.adoption_record_outcome(actor=request.user, adoption=adoption, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The outcome is recorded; the authors are notified."))
                return redirect(adoption)
    return render(
        request,
        "library/adoption_detail.html",
        {"adoption": adoption, "form": form, "can_change": can_change},
    )


@login_required
@require_GET
def adoption_list(request: HttpRequest) -> HttpResponse:
    """Adoptions the user may see; «of our products» for the author organisations' coordinators."""
    scope = get_scope(request.user)
    authored = request.GET.get("authored") == "1"
    adoptions = selectors.adoption_list(
        user=request.user, authored_by=scope.coordinator_organizations if authored else None
    )
    page = paginate(request, adoptions, per_page=50)
    return render(
        request,
        "library/adoption_list.html",
        {
            "page": page,
            "authored": authored,
            "is_coordinator": bool(scope.coordinator_organizations),
            "query_no_page": query_without(request, "page"),
        },
    )


@require_GET
def replication_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "library/replication.html",
        {
            "table": replication.replication_table(),
            "graph": replication.replication_graph(),
            "figures": selectors.library_figures(),
        },
    )
