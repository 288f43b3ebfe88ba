"""Association administrators keep the payment schedules; a schedule a decision used stays put."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.claims import services
from medcyber.claims.models import PaymentSchedule, ScheduleInUse
from medcyber.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def used(version: str = "cyber_attack-2023-06-01") -> PaymentSchedule:
    return services.record_schedule_use(version=version, now=NOW)


def test_the_migration_loads_the_programme_schedules() -> None:
    rows = {s.version: s for s in PaymentSchedule.objects.all()}
    assert set(rows) == {
        "cyber_attack-2022-06-01",
        "cyber_attack-2023-06-01",
        "data_leak-2022-06-01",
    }
    assert rows["cyber_attack-2022-06-01"].valid_until == dt.date(2023, 5, 31)
    assert rows["cyber_attack-2023-06-01"].closure_cap == 300_000
    for row in rows.values():
        row.full_clean()  # the shipped rows pass the checks staff edits go through


def test_an_unused_schedule_can_be_changed_and_deleted_with_an_audit_trail() -> None:
    row = PaymentSchedule.objects.get(version="data_leak-2022-06-01")
    row.base_amount = 60_000
    row.full_clean()
    row.save()
    event = AuditEvent.objects.filter(action="claims.paymentschedule.update").get()
    assert event.changes["base_amount"] == [50_000, 60_000]
    row.delete()
    assert AuditEvent.objects.filter(action="claims.paymentschedule.delete").exists()


def test_a_used_schedule_cannot_be_deleted() -> None:
    row = used()
    assert row.first_used_at == row.last_used_at == NOW
    with pytest.raises(ScheduleInUse, match="決定に使われた支給基準は削除できません"):
        row.delete()
    with pytest.raises(ScheduleInUse):
        PaymentSchedule.objects.filter(kind="cyber_attack").delete()
    assert PaymentSchedule.objects.count() == 3


def test_unused_rows_are_deleted_one_by_one_into_the_audit_trail() -> None:
    used()
    deleted, _counts = PaymentSchedule.objects.filter(kind="data_leak").delete()
    assert deleted == 1
    assert AuditEvent.objects.filter(action="claims.paymentschedule.delete").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("base_amount", 120_000), ("closure_cap", 0), ("valid_from", dt.date(2023, 7, 1))],
)
def test_a_used_schedule_keeps_its_rules(field: str, value: Any) -> None:
    row = used()
    setattr(row, field, value)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "新しい版を追加してください" in str(error.value.message_dict[field])
    with pytest.raises(ScheduleInUse):
        row.save()
    row.refresh_from_db()
    assert getattr(row, field) != value


def test_a_used_open_schedule_may_be_closed_for_a_successor_but_not_before_its_last_use() -> None:
    row = used()
    row.valid_until = dt.date(2026, 11, 29)
    with pytest.raises(ValidationError, match="最後の使用日以降"):
        row.full_clean()
    row.valid_until = dt.date(2027, 3, 31)
    row.note = "2027年4月1日から新基準"
    row.full_clean()
    row.save()
    successor = PaymentSchedule(
        version="cyber_attack-2027-04-01",
        kind="cyber_attack",
        valid_from=dt.date(2027, 4, 1),
        base_amount=150_000,
        member_classes=["A1"],
        facility_kinds=["clinic"],
        requirements=[{"code": "report_mhlw_or_jma", "any_of": ["mhlw", "jma"]}],
    )
    successor.full_clean()
    successor.save()
    row.valid_until = None  # reopening would change which row past dates fall under
    with pytest.raises(ValidationError, match="最後の使用日以降"):
        row.full_clean()


def test_overlapping_schedules_of_one_kind_are_refused() -> None:
    row = PaymentSchedule(
        version="cyber_attack-2025-04-01",
        kind="cyber_attack",
        valid_from=dt.date(2025, 4, 1),
        base_amount=100_000,
        member_classes=["A1"],
        facility_kinds=["clinic"],
    )
    with pytest.raises(ValidationError, match=r"cyber_attack-2023-06-01.*重なっています"):
        row.full_clean()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("member_classes", ["A9"], "会員種別のリスト"),
        ("facility_kinds", "clinic", "施設種別のリスト"),
        ("requirements", [{"code": "x", "any_of": ["fax"]}], "支給要件は"),
        ("requirements", [{"code": "", "any_of": ["ppc"]}], "支給要件は"),
        ("requirements", [{"code": "x", "any_of": []}], "支給要件は"),
        ("valid_until", dt.date(2022, 1, 1), "適用終了日が適用開始日より前"),
    ],
)
def test_malformed_rows_are_refused_with_a_reason(field: str, value: Any, message: str) -> None:
    row = PaymentSchedule.objects.get(version="data_leak-2022-06-01")
    setattr(row, field, value)
    with pytest.raises(ValidationError, match=message):
        row.full_clean()


def test_association_admins_edit_schedules_in_the_admin_but_cannot_delete_used_ones() -> None:
    admin_user = factories.staff_user(Role.ASSOCIATION_ADMIN)
    client = Client()
    client.force_login(admin_user)
    unused = PaymentSchedule.objects.get(version="data_leak-2022-06-01")
    row = used()
    page = client.get(reverse("admin:claims_paymentschedule_change", args=[unused.pk]))
    assert page.status_code == 200 and 'name="base_amount"' in page.content.decode()
    page = client.get(reverse("admin:claims_paymentschedule_change", args=[row.pk]))
    assert 'name="base_amount"' not in page.content.decode()  # frozen: shown read-only
    assert client.get(
        reverse("admin:claims_paymentschedule_delete", args=[row.pk])
    ).status_code in (
        302,
        403,
    )
    assert PaymentSchedule.objects.filter(pk=row.pk).exists()
    assert timezone.is_aware(PaymentSchedule.objects.get(pk=row.pk).first_used_at)
