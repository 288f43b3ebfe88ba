"""Writers in parallel never fork the audit chain (PostgreSQL: many web and worker machines)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from medcyber.core import audit
from medcyber.core.models import AuditEvent
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_append_one_unbroken_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite admits one writer at a time by design")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            start.wait(timeout=10)
            for i in range(10):
                factories.FacilityFactory(name=f"並行{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert AuditEvent.objects.filter(action="registry.facility.create").count() == 40
    result = audit.verify()
    assert result.ok, result.reason
    assert result.checked == AuditEvent.objects.count()
