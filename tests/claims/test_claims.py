"""Claims (PAY-2) and their review with four eyes (PAY-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medcyber.accounts.roles import Role
from medcyber.claims import services
from medcyber.claims.models import Claim, ClaimDocument, ClaimStatus, ClaimStep, PaymentSchedule
from medcyber.core.models import AuditEvent
from medcyber.core.scoping import UnscopedQueryError
from tests import factories
from tests.claims import factories as cf

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(settings: Any, tmp_path: Any) -> tuple[Any, Any]:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    user, _member, facility = factories.member_with_facility()
    return user, facility


def test_the_done_case_quotes_400000_with_its_lines(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    incident = cf.ransomware(facility, user)
    quote = services.quote_for(services.facts_of(incident))
    assert quote.entitlement == 400_000
    assert [(x.code, x.amount) for x in quote.lines] == [
        ("base", 100_000),
        ("closure_per_day", 300_000),
    ]
    assert quote.unmet == ("report_mhlw_or_jma",)
    needed = services.documents_needed(incident)
    assert [d.code for d in needed] == ["report_mhlw_or_jma", services.CLOSURE_EVIDENCE]


def test_a_report_recorded_on_the_incident_needs_no_copy(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    incident = cf.ransomware(facility, user)
    cf.mark_done(incident, user, "mhlw")
    assert [d.code for d in services.documents_needed(incident)] == [services.CLOSURE_EVIDENCE]
    assert services.quote_for(services.facts_of(incident)).payable


def test_submit_keeps_the_facts_documents_and_converted_name(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    incident = cf.ransomware(facility, user)
    claim = cf.submitted(incident, user)
    assert claim.status == ClaimStatus.SUBMITTED
    assert (claim.kind, claim.occurred_on, claim.closure_days) == (
        "cyber_attack",
        cf.ATTACK_DAY,
        3,
    )
    assert (claim.member_class, claim.facility_kind, claim.insider) == ("A1", "clinic", False)
    assert claim.entitlement == 400_000
    assert claim.reports == ["jma"]  # the copy of the report stands for it
    assert claim.holder_name_zengin == "ｲﾘﾖｳﾎｳｼﾞﾝ ｻｸﾗｶｲ"
    assert ClaimDocument.unscoped.filter(claim=claim).count() == 2
    assert ClaimStep.unscoped.get(claim=claim).action == "submitted"
    assert AuditEvent.objects.filter(object_type="claims.claim", object_id=str(claim.pk)).exists()


def test_the_member_must_confirm_the_converted_name(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    incident = cf.ransomware(facility, user)
    docs = {d.code: cf.document(facility) for d in services.documents_needed(incident)}
    with pytest.raises(services.ClaimError, match="ｲﾘﾖｳﾎｳｼﾞﾝ ｻｸﾗｶｲ"):
        services.submit_claim(
            incident=incident,
            by=user,
            account=cf.ACCOUNT,
            confirmed_holder_name=cf.ACCOUNT.holder_name,
            documents=docs,
        )
    assert not Claim.unscoped.exists()


@pytest.mark.parametrize(
    ("account", "message"),
    [
        (services.Account("9998", "001", "1", "1234567", "ヤマダ"), "金融機関はありません"),
        (services.Account("0005", "999", "1", "1234567", "ヤマダ"), "支店はありません"),
        (services.Account("0005", "001", "1", "123456", "ヤマダ"), "7桁"),
        (services.Account("0005", "001", "1", "1234567", "山田"), "全銀の文字"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(
    clinic: tuple[Any, Any], account: services.Account, message: str
) -> None:
    user, facility = clinic
    incident = cf.ransomware(facility, user)
    with pytest.raises(services.ClaimError, match=message):
        cf.submitted(incident, user, account=account)
    assert not Claim.unscoped.exists()


def test_missing_documents_are_named(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    incident = cf.ransomware(facility, user)
    _branch, name = services.check_account(cf.ACCOUNT)
    with pytest.raises(services.ClaimError, match="休業"):
        services.submit_claim(
            incident=incident,
            by=user,
            account=cf.ACCOUNT,
            confirmed_holder_name=name,
            documents={"report_mhlw_or_jma": cf.document(facility)},
        )


def test_second_claims_are_flagged(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    incident = cf.ransomware(facility, user)
    first = cf.submitted(incident, user)
    again = cf.submitted(incident, user)
    assert again.duplicate_of == first
    other_incident_same_day = cf.ransomware(facility, user, title="同日の別登録")
    assert cf.submitted(other_incident_same_day, user).duplicate_of == first
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    approver = factories.staff_user(Role.CLAIMS_APPROVER)
    refused = services.start_review(claim=first, by=reviewer, version=first.version)
    refused = services.recommend(
        claim=refused, by=reviewer, version=refused.version, recommendation="refuse", reason="否"
    )
    services.decide(claim=refused, by=approver, version=refused.version, approve=False, reason="否")
    assert cf.submitted(incident, user).duplicate_of == first  # a refusal is no fresh start
    _u, _m, elsewhere = factories.member_with_facility()
    assert cf.submitted(cf.ransomware(elsewhere, _u), _u).duplicate_of is None


def test_claims_are_scoped(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.submitted(cf.ransomware(facility, user), user)
    other, _m, _f = factories.member_with_facility()
    with pytest.raises(UnscopedQueryError):
        list(Claim.objects.all())
    assert list(Claim.objects.visible_to(user)) == [claim]
    assert list(Claim.objects.visible_to(other)) == []
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    assert list(Claim.objects.visible_to(reviewer)) == [claim]


def test_four_eyes_and_reasons_with_the_rules_version(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.submitted(cf.ransomware(facility, user), user)
    both = factories.staff_user(Role.CLAIMS_REVIEWER, Role.CLAIMS_APPROVER)
    claim = services.start_review(claim=claim, by=both, version=claim.version)
    claim = services.recommend(
        claim=claim, by=both, version=claim.version, recommendation="approve", reason="確認済み"
    )
    with pytest.raises(services.ClaimError, match="二者確認"):
        services.decide(claim=claim, by=both, version=claim.version, approve=True, reason="可")
    reviewer_only = factories.staff_user(Role.CLAIMS_REVIEWER)
    with pytest.raises(services.ClaimError, match="権限"):
        services.decide(
            claim=claim, by=reviewer_only, version=claim.version, approve=True, reason="可"
        )
    approver = factories.staff_user(Role.CLAIMS_APPROVER)
    with pytest.raises(services.ClaimError, match="理由"):
        services.decide(claim=claim, by=approver, version=claim.version, approve=True, reason=" ")
    claim = services.decide(
        claim=claim, by=approver, version=claim.version, approve=True, reason="要件を満たす"
    )
    assert claim.status == ClaimStatus.APPROVED
    assert claim.approved_amount == 400_000
    assert claim.decision_rules_version == "cyber_attack-2023-06-01"
    step = ClaimStep.unscoped.filter(claim=claim).last()
    assert step is not None
    assert (step.action, step.reason, step.rules_version) == (
        "approved",
        "要件を満たす",
        "cyber_attack-2023-06-01",
    )
    assert PaymentSchedule.objects.get(version="cyber_attack-2023-06-01").in_use


def test_no_recommendation_no_decision(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.submitted(cf.ransomware(facility, user), user)
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    claim = services.start_review(claim=claim, by=reviewer, version=claim.version)
    approver = factories.staff_user(Role.CLAIMS_APPROVER)
    with pytest.raises(services.ClaimError, match="意見"):
        services.decide(claim=claim, by=approver, version=claim.version, approve=True, reason="可")


def test_staff_without_mfa_cannot_review(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.submitted(cf.ransomware(facility, user), user)
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER, mfa=False)
    with pytest.raises(services.ClaimError, match="権限"):
        services.start_review(claim=claim, by=reviewer, version=claim.version)


def test_a_claim_changed_while_approving_is_refused(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.submitted(cf.ransomware(facility, user), user)
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    approver = factories.staff_user(Role.CLAIMS_APPROVER)
    claim = services.start_review(claim=claim, by=reviewer, version=claim.version)
    claim = services.recommend(
        claim=claim, by=reviewer, version=claim.version, recommendation="approve", reason="可"
    )
    seen = claim.version  # the approver opens the claim
    services.request_information(
        claim=claim, by=reviewer, version=claim.version, reason="休業の記録をもう1枚"
    )
    with pytest.raises(services.StaleClaim):
        services.decide(claim=claim, by=approver, version=seen, approve=True, reason="可")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.INFO_REQUESTED
    assert claim.decided_by is None


def test_information_round_trip_then_refusal(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.submitted(cf.ransomware(facility, user), user)
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    approver = factories.staff_user(Role.CLAIMS_APPROVER)
    claim = services.request_information(
        claim=claim, by=reviewer, version=claim.version, reason="休業の記録を追加してください"
    )
    with pytest.raises(services.ClaimError):
        services.supply_information(
            claim=claim, by=user, version=claim.version, note="", documents={}
        )
    claim = services.supply_information(
        claim=claim,
        by=user,
        version=claim.version,
        note="予約台帳を添付します",
        documents={services.CLOSURE_EVIDENCE: cf.document(facility)},
    )
    assert claim.status == ClaimStatus.UNDER_REVIEW
    claim = services.recommend(
        claim=claim, by=reviewer, version=claim.version, recommendation="refuse", reason="重複"
    )
    claim = services.decide(
        claim=claim, by=approver, version=claim.version, approve=False, reason="同じ事案で支給済み"
    )
    assert claim.status == ClaimStatus.REFUSED
    assert claim.approved_amount is None
    reasons = [s.reason for s in ClaimStep.unscoped.filter(claim=claim)]
    assert "休業の記録を追加してください" in reasons
    assert "同じ事案で支給済み" in reasons


def test_an_insider_case_cannot_be_approved(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.submitted(cf.ransomware(facility, user, insider=True), user)
    assert claim.entitlement == 0
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    claim = services.start_review(claim=claim, by=reviewer, version=claim.version)
    with pytest.raises(services.ClaimError, match="支給対象ではない"):
        services.recommend(
            claim=claim, by=reviewer, version=claim.version, recommendation="approve", reason="可"
        )


def test_old_incident_uses_the_earlier_schedule(clinic: tuple[Any, Any]) -> None:
    user, facility = clinic
    claim = cf.approved(
        cf.submitted(cf.ransomware(facility, user, day=dt.date(2023, 5, 31), closed=2), user)
    )
    assert claim.approved_amount == 150_000
    assert claim.decision_rules_version.startswith("cyber_attack-2022")
