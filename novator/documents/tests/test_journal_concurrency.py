"""Two clerks registering orders of one body at the same moment get consecutive numbers: the numbering
service locks the body's row (SELECT … FOR UPDATE), so neither reads the other's number as free."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from novator.documents import selectors, services
from novator.documents.models import BodyKind, OutgoingOrder
from novator.documents.tests.test_requisites import DATA


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_get_distinct_consecutive_numbers(municipality):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    requisites = selectors.requisites_for(kind=BodyKind.AUTHORITY, municipality=municipality)
    services.requisites_save(actor=None, requisites=requisites, data=DATA)
    clerks = 6
    barrier = threading.Barrier(clerks)
    numbers: list[int] = []
    errors: list[Exception] = []

    def register(n: int) -> None:
        try:
            barrier.wait()
            order = services.outgoing_order_register(
                actor=None, requisites=requisites, date=datetime.date(2024, 4, 1), title=f"Приказ {n}"
            )
            numbers.append(order.number)
        except Exception as exc:  # an IntegrityError here would be the collision the lock prevents
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, clerks + 1))
    assert OutgoingOrder.objects.filter(requisites=requisites, year=2024).count() == clerks
