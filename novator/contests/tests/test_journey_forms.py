"""Nothing typed is lost and irreversible actions are asked and done once (issue #22): the long forms are
kept by unsaved.js (a data attribute), uploads save the sections first, the confirmations say what will
happen, a repeated POST of a transition does it once, and the confirmation is a sentence."""

from __future__ import annotations

import pytest
from django.urls import reverse

from novator.contests.models import ApplicationState
from novator.core.idempotency import FIELD

from . import files
from .factories import ApplicationFactory, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(contest, org_a):
    return complete_application(ApplicationFactory(contest=contest, organization=org_a))


def test_application_page_keeps_typed_text_and_asks_before_submitting(client, coordinator, application):
    client.force_login(coordinator)
    page = client.get(application.get_absolute_url()).content.decode()
    assert f'id="application-form" data-unsaved="application-{application.pk}"' in page
    assert 'data-save-first="#application-form"' in page
    assert "js/unsaved.js" in page
    assert "Submit the application? It goes to the formal check" in page


def test_submit_sent_twice_submits_once_with_a_sentence(client, coordinator, application):
    for requirement in application.contest.required_documents.all():
        client.force_login(coordinator)
        url = reverse("contests:application_upload", args=[application.pk, requirement.pk])
        assert client.post(url, {"file": files.pdf()}).status_code == 302
    client.force_login(coordinator)
    url = reverse("contests:application_action", args=[application.pk, "submit"])
    token = "5f0b3c1e-0000-4000-8000-000000000001"
    first = client.post(url, {FIELD: token}, follow=True)
    assert "The application is submitted." in first.content.decode()
    assert "Done:" not in first.content.decode()
    second = client.post(url, {FIELD: token})
    assert second.status_code == 302  # the repeat is redirected to what the first did, not refused
    application.refresh_from_db()
    assert (application.state, application.number) == (ApplicationState.SUBMITTED, 1)


def test_contest_buttons_say_what_will_happen(client, methodologist, draft_contest):
    client.force_login(methodologist)
    page = client.get(draft_contest.get_absolute_url()).content.decode()
    assert "Announce the contest? It becomes public" in page
    assert 'name="_submit_token"' in page


def test_contest_form_is_kept(client, methodologist, draft_contest):
    client.force_login(methodologist)
    page = client.get(reverse("contests:edit", args=[draft_contest.pk])).content.decode()
    assert f'data-unsaved="contest-{draft_contest.pk}"' in page


def test_impossible_pass_mark_is_refused_at_set_up(client, methodologist, municipality):
    from novator.contests.models import Contest

    from .test_views import _contest_form

    client.force_login(methodologist)
    response = client.post(reverse("contests:create"), _contest_form(municipality, threshold_value="150"))
    assert "The pass mark is a share of the maximum: from 0 to 100 %." in response.content.decode()
    assert not Contest.objects.exists()


def test_pass_mark_above_the_maximum_is_not_announced(methodologist, draft_contest):
    from django.core.exceptions import ValidationError

    from novator.contests import services

    draft_contest.threshold_kind, draft_contest.threshold_value = "points", int(draft_contest.max_total) + 1
    draft_contest.save()
    with pytest.raises(ValidationError) as caught:
        services.contest_transition(actor=methodologist, contest=draft_contest, name="announce")
    assert "The pass mark is above the maximum total of the criteria; lower it." in caught.value.messages
    draft_contest.refresh_from_db()
    assert draft_contest.state == "draft"


def test_points_pass_mark_above_the_criteria_is_refused_in_the_form(client, methodologist, draft_contest):
    from .test_views import _contest_form

    client.force_login(methodologist)
    form = _contest_form(
        draft_contest.organiser_municipality,
        title=draft_contest.title,
        threshold_kind="points",
        threshold_value=str(int(draft_contest.max_total) + 5),
    )
    del form["with_defaults"]
    response = client.post(reverse("contests:edit", args=[draft_contest.pk]), form)
    assert "The pass mark cannot exceed the maximum total of the criteria" in response.content.decode()


def test_zero_quota_is_refused(client, methodologist, draft_contest):
    category = draft_contest.categories.first()
    client.force_login(methodologist)
    url = reverse("contests:setup_item", args=[draft_contest.pk, "categories", category.pk])
    response = client.post(url, {"name": category.name, "quota": "0", "position": "1"})
    assert "A quota is at least one winner" in response.content.decode()


def test_new_contest_form_marks_the_fields_of_each_kind(client, methodologist):
    client.force_login(methodologist)
    page = client.get(reverse("contests:create")).content.decode()
    assert page.count('data-kind-only="professional"') == 7
    assert page.count('data-kind-only="status"') == 4


def test_observers_empty_applications_do_not_invite_to_apply(client, observer, coordinator):
    client.force_login(observer)
    page = client.get(reverse("contests:my_applications")).content.decode()
    assert "No applications to show." in page and "press «Apply»" not in page
    client.force_login(coordinator)
    assert "press «Apply»" in client.get(reverse("contests:my_applications")).content.decode()
