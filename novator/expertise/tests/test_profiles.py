"""Expert profiles: the expert edits what they know, the organiser edits everything; bad input gets a
clear message and changes nothing; past reviews count in the affinity text."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from novator.contests.tests.factories import ApplicationFactory, contest_with_setup
from novator.expertise import services
from novator.expertise.assignment import matching
from novator.expertise.models import Expert
from novator.expertise.services.commission import parse_topics

from .factories import AssignmentFactory, ExpertFactory, submit_sheet

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"expertise:{name}", args=args)


def test_an_expert_edits_their_own_profile(client, expert_profile):
    client.force_login(expert_profile.user)
    response = client.post(
        url("my_profile"),
        {
            "topics": "Робототехника, STEM\nинклюзивное образование;робототехника",
            "organization_kinds": ["school", "supplementary"],
            "bio": "  Учитель физики, руковожу кружком робототехники.  ",
        },
        follow=True,
    )
    assert "Your profile is saved." in response.content.decode()
    expert_profile.refresh_from_db()
    assert expert_profile.topics == ["Робототехника", "STEM", "инклюзивное образование"]
    assert expert_profile.organization_kinds == ["school", "supplementary"]
    assert expert_profile.bio == "Учитель физики, руковожу кружком робототехники."


def test_the_bio_is_shown_escaped(client, expert_profile):
    client.force_login(expert_profile.user)
    client.post(url("my_profile"), {"topics": "", "bio": '<script>alert("x")</script><b>Жирный</b>'})
    expert_profile.refresh_from_db()
    assert expert_profile.bio.startswith("<script>")  # stored as written
    body = client.get(url("my_profile")).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "<b>Жирный</b>" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"topics": ", ".join(f"тема {i}" for i in range(25))}, "At most 20 topics: there are 25."),
        ({"topics": "а" * 101}, "A topic is at most 100 characters"),
        ({"bio": "б" * 2001}, "The bio is at most 2000 characters: it has 2001."),
        ({"organization_kinds": ["castle"]}, "Select a valid choice."),
    ],
)
def test_bad_profile_input_gets_a_clear_message_and_changes_nothing(client, expert_profile, data, message):
    expert_profile.topics = ["Старая тема"]
    expert_profile.save()
    client.force_login(expert_profile.user)
    response = client.post(url("my_profile"), {"topics": "Новая тема", "bio": "Новое", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    expert_profile.refresh_from_db()
    assert expert_profile.topics == ["Старая тема"] and expert_profile.bio == ""


def test_the_service_checks_the_shape_and_who_may_change_what(
    expert_profile, outsider, other_methodologist, org_a
):
    with pytest.raises(ValidationError) as error:
        services.expert_profile_save(
            actor=expert_profile.user, user=expert_profile.user, data={"topics": [1, 2], "bio": 5}
        )
    assert set(error.value.message_dict) == {"topics", "bio"}
    with pytest.raises(PermissionDenied):  # where the expert works decides conflicts: not theirs to set
        services.expert_profile_save(
            actor=expert_profile.user, user=expert_profile.user, data={"organization": org_a}
        )
    with pytest.raises(PermissionDenied):  # nor another expert's profile
        services.expert_profile_save(actor=outsider.user, user=expert_profile.user, data={"bio": "x"})
    services.expert_profile_save(
        actor=other_methodologist, user=expert_profile.user, data={"organization": org_a, "topics": "STEM"}
    )
    expert_profile.refresh_from_db()
    assert expert_profile.organization == org_a and expert_profile.topics == ["STEM"]
    assert parse_topics(" a ;  b\n\nA ") == ["a", "b"]


def test_a_user_without_a_profile_is_told_who_creates_it(client, expert):
    client.force_login(expert)
    body = client.get(url("my_profile")).content.decode()
    assert "the methodological centre creates it" in body
    assert not Expert.objects.filter(user=expert).exists()


def test_the_organiser_edits_an_experts_profile(client, other_methodologist, expert_profile, org_b):
    client.force_login(other_methodologist)  # the expert is from the other municipality, as is org_b
    response = client.get(url("expert_edit", expert_profile.pk))
    assert response.status_code == 200
    response = client.post(
        url("expert_edit", expert_profile.pk),
        {
            "organization": org_b.pk,
            "topics": "Краеведение",
            "organization_kinds": ["preschool"],
            "bio": "Музей",
        },
    )
    assert response.status_code == 302
    expert_profile.refresh_from_db()
    assert expert_profile.organization == org_b and expert_profile.municipality_id is not None
    assert expert_profile.topics == ["Краеведение"] and expert_profile.organization_kinds == ["preschool"]
    assert "Краеведение" in client.get(url("experts")).content.decode()


def test_a_methodologist_changes_the_experts_of_their_own_municipalities_only(
    client, methodologist, other_methodologist, expert_profile, org_a, org_b, municipality
):
    """Issue #20: the methodologist of another district changed the organisation of an expert — the
    field that decides conflicts of interest."""
    expert_profile.organization = org_b
    expert_profile.save()
    with pytest.raises(PermissionDenied):
        services.expert_profile_save(
            actor=methodologist, user=expert_profile.user, data={"organization": org_a}
        )
    client.force_login(methodologist)
    assert client.get(url("expert_edit", expert_profile.pk)).status_code == 403
    response = client.post(url("expert_edit", expert_profile.pk), {"organization": org_a.pk, "topics": "x"})
    assert response.status_code == 403
    # nor through the list's form, which creates or updates the profile of the chosen user
    response = client.post(url("experts"), {"user": expert_profile.user.pk, "organization": org_a.pk})
    assert response.status_code == 200 and "another municipality" in response.content.decode()
    expert_profile.refresh_from_db()
    assert expert_profile.organization == org_b
    # its own methodologists may not hand the expert over to a municipality of someone else's either
    with pytest.raises(ValidationError) as error:
        services.expert_profile_save(
            actor=other_methodologist, user=expert_profile.user, data={"municipality": municipality}
        )
    assert "municipality" in error.value.message_dict
    expert_profile.refresh_from_db()
    assert expert_profile.municipality != municipality
    # and the list links only the profiles one may edit
    client.force_login(methodologist)
    assert url("expert_edit", expert_profile.pk) not in client.get(url("experts")).content.decode()
    client.force_login(other_methodologist)
    assert url("expert_edit", expert_profile.pk) in client.get(url("experts")).content.decode()


def test_past_reviews_count_in_the_affinity_text(commission, applications, expert_profile, municipality):
    earlier = contest_with_setup(organiser_municipality=municipality, expertise=True)
    old = ApplicationFactory(contest=earlier, accepted=True)
    submit_sheet(
        AssignmentFactory(application=old, expert=expert_profile), [2, 5], conclusion="Сильная робототехника"
    )
    current = AssignmentFactory(application=applications[0], expert=expert_profile)
    submit_sheet(current, [3, 10], conclusion="Этот конкурс не считается")
    data = matching.load_contest(commission.contest)
    text = data.expert_text(expert_profile)
    assert "Сильная робототехника" in text and "Ок" in text  # the conclusion and the comments
    assert "Этот конкурс не считается" not in text
    assert matching.past_review_count(expert_profile, commission.contest) == 1
    other = ExpertFactory()
    assert matching.past_review_count(other) == 0
