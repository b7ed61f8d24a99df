from __future__ import annotations

from novator.events.models import Registration
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import EventFactory, RegistrationFactory


def test_event_list_public_fields_filters_and_queries(client, org_a, django_assert_max_num_queries):
    EventFactory(organizers=[org_a], title="Конференция по STEM")
    for _ in range(5):
        EventFactory(organizers=[org_a, OrganizationFactory()])
    EventFactory(organizers=[org_a], title="Черновик", is_published=False)
    with django_assert_max_num_queries(4):
        data = client.get("/api/v1/events/").json()
    assert data["count"] == 6
    assert set(data["results"][0]) >= {"title", "kind", "starts_at", "organizers", "registered"}
    assert "created_by" not in data["results"][0]
    assert client.get("/api/v1/events/", {"search": "STEM"}).json()["count"] == 1


def test_event_list_bad_period_is_400(client):
    response = client.get("/api/v1/events/", {"from": "2025-05-10", "to": "2025-05-01"})
    assert response.status_code == 400
    assert client.get("/api/v1/events/", {"from": "x"}).status_code == 400


def test_registrations_are_scoped(client, event, teacher, teacher_person):
    RegistrationFactory(event=event, person=teacher_person)
    RegistrationFactory(event=event, person=PersonFactory())
    assert client.get("/api/v1/event-registrations/").status_code in (401, 403)
    client.force_login(teacher)
    data = client.get("/api/v1/event-registrations/").json()
    assert [r["person"] for r in data["results"]] == [teacher_person.pk]


def test_register_and_cancel_through_the_api(client, event, teacher, teacher_person):
    client.force_login(teacher)
    response = client.post(
        "/api/v1/event-registrations/",
        {"event": event.pk, "person": teacher_person.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    again = client.post(
        "/api/v1/event-registrations/",
        {"event": event.pk, "person": teacher_person.pk},
        content_type="application/json",
    )
    assert again.status_code == 400
    reg = Registration.objects.get()
    assert client.post(f"/api/v1/event-registrations/{reg.pk}/cancel/").json()["status"] == "cancelled"


def test_api_refuses_registering_a_stranger(client, event, teacher):
    client.force_login(teacher)
    response = client.post(
        "/api/v1/event-registrations/",
        {"event": event.pk, "person": PersonFactory().pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_registering_someone_answers_the_same_whether_they_are_registered_or_not(
    client, event, teacher_person, observer, coordinator_b, teacher
):
    """Issue #20: an observer read 400 («уникальными») for a registered person and 403 for the others,
    and so could list who is registered."""
    RegistrationFactory(event=event, person=teacher_person)
    stranger = PersonFactory(organization=teacher_person.organization)
    for user in (observer, coordinator_b):
        client.force_login(user)
        answers = {
            client.post(
                "/api/v1/event-registrations/",
                {"event": event.pk, "person": person.pk},
                content_type="application/json",
            ).status_code
            for person in (teacher_person, stranger)
        }
        assert answers == {403}, user
    assert Registration.objects.count() == 1
    # the person themselves is told they are registered already
    client.force_login(teacher)
    again = client.post(
        "/api/v1/event-registrations/",
        {"event": event.pk, "person": teacher_person.pk},
        content_type="application/json",
    )
    assert again.status_code == 400 and "Иванова" in again.content.decode()
