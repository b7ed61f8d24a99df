"""The administrator's pages of the e-mail templates: the kinds with their templates, editing one with a
preview, and the reset to the default."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from novator.core.forms import StyledForm, apply_validation_error

from . import kinds, services, templating
from .models import EmailTemplate

SAMPLE = {
    "subject": "Заявка принята: Муниципальный конкурс на статус МИП",
    "text": "Организация: МБОУ СОШ № 1 ст. Выселки\nЗаявка: № 12 МБОУ СОШ № 1 ст. Выселки",
    "link": "https://novator.example.ru/contests/applications/12/",
    "name": "Ирина Петровна",
}


class EmailTemplateForm(StyledForm):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 12})
    )


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("notifications.manage_templates"):
        raise PermissionDenied


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    saved = set(EmailTemplate.objects.values_list("kind", flat=True))
    rows = [{"kind": kind, "custom": kind.code in saved} for kind in kinds.all_kinds()]
    return render(request, "notifications/templates.html", {"rows": rows})


@login_required
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    _require(request)
    registered = kinds.get(kind)
    if registered is None:
        raise Http404(_("Unknown kind of notification."))
    saved = EmailTemplate.objects.filter(kind=kind).first()
    initial = {
        "subject": saved.subject if saved else templating.DEFAULT_SUBJECT,
        "body": saved.body if saved else templating.DEFAULT_BODY,
    }
    form = EmailTemplateForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            services.email_template_save(
                actor=request.user,
                kind=kind,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("notifications:template_edit", kind)
    source = (initial["subject"], initial["body"])
    if form.is_bound and not form.errors:
        source = (str(form.data.get("subject", "")), str(form.data.get("body", "")))
    try:
        preview = {
            "subject": templating.render(source[0], SAMPLE),
            "body": templating.render(source[1], SAMPLE),
        }
    except Exception:
        preview = None
    return render(
        request,
        "notifications/template_edit.html",
        {
            "kind": registered,
            "form": form,
            "custom": saved is not None,
            "preview": preview,
            "placeholders": templating.PLACEHOLDERS,
        },
    )


@login_required
@require_POST
def template_reset(request: HttpRequest, kind: str) -> HttpResponse:
    _require(request)
    if kinds.get(kind) is None:
        raise Http404(_("Unknown kind of notification."))
    if services.email_template_reset(actor=request.user, kind=kind):
        messages.success(request, _("The template is reset to the default text."))
    return redirect("notifications:template_edit", kind)
