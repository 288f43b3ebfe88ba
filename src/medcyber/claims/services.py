"""Writes for the support payments: one function per use case, one transaction each.

Claims (PAY-2) take the facts of the quote from the incident and the registry; the review
(PAY-3) is four eyes: a claims reviewer recommends, a different claims approver decides, and
every step records its reason and the rules version. Each write compares the claim's
``version`` with the one the person saw, so a decision on a page that changed meanwhile is
refused instead of overwriting the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.accounts.roles import Role
from medcyber.core.models import StoredDocument
from medcyber.incidents.models import Incident, JmaReport, Obligation, category_of
from medcyber.registry.models import FacilityManagement

from . import batches, payments, queries, rules, zengin
from .models import (
    Claim,
    ClaimDocument,
    ClaimStatus,
    ClaimStep,
    PaymentBatch,
    PaymentSchedule,
    PaymentTransfer,
)

#: The incident's obligations that count as the programme's reports (the PPC's final report
#: is the one that carries the measures to prevent recurrence).
OBLIGATION_REPORTS: dict[str, str] = {
    Obligation.Code.MHLW: "mhlw",
    Obligation.Code.JMA: "jma",
    Obligation.Code.POLICE: "police",
    Obligation.Code.PPC_FINAL: "ppc",
    Obligation.Code.INDIVIDUALS: "individuals",
}

#: The document that proves the closure days (not a requirement of the schedules: it backs
#: the closure addition).
CLOSURE_EVIDENCE = "closure_days"


class ClaimError(ValueError):
    """A write that may not happen; the message, in Japanese, is for the person who asked."""


class StaleClaim(ClaimError):
    """The claim changed since the person loaded it."""


def record_schedule_use(*, version: str, now: datetime) -> PaymentSchedule:
    """A decision used this schedule: from now on it is frozen and cannot be deleted.

    The decision services call this in their own transaction; the save enters the audit trail.
    """
    with transaction.atomic():
        schedule = PaymentSchedule.objects.select_for_update().get(version=version)
        schedule.first_used_at = schedule.first_used_at or now
        schedule.last_used_at = now
        schedule.save(update_fields=["first_used_at", "last_used_at"])
    return schedule


# --- the facts of a claim, from the incident ---


@dataclass(frozen=True)
class NeededDocument:
    code: str
    label: str


def incident_reports(incident: Incident) -> frozenset[str]:
    """The programme's reports the incident record shows as made."""
    done = Obligation.unscoped.filter(incident=incident, status=Obligation.Status.DONE)
    reports = {
        OBLIGATION_REPORTS[c]
        for c in done.values_list("code", flat=True)
        if c in OBLIGATION_REPORTS
    }
    if JmaReport.unscoped.filter(incident=incident).exists():
        reports.add("jma")
    return frozenset(reports)


