from __future__ import annotations

from django.urls import reverse

from novator.networks.models import Network, PlanItem

from .factories import NetworkFactory, PartnershipFactory, PlanItemFactory


def test_list_escapes_and_pins_queries(client, org_a, django_assert_max_num_queries):
    NetworkFactory(leader=org_a, topic="<script>x()</script>")
    for n in NetworkFactory.create_batch(5):
        PartnershipFactory(network=n)
        PlanItemFactory(network=n)
    with django_assert_max_num_queries(4):
        html = client.get(reverse("networks:list")).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html


def test_detail_pins_queries(client, org_a, django_assert_max_num_queries):
    network = NetworkFactory(leader=org_a)
    for _ in range(4):
        PartnershipFactory(network=network)
        PlanItemFactory(network=network)
    with django_assert_max_num_queries(8):
        assert client.get(network.get_absolute_url()).status_code == 200


def test_create_network_and_plan_with_bad_date(client, org_a, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("networks:create"), {"leader": org_a.pk, "topic": "Сеть STEM"})
    network = Network.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("networks:plan_add", args=[network.pk]), {"title": "x", "planned_on": "31.02.2024"}
    )
    assert response.status_code == 400
    assert not PlanItem.objects.exists()


def test_teacher_cannot_create_or_change(client, org_a, teacher):
    client.force_login(teacher)
    assert client.get(reverse("networks:create")).status_code == 403
    network = NetworkFactory(leader=org_a)
    response = client.post(
        reverse("networks:plan_add", args=[network.pk]), {"title": "x", "planned_on": "2024-02-01"}
    )
    assert response.status_code == 403


def test_overview_for_methodologist_only(client, methodologist, teacher, org_a):
    NetworkFactory(leader=org_a)
    client.force_login(teacher)
    assert client.get(reverse("networks:overview")).status_code == 403
    client.force_login(methodologist)
    assert client.get(reverse("networks:overview"), {"year": "2023/24"}).status_code == 200
    assert client.get(reverse("networks:overview"), {"year": "garbage"}).status_code == 200


def test_api_list_pins_queries(client, db, django_assert_max_num_queries):
    for n in NetworkFactory.create_batch(5):
        PartnershipFactory(network=n)
        PlanItemFactory(network=n)
    with django_assert_max_num_queries(4):
        data = client.get("/api/v1/networks/").json()
    assert data["count"] == 5 and data["results"][0]["partners"]
