"""A member records an incident; the reports it requires follow its facts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medcyber.core.models import AuditEvent
from medcyber.incidents import rules, services
from medcyber.incidents.models import Incident, LeakReportCriteria, Obligation, ObligationRule
from tests import factories
from tests.incidents.factories import at, incident

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_rules_the_module_documents() -> None:
    assert sorted((r.as_rule() for r in ObligationRule.objects.all()), key=str) == sorted(
        rules.BASELINE_RULES, key=str
    )
    assert [c.as_criteria() for c in LeakReportCriteria.objects.all()] == list(
        rules.BASELINE_CRITERIA
    )


def test_a_ransomware_incident_with_patient_data_needs_every_report() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user, discovered_at=at(dt.date(2025, 4, 1)), occurred_at=None)
    rows = {o.code: o for o in Obligation.objects.visible_to(user).filter(incident=found)}
    assert set(rows) == {"mhlw", "jma", "police", "ppc_preliminary", "ppc_final", "individuals"}
    assert rows["ppc_final"].due_on == dt.date(2025, 5, 30)  # 60 days: an attack
    assert rows["ppc_preliminary"].due_on == dt.date(2025, 4, 7)
    assert rows["mhlw"].due_on is None and rows["mhlw"].timing == "immediately"


def test_facts_changing_recomputes_and_says_what_changed() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(
        facility,
        user,
        kind="mis_sent",
        persons_affected=900,
        sensitive_data=False,
        discovered_at=at(dt.date(2025, 4, 1)),
        occurred_at=None,
    )
    assert not Obligation.unscoped.filter(incident=found).exists()
    changes = services.update_incident(incident=found, by=user, persons_affected=1001)
    assert [(c.code.value, c.kind) for c in changes] == [
        ("ppc_preliminary", "added"),
        ("ppc_final", "added"),
        ("individuals", "added"),
    ]
    final = Obligation.unscoped.get(incident=found, code="ppc_final")
    assert final.due_on == dt.date(2025, 4, 30)
    # the count turns out lower: open obligations are withdrawn, a done one stays done
    services.record_obligation(
        obligation=Obligation.unscoped.get(incident=found, code="ppc_preliminary"),
        by=user,
        status="done",
        done_on=dt.date(2025, 4, 3),
        note="PPCのフォームで送信",
    )
    changes = services.update_incident(incident=found, by=user, persons_affected=10)
    statuses = dict(Obligation.unscoped.filter(incident=found).values_list("code", "status"))
    assert statuses == {
        "ppc_preliminary": "done",
        "ppc_final": "withdrawn",
        "individuals": "withdrawn",
    }
    # and back: withdrawn ones reopen
    services.update_incident(incident=found, by=user, persons_affected=1500)
    assert Obligation.unscoped.get(incident=found, code="ppc_final").status == "open"
    assert (
        AuditEvent.objects.filter(
            action="incidents.obligations.recomputed", object_id=str(found.pk)
        ).count()
        == 3
    )


def test_every_change_to_an_incident_is_in_its_history() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    services.update_incident(incident=found, by=user, title="電子カルテ停止", closure_days=[])
    events = AuditEvent.objects.filter(object_type="incidents.incident", object_id=str(found.pk))
    assert {e.action for e in events} >= {"incidents.incident.create", "incidents.incident.update"}
    update = events.get(action="incidents.incident.update")
    assert update.changes["title"] == ["電子カルテがランサムウェアで暗号化", "電子カルテ停止"]


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"discovered_at": at(timezone.localdate() + dt.timedelta(days=2))}, "未来"),
        (
            {"occurred_at": at(dt.date(2025, 4, 3)), "discovered_at": at(dt.date(2025, 4, 1))},
            "発生日より前",
        ),
        ({"persons_affected": 0, "sensitive_data": True}, "0人なのに"),
    ],
)
def test_bad_facts_save_nothing(facts: dict[str, object], message: str) -> None:
    user, _member, facility = factories.member_with_facility()
    with pytest.raises(services.IncidentError, match=message):
        incident(facility, user, **facts)
    assert not Incident.unscoped.exists()
    assert not Obligation.unscoped.exists()


def test_closure_days_cannot_be_in_the_future() -> None:
    user, _member, facility = factories.member_with_facility()
    with pytest.raises(services.IncidentError, match="未来"):
        incident(facility, user, closure_days=[timezone.localdate() + dt.timedelta(days=1)])
    assert not Incident.unscoped.exists()


def test_incidents_are_seen_by_their_facility_and_by_staff_only() -> None:
    user_a, _m, facility_a = factories.member_with_facility()
    user_b, _m, _facility_b = factories.member_with_facility()
    found = incident(facility_a, user_a)
    staff_of_a = factories.UserFactory(roles=["facility_staff"])
    factories.link_staff(facility_a, staff_of_a)
    assert list(Incident.objects.visible_to(user_a)) == [found]
    assert list(Incident.objects.visible_to(staff_of_a)) == [found]
    assert not Incident.objects.visible_to(user_b).exists()
    assert list(Incident.objects.visible_to(factories.staff_user("desk_tier1"))) == [found]
    assert not Incident.objects.visible_to(factories.staff_user("content_editor")).exists()
    assert not Obligation.objects.visible_to(user_b).exists()


def test_filing_the_jma_report_numbers_it_and_marks_the_obligation_done() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    first = services.file_jma_report(incident=found, by=user, contents="ランサムウェア被害の報告")
    second = services.file_jma_report(incident=found, by=user, contents="続報")
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"JMA-{year}-00001", f"JMA-{year}-00002")
    jma = Obligation.unscoped.get(incident=found, code="jma")
    assert jma.status == "done" and jma.done_on == timezone.localdate()
    assert first.number in jma.evidence_note
    with pytest.raises(services.IncidentError):
        services.file_jma_report(incident=found, by=user, contents="  ")


def test_done_needs_a_date_that_is_not_in_the_future() -> None:
    user, _member, facility = factories.member_with_facility()
    found = incident(facility, user)
    mhlw = Obligation.unscoped.get(incident=found, code="mhlw")
    with pytest.raises(services.IncidentError, match="実施日"):
        services.record_obligation(obligation=mhlw, by=user, status="done", done_on=None)
    with pytest.raises(services.IncidentError, match="未来"):
        services.record_obligation(
            obligation=mhlw,
            by=user,
            status="done",
            done_on=timezone.localdate() + dt.timedelta(days=1),
        )
