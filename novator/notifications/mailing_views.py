"""Group mail pages: write to everyone of a contest, an event or a network (`mailing.py`) — the form,
its preview with the number of recipients, «Send» (a job), and the mailings sent before."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from novator.core.forms import StyledForm, apply_validation_error
from novator.core.idempotency import once_per_token

from . import mailing

#: how many recipients the preview names
NAMED = 10


class GroupMailForm(StyledForm):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=mailing.SUBJECT_MAX)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=mailing.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Plain text: it goes by e-mail and to the recipients' notifications."),
    )


def mailing_url(kind: str, pk: int) -> str:
    return reverse(f"notifications:mail_{kind}", args=[pk])


@login_required
@once_per_token
def group_mail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    group_kind, obj = mailing.group_get(kind, pk)
    if not mailing.may_write(request.user, kind, obj):
        raise PermissionDenied
    form = GroupMailForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        args = {"actor": request.user, "kind": kind, "pk": obj.pk, **form.cleaned_data}
        try:
            if request.POST.get("action") == "send":
                sent = mailing.mailing_send(**args)
            else:
                preview = mailing.mailing_preview(**args)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            preview = None
        else:
            if preview is None:
                messages.success(
                    request,
                    ngettext(
                        "The message is being sent to %(count)d recipient.",
                        "The message is being sent to %(count)d recipients.",
                        sent.recipients,
                    )
                    % {"count": sent.recipients},
                )
                return redirect("core:job_detail", sent.job_id) if sent.job_id else redirect(request.path)
    recipients = preview["recipients"] if preview else []
    return render(
        request,
        "notifications/group_mail.html",
        {
            "kind": kind,
            "group": obj,
            "group_title": group_kind.title(obj),
            "form": form,
            "preview": preview,
            "named": [r.name for r in recipients[:NAMED]],
            "more": max(0, len(recipients) - NAMED),
            "mailings": mailing.mailings_of(kind, obj)[:50],
        },
    )
