"""Pages: the catalogue (search, facets, query count), a product (escaping, files, adopters), adoptions,
the replication picture, the home page piece."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from novator.library import services
from novator.library.models import Adoption, MethodProduct, ProductFile

from .factories import AdoptionFactory, MethodProductFactory
from .files import exe_as_pdf, pdf

pytestmark = pytest.mark.django_db
D = datetime.date
CATALOGUE = reverse("library:catalogue")


@pytest.mark.parametrize("count", [5, 30])
def test_catalogue_query_count_does_not_grow(client, org_a, org_b, count, django_assert_max_num_queries):
    for n in range(count):
        product = MethodProductFactory(
            title=f"Инновационная программа {n}", authors=[org_a, org_b], approved=True
        )
        AdoptionFactory(product=product, rating=4)
    # session-less visitor: count, page, author organisations, the catalogue's fingerprint, four facets
    with django_assert_max_num_queries(8):
        response = client.get(CATALOGUE, {"search": "инновационный", "sort": "rated"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    # the same search again: the facets from the cache (the shared cache is one more query in production)
    with django_assert_max_num_queries(4):
        response = client.get(CATALOGUE, {"search": "инновационный", "sort": "rated"})
    assert sum(v.count for v in response.context["facets"].type) == count


def test_catalogue_shows_search_results_with_facets(client, org_a):
    MethodProductFactory(title="Инновационные формы работы с родителями", type="toolkit", authors=[org_a])
    MethodProductFactory(title="Развитие речи", type="guide")
    body = client.get(CATALOGUE, {"search": "инноваций"}).content.decode()
    assert "Инновационные формы работы с родителями" in body
    assert "Развитие речи" not in body
    assert "Found 1 product" in body
    assert "type=toolkit" in body  # a facet link


def test_catalogue_reports_a_bad_filter_and_ignores_it(client):
    MethodProductFactory(title="Пособие")
    response = client.get(CATALOGUE, {"year": "прошлый", "type": "nonsense"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Write the academic year as 2022/23." in body
    assert "Пособие" in body


def test_annotation_and_title_are_escaped(client, org_a):
    product = MethodProductFactory(
        title="<script>alert(1)</script>", annotation='<img src=x onerror="alert(2)">', authors=[org_a]
    )
    AdoptionFactory(product=product, comment="<b>жирный</b>", rating=5)
    for url in (reverse("library:detail", args=[product.pk]), CATALOGUE):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert (
        "&lt;b&gt;жирный&lt;/b&gt;"
        in client.get(reverse("library:detail", args=[product.pk])).content.decode()
    )


def test_pages_have_no_inline_scripts_or_styles(client, org_a):
    product = MethodProductFactory(authors=[org_a])
    AdoptionFactory(product=product)
    for url in (CATALOGUE, reverse("library:detail", args=[product.pk]), reverse("library:replication")):
        body = client.get(url).content.decode()
        assert "style=" not in body
        assert body.count("<script>") == 0  # json_script blocks carry a type
        assert 'type="application/json"' in body or url == CATALOGUE


def test_drafts_are_hidden_from_the_public(client, coordinator, org_a):
    draft = MethodProductFactory(draft=True, authors=[org_a])
    url = reverse("library:detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_files_of_public_products_are_downloadable_by_anyone(client, admin_user, coordinator, org_a):
    public = MethodProductFactory(authors=[org_a])
    draft = MethodProductFactory(authors=[org_a], draft=True)
    public_file = services.product_attach_file(
        actor=admin_user, product=public, upload=pdf("Рекомендации.pdf")
    )
    draft_file = services.product_attach_file(actor=admin_user, product=draft, upload=pdf())
    response = client.get(reverse("library:file", args=[public_file.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("library:file", args=[draft_file.pk])).status_code == 404
    client.force_login(coordinator)
    assert client.get(reverse("library:file", args=[draft_file.pk])).status_code == 200


def test_a_disguised_upload_is_refused_with_a_message(client, coordinator, org_a):
    product = MethodProductFactory(authors=[org_a])
    client.force_login(coordinator)
    response = client.post(
        reverse("library:file_upload", args=[product.pk]),
        {"file-upload": exe_as_pdf(), "file-title": "Текст"},
    )
    assert response.status_code == 200
    assert "its content was checked, not its name" in response.content.decode()
    assert not ProductFile.objects.exists()


def test_adoption_form_records_and_redirects(client, coordinator, org_a, org_b):
    product = MethodProductFactory(authors=[org_b])
    client.force_login(coordinator)
    url = reverse("library:adopt", args=[product.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"organization": org_a.pk, "adopted_on": "2023-10-02", "scope": "whole", "changes": "Новые занятия"},
    )
    adoption = Adoption.objects.get()
    assert response.status_code == 302 and response["Location"] == adoption.get_absolute_url()
    response = client.post(url, {"organization": org_a.pk, "adopted_on": "2023-11-02", "scope": "whole"})
    assert response.status_code == 200
    assert "close that adoption first" in response.content.decode()
    assert Adoption.objects.count() == 1


def test_adoption_form_offers_only_own_organisations(client, coordinator, org_a, org_b):
    product = MethodProductFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("library:adopt", args=[product.pk]),
        {"organization": org_b.pk, "adopted_on": "2023-10-02", "scope": "whole"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Adoption.objects.exists()


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("observer", 403), ("expert", 403)])
def test_adoption_form_is_closed_to_others(request, client, who, status):
    product = MethodProductFactory()
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("library:adopt", args=[product.pk])).status_code == status


def test_outcome_is_recorded_on_the_adoption_page(client, coordinator, org_a):
    adoption = AdoptionFactory(organization=org_a)
    client.force_login(coordinator)
    url = reverse("library:adoption", args=[adoption.pk])
    response = client.post(url, {"outcome": "", "rating": "9", "outcome_on": "2024-01-10"})
    assert response.status_code == 200
    adoption.refresh_from_db()
    assert adoption.rating is None
    response = client.post(
        url,
        {"outcome": "Стало лучше", "rating": "4", "comment": "ok", "outcome_on": "2024-01-10", "close": "on"},
    )
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert (adoption.rating, adoption.closed_on) == (4, D(2024, 1, 10))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("methodologist", 200),
        ("observer", 200),
        ("coordinator_b", 404),
        ("other_methodologist", 404),
    ],
)
def test_who_sees_an_adoption(request, client, org_a, who, status):
    adoption = AdoptionFactory(organization=org_a)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("library:adoption", args=[adoption.pk])).status_code == status


def test_author_coordinators_see_their_adopters(client, coordinator_b, org_a, org_b):
    ours = MethodProductFactory(authors=[org_b], title="Наш продукт")
    AdoptionFactory(product=ours, organization=org_a)
    AdoptionFactory(organization=org_a)  # someone else's product
    client.force_login(coordinator_b)
    response = client.get(reverse("library:adoptions"), {"authored": "1"})
    assert [a.product.title for a in response.context["page"].object_list] == ["Наш продукт"]


@pytest.mark.parametrize("count", [3, 20])
def test_replication_page_query_count(client, count, django_assert_max_num_queries):
    for _ in range(count):
        AdoptionFactory(rating=5)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("library:replication"))
    assert response.status_code == 200
    assert response.context["table"].total == count


def test_home_page_piece_lists_the_top_products(org_a, django_assert_max_num_queries):
    top = MethodProductFactory(title="Самый тиражируемый", authors=[org_a])
    AdoptionFactory.create_batch(2, product=top, rating=5)
    MethodProductFactory(title="Никто не внедрил")
    with django_assert_max_num_queries(2):
        html = Template("{% load library %}{% library_top_products 3 %}").render(Context({}))
    assert "Самый тиражируемый" in html and "Никто не внедрил" not in html


def test_product_create_page(client, coordinator, org_a):
    client.force_login(coordinator)
    url = reverse("library:create")
    assert "council_date" not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Сценарии уроков финансовой грамотности",
            "type": "lessons",
            "annotation": "Для 5–7 классов.",
            "author_organizations": [org_a.pk],
            "audience_kinds": ["school"],
            "age_from": "11",
            "age_to": "9",
            "released_on": "2023-09-01",
            "licence": "cc-by-sa-4.0",
            "version": "1.0",
        },
    )
    assert response.status_code == 200
    assert "The upper age must not be lower than the lower one." in response.content.decode()
    assert not MethodProduct.objects.exists()
