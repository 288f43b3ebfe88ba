"""Cases: intake, SLA clocks in desk hours, workflow, escalation, conflicts and scoping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.core.scoping import UnscopedQueryError
from medcyber.desk import queries, rules, services
from medcyber.desk.choices import Channel, Status, Tier
from medcyber.desk.models import Case, CaseEvent
from medcyber.desk.rules import DESK_TIME_ZONE, SlaState
from medcyber.desk.tasks import send_acknowledgement
from tests import factories

pytestmark = pytest.mark.django_db(transaction=False)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=DESK_TIME_ZONE)  # type: ignore[misc]


@pytest.fixture
def tier1() -> Any:
    return factories.staff_user(Role.DESK_TIER1)


@pytest.fixture
def tier2() -> Any:
    return factories.staff_user(Role.DESK_TIER2)


def phone_case(operator: Any, facility: Any = None, **kwargs: Any) -> Case:
    values: dict[str, Any] = {
        "by": operator,
        "channel": Channel.PHONE,
        "facility": facility,
        "category": "cyber_attack",
        "severity": "urgent",
        "patient_data": "unknown",
        "summary": "電子カルテが暗号化された",
        "now": at(2026, 11, 30, 20, 55),
    }
    values.update(kwargs)
    return services.open_case(**values)


def test_a_phone_call_is_answered_at_once_and_its_clock_counts_desk_hours(tier1: Any) -> None:
    case = phone_case(tier1)
    assert case.status == Status.IN_PROGRESS and case.assignee == tier1
    assert case.first_responded_at == at(2026, 11, 30, 20, 55)
    # cyber attack / urgent: 240 desk minutes; 5 minutes tonight, the rest from 06:00
    assert case.resolution_due == at(2026, 12, 1, 9, 55)
    assert not case.out_of_hours
    opened = CaseEvent.unscoped.get(case=case)
    assert opened.kind == "opened" and not opened.internal
    assert AuditEvent.objects.filter(action="desk.case.create", object_id=str(case.pk)).exists()


def test_a_web_case_at_night_is_acknowledged_with_the_next_opening(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user, _member, facility = factories.member_with_facility()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = services.open_case(
            by=user,
            channel=Channel.WEB,
            facility=facility,
            caller_email=user.email,
            category="pc_takeover",
            severity="normal",
            patient_data="no",
            summary="画面が勝手に動く",
            now=at(2026, 11, 29, 22, 30),
        )
    queued = [c for c in callbacks if c.__module__ != "medcyber.desk.queue_cache"]
    assert len(queued) == 1  # the acknowledgement is queued after the commit
    assert case.out_of_hours and case.status == Status.NEW
    assert case.first_response_due == at(2026, 11, 30, 10)  # 4 desk hours from 06:00
    assert send_acknowledgement.call(case.pk) is True
    (message,) = mail.outbox
    assert case.reference in message.subject
    assert "2026年11月30日 06:00" in message.body
    assert "身代金は支払わず" in message.body


def test_only_operators_take_calls() -> None:
    member, _m, facility = factories.member_with_facility()
    with pytest.raises(services.CaseError):
        phone_case(member, facility)


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([Status.RESOLVED, Status.CLOSED, Status.REOPENED, Status.IN_PROGRESS], None),
        ([Status.CLOSED], Status.CLOSED),  # in progress cannot be closed before it is resolved
        ([Status.RESOLVED, Status.IN_PROGRESS], Status.IN_PROGRESS),
    ],
)
def test_status_transitions(tier1: Any, path: list[str], refused: str | None) -> None:
    case = phone_case(tier1)
    for status in path:
        if status == refused:
            with pytest.raises(services.CaseError, match="変更できません"):
                services.change_status(
                    case, by=tier1, status=status, version=None, now=at(2026, 12, 1, 8)
                )
            return
        case = services.change_status(
            case, by=tier1, status=status, version=None, now=at(2026, 12, 1, 8)
        )
    assert case.status == path[-1]


def test_resolving_stops_the_clock(tier1: Any) -> None:
    case = phone_case(tier1)
    case = services.change_status(
        case, by=tier1, status=Status.RESOLVED, version=case.version, now=at(2026, 12, 1, 7)
    )
    sla = queries.with_sla([case], at(2026, 12, 5))[0][1]
    assert sla.resolution is SlaState.MET


def test_escalation_needs_a_reason_and_tier2_hands_back(tier1: Any, tier2: Any) -> None:
    case = phone_case(tier1)
    with pytest.raises(services.CaseError, match="理由"):
        services.escalate(case, by=tier1, reason="  ", version=case.version, now=at(2026, 12, 1, 8))
    case = services.escalate(
        case, by=tier1, reason="ランサムウェアの疑い", version=case.version, now=at(2026, 12, 1, 8)
    )
    assert case.tier == Tier.TIER2 and case.assignee is None
    with pytest.raises(services.CaseError, match="2次対応の担当者だけ"):
        services.de_escalate(
            case, by=tier1, reason="誤り", version=case.version, now=at(2026, 12, 1, 9)
        )
    with pytest.raises(services.CaseError, match="担当できません"):
        services.assign(
            case, by=tier2, assignee=tier1, version=case.version, now=at(2026, 12, 1, 9)
        )
    case = services.assign(
        case, by=tier2, assignee=tier2, version=case.version, now=at(2026, 12, 1, 9)
    )
    case = services.de_escalate(
        case, by=tier2, reason="設定の問題だった", version=case.version, now=at(2026, 12, 1, 10)
    )
    assert case.tier == Tier.TIER1
    kinds = list(CaseEvent.unscoped.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["opened", "escalated", "assigned", "deescalated"]


def test_a_second_operator_with_a_stale_page_sees_a_conflict(tier1: Any, tier2: Any) -> None:
    case = phone_case(tier1)
    seen = case.version
    services.add_note(case, by=tier2, text="先に書いたメモ", version=seen, now=at(2026, 12, 1, 8))
    with pytest.raises(services.CaseConflict, match="他の担当者が先に更新"):
        services.add_note(case, by=tier1, text="後のメモ", version=seen, now=at(2026, 12, 1, 8))
    notes = CaseEvent.unscoped.filter(case=case, kind="note").values_list("text", flat=True)
    assert list(notes) == ["先に書いたメモ"]  # nothing lost, nothing overwritten


def test_members_see_their_facilities_cases_without_internal_notes(tier1: Any) -> None:
    user_a, _m, facility_a = factories.member_with_facility()
    user_b, _m, _facility_b = factories.member_with_facility()
    case = phone_case(tier1, facility_a)
    services.add_note(case, by=tier1, text="内部の見立て", version=None, now=at(2026, 12, 1, 8))
    services.send_message(
        case, by=tier1, text="LANケーブルを抜いてください", version=None, now=at(2026, 12, 1, 8)
    )
    assert list(Case.objects.visible_to(user_a)) == [case]
    assert list(Case.objects.visible_to(user_b)) == []
    texts = [e.text for e in queries.timeline(user_a, case)]
    assert "LANケーブルを抜いてください" in texts and "内部の見立て" not in texts
    assert "内部の見立て" in [e.text for e in queries.timeline(tier1, case)]
    with pytest.raises(UnscopedQueryError):
        list(Case.objects.all())


def test_staff_outside_the_desk_see_no_cases(tier1: Any) -> None:
    phone_case(tier1)
    assert not Case.objects.visible_to(factories.staff_user(Role.CLAIMS_REVIEWER)).exists()
    assert Case.objects.visible_to(factories.staff_user(Role.AUDITOR)).count() == 1
    assert not Case.objects.visible_to(factories.staff_user(Role.DESK_TIER1, mfa=False)).exists()


def test_a_member_reply_puts_a_waiting_case_back_in_progress(tier1: Any) -> None:
    user, _m, facility = factories.member_with_facility()
    case = phone_case(tier1, facility)
    case = services.change_status(
        case, by=tier1, status=Status.WAITING_MEMBER, version=None, now=at(2026, 12, 1, 8)
    )
    case = services.send_message(
        case, by=user, text="ログを送ります", version=None, now=at(2026, 12, 1, 9)
    )
    assert case.status == Status.IN_PROGRESS


def test_waiting_for_the_member_stops_the_resolution_clock(tier1: Any) -> None:
    """Received 20:55, due 09:55 next morning; waiting 07:00–08:30 moves it to 11:25."""
    user, _m, facility = factories.member_with_facility()
    case = phone_case(tier1, facility)
    case = services.change_status(
        case, by=tier1, status=Status.WAITING_MEMBER, version=None, now=at(2026, 12, 1, 7)
    )
    assert case.resolution_paused_at == at(2026, 12, 1, 7)
    schedule, targets = queries.desk_schedule(case.received_at), queries.sla_targets()
    late_but_waiting = queries.case_sla(case, schedule, targets, at(2026, 12, 1, 10, 30))
    assert late_but_waiting.resolution is SlaState.PAUSED
    assert case not in queries.breaches(tier1, at(2026, 12, 1, 10, 30))

    case = services.send_message(
        case, by=user, text="ログを送ります", version=None, now=at(2026, 12, 1, 8, 30)
    )
    assert case.status == Status.IN_PROGRESS and case.resolution_paused_at is None
    assert case.resolution_due == at(2026, 12, 1, 11, 25)
    resumed = CaseEvent.unscoped.filter(case=case, kind="status").last()
    assert resumed is not None and resumed.actor == user and not resumed.internal
    assert resumed.resolution_due_moved_to == at(2026, 12, 1, 11, 25)


def test_an_operator_resumes_the_clock_and_a_second_wait_adds_up(tier1: Any) -> None:
    case = phone_case(tier1)
    for paused, resumed in (
        (at(2026, 12, 1, 7), at(2026, 12, 1, 8)),
        (at(2026, 12, 1, 9), at(2026, 12, 1, 9, 30)),
    ):
        case = services.change_status(
            case, by=tier1, status=Status.WAITING_MEMBER, version=None, now=paused
        )
        case = services.change_status(
            case, by=tier1, status=Status.IN_PROGRESS, version=None, now=resumed
        )
    assert case.resolution_due == at(2026, 12, 1, 11, 25)  # 09:55 + 1 h + 30 min


def test_re_categorising_recomputes_both_deadlines_and_says_so(tier1: Any) -> None:
    case = phone_case(tier1)  # cyber attack, urgent: 10 and 240 desk minutes from 20:55
    assert case.first_response_due == at(2026, 12, 1, 6, 5)
    case = services.recategorise(
        case,
        by=tier1,
        category="diagnosis",
        severity="high",
        version=case.version,
        now=at(2026, 12, 1, 7),
    )
    # the severity's default: 60 and 1,800 desk minutes (two desk days) from 20:55
    assert (case.category, case.severity) == ("diagnosis", "high")
    assert case.first_response_due == at(2026, 12, 1, 6, 55)
    assert case.resolution_due == at(2026, 12, 2, 20, 55)
    event = CaseEvent.unscoped.get(case=case, kind="details")
    assert event.internal and event.actor == tier1
    assert "相談の種類: サイバー攻撃を受けた → セキュリティ診断を受けたい" in event.text
    assert "緊急度: 緊急（診療が止まっている） → 高（診療に影響がある）" in event.text
    assert "2026年12月2日 20:55" in event.text
    assert event.data["old"]["severity"] == "urgent"


def test_re_categorising_keeps_the_waits_and_refuses_no_change_or_a_stale_page(
    tier1: Any, tier2: Any
) -> None:
    case = phone_case(tier1)
    case = services.change_status(
        case, by=tier1, status=Status.WAITING_MEMBER, version=None, now=at(2026, 12, 1, 7)
    )
    case = services.change_status(
        case, by=tier1, status=Status.IN_PROGRESS, version=None, now=at(2026, 12, 1, 9)
    )
    seen = case.version
    case = services.recategorise(
        case,
        by=tier1,
        category="cyber_attack",
        severity="high",
        version=seen,
        now=at(2026, 12, 1, 9),
    )
    # 900 desk minutes from 20:55 end at 20:55 the next day; the 2 h wait moves that to 07:55
    assert case.resolution_due == at(2026, 12, 2, 7, 55)
    with pytest.raises(services.CaseError, match="変わっていません"):
        services.recategorise(
            case,
            by=tier1,
            category="cyber_attack",
            severity="high",
            version=None,
            now=at(2026, 12, 1, 9),
        )
    with pytest.raises(services.CaseConflict):
        services.recategorise(
            case, by=tier2, category="other", severity="low", version=seen, now=at(2026, 12, 1, 9)
        )


def test_an_unidentified_caller_is_matched_later(tier1: Any) -> None:
    _user, member, facility = factories.member_with_facility()
    case = phone_case(tier1, caller_name="名乗らない方", caller_phone="090-0000-0000")
    assert case.facility is None
    case = services.match_caller(
        case,
        by=tier1,
        facility=facility,
        member=member,
        version=case.version,
        now=at(2026, 12, 1, 8),
    )
    assert case.facility == facility and case.member == member


def test_breaches_lists_late_open_cases(tier1: Any) -> None:
    late = phone_case(tier1, now=at(2026, 11, 1, 10))
    phone_case(tier1, now=at(2026, 11, 30, 10), severity="low", category="other")
    assert list(queries.breaches(tier1, at(2026, 11, 30, 12))) == [late]


def test_the_programme_hours_and_targets_are_loaded_as_data() -> None:
    schedule = queries.desk_schedule(at(2026, 1, 1))
    assert not rules.is_open(schedule, at(2023, 5, 31, 8))
    assert rules.is_open(schedule, at(2023, 6, 1, 6))
    assert rules.is_open(schedule, at(2026, 1, 1, 6))  # New Year's Day: holidays included
    target = rules.target_for(queries.sla_targets(), "cyber_attack", "urgent")
    assert target.resolution == dt.timedelta(hours=4)
