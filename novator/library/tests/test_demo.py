"""The library's demo step: the district's product of stage I and others, adopted across three districts
over three academic years; a second run creates nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from novator.library.models import Adoption, MethodProduct
from novator.library.replication import replication_table
from novator.library.selectors import product_search, top_products
from novator.portal.demo.library import ADOPTIONS, PRODUCTS, load_library
from novator.portal.demo.loader import load_demo
from novator.portal.tests.snapshot import load_demo_once

pytestmark = pytest.mark.django_db


def test_demo_library_is_loaded_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ctx = load_demo_once()
        load_library(ctx)
    assert MethodProduct.objects.filter(is_demo=True, is_published=True).count() == len(PRODUCTS) >= 13
    assert Adoption.objects.filter(is_demo=True).count() == len(ADOPTIONS)
    assert Adoption.objects.filter(staff__isnull=False).distinct().count() == 5
    # demo adoptions are history: nobody is notified of them
    assert not [m for m in mail.outbox if "adopt" in m.subject.lower()]

    flagship = MethodProduct.objects.get(
        title__startswith="Методические рекомендации по подготовке и включению"
    )
    assert [o.short_name for o in flagship.author_organizations.all()] == ["МКУ «ИМЦ» МО Выселковский район"]
    assert next(iter(product_search("инновационный процесс"))).pk == flagship.pk
    assert top_products(1)[0].pk == flagship.pk

    table = replication_table()
    assert table.years == ["2021/22", "2022/23", "2023/24"]
    assert [r.municipality for r in table.rows] == [
        "Выселковский район",
        "Кореновский район",
        "Тихорецкий район",
    ]

    again = load_demo()
    load_library(again)
    assert again.created["methodological products"] == again.created["adoptions"] == 0
    assert Adoption.objects.count() == len(ADOPTIONS)
