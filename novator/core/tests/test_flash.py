from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import translation

from novator.core.flash import flash_errors, flash_form_errors


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _shown(request):
    return [(m.level, str(m)) for m in messages.get_messages(request)]


def test_each_message_of_a_validation_error_is_a_flash_message_of_its_own():
    request = _request()
    flash_errors(request, ValidationError({"reason": "Give the reason.", "__all__": ["Too late."]}))
    assert sorted(_shown(request)) == [(messages.ERROR, "Give the reason."), (messages.ERROR, "Too late.")]


def test_joined_messages_make_one_flash_message_at_the_level_asked():
    request = _request()
    flash_errors(request, ValidationError(["One.", "Two."]), level=messages.INFO, joined=True)
    assert _shown(request) == [(messages.INFO, "One. Two.")]


def test_a_refusal_says_its_own_text_or_the_generic_one():
    request = _request()
    flash_errors(request, PermissionDenied("Only the chair may do this."))
    with translation.override("en"):
        flash_errors(request, PermissionDenied())
    assert _shown(request) == [
        (messages.ERROR, "Only the chair may do this."),
        (messages.ERROR, "You do not have permission to do this."),
    ]


def test_the_errors_of_a_form():
    class Form(forms.Form):
        name = forms.CharField()

    request = _request()
    form = Form({})
    with translation.override("en"):
        assert not form.is_valid()
        flash_form_errors(request, form)
    assert _shown(request) == [(messages.ERROR, "This field is required.")]
