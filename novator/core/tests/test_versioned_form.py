"""`VersionedFormMixin`: the hidden version token of the record a form edits."""

from __future__ import annotations

import pytest
from django import forms

from novator.core.concurrency import VERSION_FIELD, VersionedFormMixin, version_token
from novator.organizations.models import Organization

pytestmark = pytest.mark.django_db


class PlainForm(VersionedFormMixin, forms.Form):
    name = forms.CharField()


class OrganizationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["short_name"]


def test_a_plain_form_carries_the_token_of_the_record_given(org_a):
    form = PlainForm(version_of=org_a)
    assert form.initial[VERSION_FIELD] == version_token(org_a)
    assert 'type="hidden"' in str(form[VERSION_FIELD])


def test_a_model_form_carries_its_instances_token(org_a):
    assert OrganizationForm(instance=org_a).initial[VERSION_FIELD] == version_token(org_a)


def test_a_new_record_has_no_token():
    assert VERSION_FIELD not in PlainForm().initial
    assert VERSION_FIELD not in OrganizationForm().initial
    assert VERSION_FIELD not in PlainForm(version_of=Organization()).initial


def test_the_posted_token_is_read_back(org_a):
    form = PlainForm({"name": "x", VERSION_FIELD: "abc"}, version_of=org_a)
    assert form.is_valid() and form.version_token == "abc"
    form = PlainForm({"name": "x"}, version_of=org_a)
    assert form.is_valid() and form.version_token is None