def member_class_of(incident: Incident, day: date) -> str:
    """The class of the member who founded or managed the facility on the day."""
    management = (
        FacilityManagement.unscoped.filter(facility_id=incident.facility_id, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("member")
        .order_by("-valid_from")
        .first()
    )
    if management is None:
        raise ClaimError(_("発生日に施設の開設者・管理者が登録されていないため、申請できません。"))
    return str(management.member.member_class)


def facts_of(incident: Incident, *, documents: Mapping[str, Any] = {}) -> rules.IncidentFacts:
    """The facts the quote needs, from the incident; a document for a requirement stands for
    the report it proves (a copy of the MHLW or JMA report, the PPC report, the notice)."""
    occurred_at = incident.occurred_at or incident.discovered_at
    occurred_on = timezone.localdate(occurred_at)
    reports = set(incident_reports(incident))
    schedule = rules.schedule_for(str(category_of(incident.kind)), occurred_on, queries.schedules())
    if schedule is not None:
        for requirement in schedule.requirements:
            if requirement.code in documents and not requirement.any_of & reports:
                reports.add(min(requirement.any_of))
    return rules.IncidentFacts(
        kind=str(category_of(incident.kind)),
        occurred_on=occurred_on,
        closure_days=incident.closure_days.count(),
        insider=incident.insider,
        member_class=member_class_of(incident, occurred_on),
        facility_kind=incident.facility.kind,
        reports=frozenset(reports),
    )


def quote_for(facts: rules.IncidentFacts) -> rules.Quote:
    return rules.quote(facts, queries.schedules())


def documents_needed(incident: Incident) -> list[NeededDocument]:
    """Exactly the documents the claim needs: one per requirement the incident record does not
    show as met, and the evidence of the closure days when the facility closed."""
    facts = facts_of(incident)
    result = quote_for(facts)
    needed = [
        NeededDocument(r.code, _("%(label)sの写し") % {"label": r.label_ja})
        for r in result.unmet_requirements
    ]
    if facts.closure_days and not result.refusals:
        needed.append(
            NeededDocument(
                CLOSURE_EVIDENCE,
                _("休業（新患受付の全面停止）%(days)d日を示す書類（掲示、予約記録など）")
                % {"days": facts.closure_days},
            )
        )
    return needed


@dataclass(frozen=True)
class Account:
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    holder_name: str


def check_account(account: Account) -> tuple[zengin.BankBranch, str]:
    """The bank and branch and the holder name in Zengin characters, or :class:`ClaimError`."""
    try:
        branch = zengin.find_branch(account.bank_code, account.branch_code)
        zengin.check_account(account.account_type, account.account_number)
        name = zengin.convert_name(account.holder_name).converted
    except zengin.ZenginError as error:
        raise ClaimError(str(error)) from None
    return branch, name


def duplicate_of(
    incident: Incident, occurred_on: date, *, exclude: int | None = None
) -> Claim | None:
    """An earlier claim for the same incident, or for the same facility and date."""
    from django.db.models import Q

    rows = Claim.unscoped.filter(
        Q(incident=incident) | Q(facility_id=incident.facility_id, occurred_on=occurred_on)
    )
    if exclude:
        rows = rows.exclude(pk=exclude)
    return rows.order_by("submitted_at", "pk").first()


# --- the member's side ---


def submit_claim(
    *,
    incident: Incident,
    by: Any,
    account: Account,
    confirmed_holder_name: str,
    documents: Mapping[str, StoredDocument],
    now: datetime | None = None,
) -> Claim:
    """The claim, its documents and its first step; nothing is saved when anything is wrong.

    ``confirmed_holder_name`` is the converted name the member was shown: a claim is only
    made with the name they saw.
    """
    now = now or timezone.now()
    _branch, converted = check_account(account)
    if confirmed_holder_name != converted:
        raise ClaimError(
            _(
                "口座名義は全銀の文字で「%(name)s」になります。確認のうえ、もう一度送信してください。"
            )
            % {"name": converted}
        )
    needed = {d.code for d in documents_needed(incident)}
    missing = sorted(needed - set(documents))
    if missing:
        labels = [d.label for d in documents_needed(incident) if d.code in missing]
        raise ClaimError(_("次の書類を添付してください: %(docs)s") % {"docs": "、".join(labels)})
    facts = facts_of(incident, documents=documents)
    result = quote_for(facts)
    with transaction.atomic():
        Incident.unscoped.select_for_update().filter(pk=incident.pk).first()
        claim = Claim.unscoped.create(
            facility_id=incident.facility_id,
            incident=incident,
            kind=facts.kind,
            occurred_on=facts.occurred_on,
            closure_days=facts.closure_days,
            insider=facts.insider,
            member_class=facts.member_class,
            facility_kind=facts.facility_kind,
            reports=sorted(facts.reports),
            entitlement=result.entitlement,
            rules_version=result.rules_version,
            bank_code=account.bank_code,
            branch_code=account.branch_code,
            account_type=account.account_type,
            account_number=account.account_number,
            holder_name=account.holder_name,
            holder_name_zengin=converted,
            duplicate_of=duplicate_of(incident, facts.occurred_on),
            submitted_by=by,
            submitted_at=now,
        )
        for code, document in documents.items():
            ClaimDocument.unscoped.create(
                claim=claim, requirement=code, document=document, added_at=now
            )
        _step(
            claim,
            ClaimStep.Action.SUBMITTED,
            by,
            now,
            rules_version=result.rules_version,
            amount=result.entitlement,
        )
    return claim


def supply_information(
    *,
    claim: Claim,
    by: Any,
    version: int,
    note: str,
    documents: Mapping[str, StoredDocument],
    now: datetime | None = None,
) -> Claim:
    """The member answers a request for information: the claim goes back to the reviewer."""
    now = now or timezone.now()
    if not note.strip() and not documents:
        raise ClaimError(_("連絡事項を書くか、書類を添付してください。"))
    with transaction.atomic():
        claim = _locked(claim, version, (ClaimStatus.INFO_REQUESTED,))
        for code, document in documents.items():
            ClaimDocument.unscoped.create(
                claim=claim, requirement=code, document=document, added_at=now
            )
        _move(claim, ClaimStatus.UNDER_REVIEW)
        _step(claim, ClaimStep.Action.INFO_SUPPLIED, by, now, reason=note.strip())
    return claim


# --- the review (four eyes) ---

RECOMMEND = "approve", "refuse"


def start_review(*, claim: Claim, by: Any, version: int, now: datetime | None = None) -> Claim:
    _require(by, Role.CLAIMS_REVIEWER)
    now = now or timezone.now()
    with transaction.atomic():
        claim = _locked(claim, version, (ClaimStatus.SUBMITTED,))
        _move(claim, ClaimStatus.UNDER_REVIEW)
        _step(claim, ClaimStep.Action.REVIEW_STARTED, by, now)
    return claim


def request_information(
    *, claim: Claim, by: Any, version: int, reason: str, now: datetime | None = None
) -> Claim:
    _require(by, Role.CLAIMS_REVIEWER, Role.CLAIMS_APPROVER)
    now = now or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        claim = _locked(claim, version, (ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW))
        claim.recommendation = ""
        claim.recommended_by = None
        _move(claim, ClaimStatus.INFO_REQUESTED, "recommendation", "recommended_by")
        _step(claim, ClaimStep.Action.INFO_REQUESTED, by, now, reason=reason)
    return claim


def recommend(
    *,
    claim: Claim,
    by: Any,
    version: int,
    recommendation: str,
    reason: str,
    now: datetime | None = None,
) -> Claim:
    """The reviewer's opinion, with the quote as it stands under the schedules of today."""
    _require(by, Role.CLAIMS_REVIEWER)
    if recommendation not in RECOMMEND:
        raise ClaimError(_("審査担当の意見は「支給」か「不支給」を選んでください。"))
    now = now or timezone.now()
    reason = _reason(reason)
    result = quote_for(claim.facts())
    if recommendation == "approve" and not result.payable:
        raise ClaimError(_("算定結果が支給対象ではないため、支給の意見にはできません。"))
    with transaction.atomic():
        claim = _locked(claim, version, (ClaimStatus.UNDER_REVIEW,))
        claim.recommendation = recommendation
        claim.recommended_by = by
        _move(claim, ClaimStatus.UNDER_REVIEW, "recommendation", "recommended_by")
        _step(
            claim,
            ClaimStep.Action.RECOMMENDED,
            by,
            now,
            reason=reason,
            rules_version=result.rules_version,
            amount=result.entitlement,
        )
    return claim


def decide(
    *,
    claim: Claim,
    by: Any,
    version: int,
    approve: bool,
    reason: str,
    now: datetime | None = None,
) -> Claim:
    """The approver's decision: never by the person who recommended it (four eyes)."""
    _require(by, Role.CLAIMS_APPROVER)
    now = now or timezone.now()
    reason = _reason(reason)
    result = quote_for(claim.facts())
    with transaction.atomic():
        claim = _locked(claim, version, (ClaimStatus.UNDER_REVIEW,))
        if not claim.recommendation or claim.recommended_by_id is None:
            raise ClaimError(_("審査担当の意見がまだありません。"))
        if claim.recommended_by_id == by.pk:
            raise ClaimError(
                _("意見を出した審査担当とは別の承認者が決定してください（二者確認）。")
            )
        if approve and not result.payable:
            raise ClaimError(_("算定結果が支給対象ではないため、支給決定はできません。"))
        if result.rules_version != rules.NO_SCHEDULE_VERSION:
            record_schedule_use(version=result.rules_version, now=now)
        claim.decided_by = by
        claim.decided_at = now
        claim.decision_reason = reason
        claim.decision_rules_version = result.rules_version
        claim.approved_amount = result.entitlement if approve else None
        _move(
            claim,
            ClaimStatus.APPROVED if approve else ClaimStatus.REFUSED,
            "decided_by",
            "decided_at",
            "decision_reason",
            "decision_rules_version",
            "approved_amount",
        )
        _step(
            claim,
            ClaimStep.Action.APPROVED if approve else ClaimStep.Action.REFUSED,
            by,
            now,
            reason=reason,
            rules_version=result.rules_version,
            amount=result.entitlement if approve else 0,
        )
    return claim


# --- payment batches ---


def export_batch(
    *, by: Any, now: datetime | None = None, today: date | None = None
) -> tuple[PaymentBatch, bytes]:
    """Every approved claim not yet in a batch (or whose transfer failed) into a new batch."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        claims = list(
            Claim.unscoped.select_for_update()
            .filter(status=ClaimStatus.APPROVED)
            .order_by("decided_at", "pk")
        )
        items = [
            batches.BatchItem(
                facility_id=c.facility_id,
                bank_code=c.bank_code,
                branch_code=c.branch_code,
                account_type=c.account_type,
                account_number=c.account_number,
                holder_name=c.holder_name_zengin,
                amount=c.approved_amount or 0,
                customer_code=str(c.pk),
            )
            for c in claims
        ]
        batch, content = batches.export_batch(
            items,
            by=by,
            now=now,
            today=today,
            requester=payments.requester(),
            separator=payments.record_separator(),
        )
        transfers = PaymentTransfer.unscoped.filter(batch=batch).order_by("position")
        for claim, transfer in zip(claims, transfers, strict=True):
            claim.transfer = transfer
            _move(claim, ClaimStatus.BATCHED, "transfer")
            _step(
                claim, ClaimStep.Action.BATCHED, by, now, amount=transfer.amount, reason=str(batch)
            )
    return batch, content


def mark_batch_paid(*, batch: PaymentBatch, by: Any, now: datetime | None = None) -> PaymentBatch:
    """The bank confirmed the batch: its claims whose transfer went through are paid."""
    _require(by, *queries.PAYMENT_ROLES)
    now = now or timezone.now()
    with transaction.atomic():
        batch = batches.mark_batch_paid(batch, by=by, now=now)
        for claim in Claim.unscoped.select_for_update().filter(
            transfer__batch=batch,
            transfer__status=PaymentTransfer.Status.PAID,
            status=ClaimStatus.BATCHED,
        ):
            _move(claim, ClaimStatus.PAID)
            _step(claim, ClaimStep.Action.PAID, by, now, amount=claim.approved_amount)
    return batch


def mark_transfer_failed(
    *, transfer: PaymentTransfer, by: Any, reason: str, now: datetime | None = None
) -> PaymentTransfer:
    """The bank could not pay: the claim goes back to the approved claims for a later batch."""
    _require(by, *queries.PAYMENT_ROLES)
    now = now or timezone.now()
    with transaction.atomic():
        transfer = batches.mark_transfer_failed(transfer, reason=reason, now=now)
        for claim in Claim.unscoped.select_for_update().filter(transfer=transfer):
            claim.transfer = None
            _move(claim, ClaimStatus.APPROVED, "transfer")
            _step(claim, ClaimStep.Action.RETURNED, by, now, reason=transfer.failure_reason)
    return transfer


# --- helpers ---


def _require(user: Any, *roles: str) -> None:
    if not (user.staff_cleared and (user.is_superuser or user.has_role(*roles))):
        raise ClaimError(_("この手続を行う権限がありません。"))


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ClaimError(_("理由を入力してください。"))
    return reason.strip()


def _locked(claim: Claim, version: int, statuses: tuple[str, ...]) -> Claim:
    fresh = Claim.unscoped.select_for_update().get(pk=claim.pk)
    if fresh.version != version:
        raise StaleClaim(
            _("この申請は表示した後に更新されています。画面を読み込み直してから操作してください。")
        )
    if fresh.status not in statuses:
        raise ClaimError(
            _("「%(status)s」の申請にはこの手続はできません。")
            % {"status": fresh.get_status_display()}
        )
    return fresh


def _move(claim: Claim, status: str, *fields: str) -> None:
    claim.status = status
    claim.version += 1
    claim.save(update_fields=["status", "version", *fields])


def _step(
    claim: Claim,
    action: str,
    by: Any,
    now: datetime,
    *,
    reason: str = "",
    rules_version: str = "",
    amount: int | None = None,
) -> ClaimStep:
    return ClaimStep.unscoped.create(
        claim=claim,
        action=action,
        at=now,
        by=by if getattr(by, "is_authenticated", False) else None,
        reason=reason,
        rules_version=rules_version,
        amount=amount,
    )
