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


@pytest.mark.django_db(transaction=True)
def test_operators_looking_at_lists_in_parallel_append_one_unbroken_chain() -> None:
    """Each look at a queue is one append outside any transaction of the view's own (on
    PostgreSQL one statement that locks, hashes, inserts and moves the head)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite admits one writer at a time by design")
    audit.record("action", "test.start")  # the chain's head exists
    errors: list[BaseException] = []
    start = threading.Barrier(4)
    operators = [factories.UserFactory() for _n in range(4)]

    def operator(n: int) -> None:
        context = audit.context_for_user(operators[n], ip_address="192.0.2.1", request_id="r")
        try:
            start.wait(timeout=10)
            with audit.acting_as(context):
                for page in range(10):
                    audit.record_list_view(AuditEvent, [n, page], page=page, 名前="一覧")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=operator, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    seen = AuditEvent.objects.filter(action="core.auditevent.list").order_by("seq")
    assert seen.count() == 40
    assert sorted({e.actor_id for e in seen}) == sorted(u.pk for u in operators)
    times = [e.occurred_at for e in AuditEvent.objects.order_by("seq")]
    assert times == sorted(times)  # taken under the head's lock: in the chain's order
    result = audit.verify()
    assert result.ok, result.reason
    assert result.checked == AuditEvent.objects.count()
