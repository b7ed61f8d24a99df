from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.core.models import ActivityLog
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory
from novator.regions.forms import BoundariesForm
from novator.regions.models import RegionBoundaries
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "synthetic_region.geojson"
TODAY = timezone.localdate()


@pytest.fixture
def world(region: Any, municipality: Any, other_municipality: Any) -> dict[str, Any]:
    for _ in range(3):
        OrganizationFactory(municipality=municipality)
    org = OrganizationFactory(municipality=other_municipality)
    StatusAssignmentFactory(
        organization=org,
        starts_on=TODAY - datetime.timedelta(days=5),
        ends_on=TODAY + datetime.timedelta(days=5),
    )
    return {"region": region}


@pytest.fixture
def other_region_observer(db: Any) -> Any:
    other = RegionFactory(code="61", name="Ростовская область")
    MunicipalityFactory(region=other, name="Азовский район", oktmo="60601000")
    user = UserFactory(username="observer-rostov")
    RoleAssignmentFactory(user=user, role=Role.OBSERVER, region=other)
    return user


def _upload(client: Any, region: Any, content: bytes, name: str = "districts.geojson") -> Any:
    return client.post(
        reverse("regions:boundaries_upload", args=[region.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/geo+json")},
    )


def test_observer_of_the_region_sees_the_page_sorted(client: Any, world: Any, observer: Any) -> None:
    client.force_login(observer)
    response = client.get(reverse("regions:detail", args=[world["region"].pk]) + "?sort=-statuses")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.name for r in rows] == ["Тихорецкий район", "Выселковский район"]
    html = response.content.decode()
    assert "Тайловая картограмма" in html  # no boundaries: the tile cartogram
    assert 'aria-sort="descending"' in html
    assert "100,0" in html  # Russian decimal comma: 1 status per 1 organisation


def test_index_redirects_an_observer_to_the_region(client: Any, world: Any, observer: Any) -> None:
    client.force_login(observer)
    response = client.get(reverse("regions:index"))
    assert response.status_code == 302
    assert response.url == reverse("regions:detail", args=[world["region"].pk])


def test_another_regions_observer_is_refused(client: Any, world: Any, other_region_observer: Any) -> None:
    client.force_login(other_region_observer)
    assert client.get(reverse("regions:detail", args=[world["region"].pk])).status_code == 403
    assert client.get(reverse("regions:boundaries", args=[world["region"].pk])).status_code == 403


@pytest.mark.parametrize("who", ["methodologist", "coordinator", "teacher", "expert"])
def test_other_roles_are_refused(client: Any, world: Any, who: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("regions:detail", args=[world["region"].pk])).status_code == 403
    assert client.get(reverse("regions:index")).status_code == 403


def test_xlsx_export(client: Any, world: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    url = reverse("regions:detail", args=[world["region"].pk])
    response = client.get(url, {"format": "xlsx", "sort": "organizations"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.cell(1, 2).value == "Муниципальное образование"
    names = [sheet.cell(r, 2).value for r in (2, 3, 4)]
    assert names == ["Тихорецкий район", "Выселковский район", "Итого по региону"]
    assert sheet.cell(3, 3).value == 3  # organisations of Выселковский район
    assert book.worksheets[1].title == "Заявки по годам"


def test_query_count_is_constant(
    client: Any, world: Any, observer: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(observer)
    url = reverse("regions:detail", args=[world["region"].pk])
    client.get(url)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    for _ in range(5):
        place = MunicipalityFactory(region=world["region"])
        for _ in range(3):
            OrganizationFactory(municipality=place)
    with django_assert_max_num_queries(14) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_admin_uploads_boundaries_and_the_map_is_drawn(client: Any, world: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    response = _upload(client, world["region"], FIXTURE.read_bytes())

    assert response.status_code == 302
    boundaries = RegionBoundaries.objects.get(region=world["region"])
    assert boundaries.features == 3 and boundaries.unmatched == ["Неизвестный район · 99999000"]
    assert ActivityLog.objects.filter(action="region.boundaries_uploaded").count() == 1
    page = client.get(reverse("regions:detail", args=[world["region"].pk])).content.decode()
    assert "Неизвестный район · 99999000" in page  # the unmatched feature is listed
    assert reverse("regions:boundaries", args=[world["region"].pk]) in page  # the map's own URL
    served = client.get(reverse("regions:boundaries", args=[world["region"].pk]))
    assert served["Content-Type"].startswith("application/geo+json")
    assert json.loads(served.content)["type"] == "FeatureCollection"

    client.post(reverse("regions:boundaries_delete", args=[world["region"].pk]))
    assert not RegionBoundaries.objects.exists()


def _one(properties: dict[str, Any], ring: list[Any]) -> bytes:
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


OPEN_RING: list[Any] = [[39, 45], [40, 45], [40, 46], [39, 45.5]]
CLOSED_RING: list[Any] = [[39, 45], [40, 45], [40, 46], [39, 45]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>not json</html>", "не JSON"),
        (b'{"type": "Topology", "objects": {}}', "не GeoJSON"),
        (_one({"oktmo": "03612000"}, OPEN_RING), "не замкнут"),
        (_one({"name": "Атлантида"}, CLOSED_RING), "Ни один"),
    ],
)
def test_bad_files_change_nothing(
    client: Any, world: Any, admin_user: Any, content: bytes, message: str
) -> None:
    client.force_login(admin_user)
    response = _upload(client, world["region"], content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RegionBoundaries.objects.exists()
    assert not ActivityLog.objects.filter(action="region.boundaries_uploaded").exists()


def test_a_200_mb_file_gets_a_clear_message() -> None:
    """The size is checked before the file is read: a 200 MB upload against the 20 MB limit."""
    upload = SimpleUploadedFile("russia.geojson", b"{}", content_type="application/geo+json")
    upload.size = 200 * 2**20
    form = BoundariesForm(data={}, files=MultiValueDict({"file": [upload]}))

    assert not form.is_valid()
    assert form.errors["file"] == ["Файл слишком большой: 200.0 МБ, допускается не более 20 МБ."]


def test_too_large_upload_changes_nothing(client: Any, world: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    with override_settings(NOVATOR_GEOJSON_MAX_BYTES=1024):
        response = _upload(client, world["region"], FIXTURE.read_bytes())
    assert response.status_code == 200
    assert "Файл слишком большой" in response.content.decode()
    assert not RegionBoundaries.objects.exists()


def test_a_previous_map_survives_a_bad_upload(client: Any, world: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    _upload(client, world["region"], FIXTURE.read_bytes())
    _upload(client, world["region"], b"garbage")
    assert RegionBoundaries.objects.get().features == 3


@pytest.mark.parametrize("who", ["observer", "methodologist"])
def test_only_an_operator_uploads(client: Any, world: Any, who: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(who))
    assert _upload(client, world["region"], FIXTURE.read_bytes()).status_code == 403
    assert client.post(reverse("regions:boundaries_delete", args=[world["region"].pk])).status_code == 403
    assert not RegionBoundaries.objects.exists()
