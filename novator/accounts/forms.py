from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, limited to ``NOVATOR_PASSWORD_RESETS_PER_HOUR`` e-mails per address an hour (so the
    form cannot be used to flood someone's mailbox); beyond that the page says the same and sends
    nothing."""

    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email: str) -> Iterable[Any]:
        key = "accounts:password-reset:" + email.strip().lower()
        sent = cache.get(key, 0)
        if sent >= settings.NOVATOR_PASSWORD_RESETS_PER_HOUR:
            return iter(())
        cache.set(key, sent + 1, 3600)
        return super().get_users(email)
