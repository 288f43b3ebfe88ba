"""The audit trail: every change and every view of a person's data, in a chain that shows
tampering (ADM-3)."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from medcyber.core import audit
from medcyber.core.models import AuditEvent
from medcyber.registry.models import Facility
from tests import factories

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_creating_a_facility_records_who_created_it_and_what() -> None:
    actor = factories.UserFactory()
    with audit.acting_as(audit.context_for_user(actor, ip_address="192.0.2.10")):
        facility = factories.FacilityFactory(name="本駒込内科クリニック")
    (event,) = _events("registry.facility.create")
    assert event.actor_id == actor.pk
    assert event.actor_label == actor.email
    assert event.ip_address == "192.0.2.10"
    assert event.facility_id == facility.pk
    assert event.object_id == str(facility.pk)
    assert event.changes["name"] == "本駒込内科クリニック"


def test_a_change_records_old_and_new_values_and_an_unchanged_save_records_nothing() -> None:
    facility = factories.FacilityFactory(phone="03-1111-2222")
    facility = Facility.unscoped.get(pk=facility.pk)
    facility.phone = "03-3333-4444"
    facility.save()
    facility.save()
    (event,) = _events("registry.facility.update")
    assert event.changes == {"phone": ["03-1111-2222", "03-3333-4444"]}


def test_secrets_never_enter_the_trail() -> None:
    user = factories.UserFactory()
    user.set_password("Another-Secret-2026")
    user.save()
    for event in AuditEvent.objects.filter(object_type="accounts.user"):
        assert "password" not in event.changes


def test_deleting_records_what_was_deleted() -> None:
    facility = factories.FacilityFactory(name="閉院した診療所")
    pk = facility.pk
    facility.delete()
    (event,) = _events("registry.facility.delete")
    assert event.object_id == str(pk)
    assert event.object_repr == "閉院した診療所"


def test_the_change_and_its_event_roll_back_together() -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.FacilityFactory()
        raise RuntimeError("the use case failed after the write")
    assert AuditEvent.objects.count() == before
    assert not Facility.unscoped.exists()


def test_a_change_whose_event_cannot_be_written_is_not_made(monkeypatch) -> None:
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        factories.FacilityFactory()
    assert not Facility.unscoped.exists()


def test_events_cannot_be_edited_or_deleted_through_the_application() -> None:
    factories.FacilityFactory()
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="forged")


def test_each_event_links_to_the_one_before() -> None:
    factories.FacilityFactory()
    factories.FacilityFactory()
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert audit.verify().ok


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _make_chain(n: int = 5) -> list[AuditEvent]:
    for i in range(n):
        factories.FacilityFactory(name=f"施設{i}")
    return list(AuditEvent.objects.order_by("seq"))


def test_verify_finds_an_edited_event() -> None:
    events = _make_chain()
    target = events[2]
    _tamper(
        "UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", target.pk]
    )
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == target.seq
    assert "altered" in result.reason


def test_verify_finds_an_edited_event_even_when_its_hash_is_recomputed() -> None:
    events = _make_chain()
    target = AuditEvent.objects.get(pk=events[1].pk)
    target.object_repr = "forged"
    forged_hash = audit.compute_hash(target)
    _tamper(
        "UPDATE core_auditevent SET object_repr = %s, hash = %s WHERE id = %s",
        ["forged", forged_hash, target.pk],
    )
    result = audit.verify()
    assert result.broken_seq == events[2].seq
    assert "does not follow" in result.reason


def test_verify_finds_a_deleted_event() -> None:
    events = _make_chain()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    result = audit.verify()
    assert result.broken_seq == events[1].seq
    assert "missing" in result.reason


def test_verify_finds_events_removed_from_the_end() -> None:
    events = _make_chain()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == events[-1].seq


def test_the_verify_command_exits_non_zero_at_the_first_broken_link(capsys) -> None:
    events = _make_chain()
    call_command("audit", "verify")
    assert f"{len(events)} events verified" in capsys.readouterr().out
    _tamper("UPDATE core_auditevent SET changes = %s WHERE id = %s", ["{}", events[3].pk])
    with pytest.raises(CommandError, match=f"#{events[3].seq}"):
        call_command("audit", "verify")


def test_the_audit_command_rejects_unknown_actions() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "medcyber.cli", "audit", "repair"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode != 0
    assert "invalid choice" in completed.stderr
    assert completed.stdout == ""


def test_an_appended_event_is_what_the_chain_holds() -> None:
    """The event ``record`` returns is the stored row, and its hash is the one ``verify``
    computes from it (on PostgreSQL the server hashes it, from the same canonical JSON)."""
    actor = factories.UserFactory(email="閲覧者@example.jp")
    context = audit.context_for_user(actor, ip_address="192.0.2.44", request_id="abc")
    with audit.acting_as(context):
        event = audit.record(
            "view",
            "test.list",
            object_type="test.thing",
            object_repr='「引用」と"quote"と\\',
            facility_id=7,
            changes={"ids": ["1", "2"], "b": {"z": 1, "a": [None, 1.5, True, "改行\n"]}},
        )
    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.pk, stored.hash, stored.prev_hash) == (event.pk, event.hash, event.prev_hash)
    assert stored.occurred_at == event.occurred_at
    assert audit.compute_hash(stored) == stored.hash == audit.compute_hash(event)
    assert audit.verify().ok


@pytest.mark.parametrize("microsecond", [0, 5, 120_000, 999_999])
def test_postgresql_writes_the_time_as_the_hash_in_python_does(microsecond: int) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the time is written by PostgreSQL only there")
    import datetime as dt

    moment = dt.datetime(2026, 11, 30, 4, 5, 6, microsecond, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {audit._ISO_SQL} FROM (SELECT %s::timestamptz AS at) AS t", [moment]
        )
        (text,) = cursor.fetchone()
    assert text == moment.isoformat()


def test_a_look_at_a_list_is_one_statement_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL appends in one statement; SQLite through the ORM")
    audit.record("action", "test.start")  # the chain's head exists
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as appended:
        audit.record_list_view(AuditEvent, [1, 2, 3], page=1)
    assert len(appended.captured_queries) == 1
    assert audit.verify().ok
