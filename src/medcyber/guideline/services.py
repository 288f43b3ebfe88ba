"""Every write of the guideline app: one function per use case, one transaction, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medcyber.core import audit

from . import rules, tallies
from .models import (
    Answer,
    AnswerChange,
    Assessment,
    Asset,
    AssetKind,
    ChecklistItem,
    ChecklistVersion,
    VendorRequest,
)

VENDOR_LINK_DAYS = 14


class AssessmentInvalid(Exception):
    """Answers that may not be saved; ``errors`` maps item id → {field: message}."""

    def __init__(self, errors: dict[int, dict[str, str]]) -> None:
        super().__init__(_("入力に誤りがあります。"))
        self.errors = errors


class VendorLinkInvalid(Exception):
    """The vendor link cannot be used; ``str(error)`` is for the vendor."""


@dataclass(frozen=True)
class AnswerEntry:
    item_id: int
    value: str
    checked_on: dt.date | None = None
    target_date: dt.date | None = None
    note: str = ""
    evidence_document_id: int | None = None
    evidence_asset_id: int | None = None


def _actor_label(by: Any) -> str:
    if by is None or not getattr(by, "is_authenticated", False):
        return audit.current_context().actor_label
    return str(by.get_username())


def _counts_changed(assessment: Assessment) -> None:
    """The association overview counts facilities' own answers: refresh them after commit."""
    if not assessment.vendor_name:
        version_id = assessment.version_id
        transaction.on_commit(lambda: tallies.changed(version_id))


def start_assessment(
    *, facility: Any, version: ChecklistVersion, by: Any, vendor_name: str = ""
) -> Assessment:
    with transaction.atomic():
        found = (
            Assessment.unscoped.select_for_update()
            .filter(facility=facility, version=version, vendor_name=vendor_name)
            .first()
        )
        if found is not None:
            return found
        assessment = Assessment(facility=facility, version=version, vendor_name=vendor_name)
        assessment.save()
        _counts_changed(assessment)
        return assessment


def answer_opening_question(*, assessment: Assessment, has_medical_system: bool, by: Any) -> None:
    """「医療情報システムを導入していますか」: “no” ends the checklist for the facility."""
    with transaction.atomic():
        assessment.has_medical_system = has_medical_system
        assessment.save()
        _counts_changed(assessment)


def save_answers(
    *, assessment: Assessment, entries: list[AnswerEntry], by: Any
) -> list[AnswerChange]:
    """Check every entry (a “no” needs a target date within the fiscal year), then save them
    all or none; each changed yes/no is kept in the assessment's history."""
    items = {i.pk: i for i in ChecklistItem.objects.filter(version=assessment.version)}
    errors: dict[int, dict[str, str]] = {}
    for entry in entries:
        if entry.item_id not in items:
            errors[entry.item_id] = {"value": _("この版にない項目です。")}
            continue
        problems = rules.answer_problems(
            answer=entry.value,
            checked_on=entry.checked_on,
            target_date=entry.target_date,
            fiscal_year=assessment.fiscal_year,
        )
        if (
            entry.evidence_asset_id is not None
            and not Asset.unscoped.filter(
                pk=entry.evidence_asset_id, facility_id=assessment.facility_id
            ).exists()
        ):
            problems["evidence_asset"] = _("この施設の資産台帳にない資産です。")
        if problems:
            errors[entry.item_id] = problems
    if errors:
        raise AssessmentInvalid(errors)
    label = _actor_label(by)
    changes: list[AnswerChange] = []
    written = 0
    with transaction.atomic():
        existing = {
            a.item_id: a for a in Answer.unscoped.select_for_update().filter(assessment=assessment)
        }
        for entry in entries:
            answer = existing.get(entry.item_id) or Answer(
                assessment=assessment, item=items[entry.item_id]
            )
            before = answer.value
            values = {
                "value": entry.value,
                "checked_on": entry.checked_on,
                "target_date": entry.target_date if entry.value == rules.NO else None,
                "note": entry.note,
                "evidence_asset_id": entry.evidence_asset_id,
            }
            if entry.evidence_document_id is not None:
                values["evidence_document_id"] = entry.evidence_document_id
            if answer.pk and all(getattr(answer, k) == v for k, v in values.items()):
                continue
            for name, value in values.items():
                setattr(answer, name, value)
            if by is not None and getattr(by, "is_authenticated", False):
                answer.answered_by = by
            answer.answered_by_label = label
            answer.save()
            written += 1
            if before != entry.value:
                change = AnswerChange(
                    assessment=assessment,
                    item=items[entry.item_id],
                    before=before,
                    after=entry.value,
                    changed_by_label=label,
                )
                change.save()
                changes.append(change)
        if written:
            assessment.save()  # its updated_at is the assessment's last change
            _counts_changed(assessment)
    return changes


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_vendor_part(
    *, assessment: Assessment, vendor_name: str, vendor_email: str, by: Any, now: dt.datetime
) -> tuple[VendorRequest, str]:
    """A link for one vendor to fill the vendor checklist of this facility and fiscal year;
    returns the request and the secret (shown once, never stored)."""
    vendor_name = vendor_name.strip()
    if not vendor_name:
        raise VendorLinkInvalid(_("事業者名を入れてください。"))
    version = ChecklistVersion.objects.filter(
        checklist__code="vendor", fiscal_year=assessment.fiscal_year
    ).first()
    if version is None:
        raise VendorLinkInvalid(
            _("%(year)d年度の事業者確認用チェックリストが登録されていません。")
            % {"year": assessment.fiscal_year}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        vendor_part = start_assessment(
            facility=assessment.facility, version=version, by=by, vendor_name=vendor_name
        )
        request = VendorRequest(
            assessment=vendor_part,
            token_hash=_token_hash(token),
            vendor_email=vendor_email,
            expires_at=now + dt.timedelta(days=VENDOR_LINK_DAYS),
            created_by=by,
        )
        request.save()
        if request.vendor_email:
            _email_link_after_commit(request.pk, token)
    return request, token


def _email_link_after_commit(request_id: int, token: str) -> None:
    """The worker e-mails the link; the secret travels to it sealed with the file keys (the
    task queue is a table too), and the worker checks it against the stored hash."""
    from medcyber.core.documents import crypto

    from .tasks import send_vendor_link

    sealed = crypto.encrypt(token.encode()).decode()
    transaction.on_commit(lambda: send_vendor_link.enqueue(request_id, sealed))


def open_vendor_link(*, token: str, now: dt.datetime) -> VendorRequest:
    """The request a vendor's link stands for, or :class:`VendorLinkInvalid` (recorded too)."""
    request = (
        VendorRequest.unscoped.select_related("assessment__facility", "assessment__version")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    problem = None
    if request is None:
        problem = _("このリンクは無効です。医療機関にお問い合わせください。")
    elif request.revoked_at is not None:
        problem = _("このリンクは取り消されています。医療機関にお問い合わせください。")
    elif request.expires_at <= now:
        problem = _(
            "このリンクの有効期限が切れています。医療機関に新しいリンクを依頼してください。"
        )
    if problem is not None:
        audit.record(
            "view",
            "guideline.vendor_link.refused",
            request,
            changes={"reason": "unknown" if request is None else "expired_or_revoked"},
        )
        raise VendorLinkInvalid(problem)
    assert request is not None
    with transaction.atomic():
        request.last_used_at = now
        request.save()
    return request


def revoke_vendor_request(*, request: VendorRequest, by: Any, now: dt.datetime) -> None:
    with transaction.atomic():
        request.revoked_at = now
        request.save()


def derived_answer(item: ChecklistItem, facility_id: int) -> tuple[str, str] | None:
    """An answer the asset register supports: (value, note), or None when it says nothing."""
    assets = Asset.unscoped.filter(facility_id=facility_id).in_use()
    if item.derived_from == ChecklistItem.Derivation.ASSET_LEDGER:
        count = assets.count()
        if count:
            return rules.YES, _("資産台帳に%(n)d件登録済み") % {"n": count}
    if item.derived_from == ChecklistItem.Derivation.REMOTE_MAINTENANCE:
        remote = assets.filter(kind=AssetKind.REMOTE_MAINTENANCE).count()
        if remote:
            return rules.YES, _("リモート保守回線%(n)d件を資産台帳に登録済み") % {"n": remote}
    return None


class FindingInvalid(Exception):
    """The status cannot be set; ``str(error)`` is for the person."""


def mark_finding(*, finding: Any, status: str, planned_on: dt.date | None, by: Any) -> None:
    """The facility's word on a known-exploited flaw of its device: patched, not affected,
    or planned (with the date it will be done)."""
    from .models import KevFinding

    if status not in KevFinding.Status.values:
        raise FindingInvalid(_("状況を選んでください。"))
    if status == KevFinding.Status.PLANNED and planned_on is None:
        raise FindingInvalid(_("「対応予定」には対応予定日が必要です。"))
    with transaction.atomic():
        finding.status = status
        finding.planned_on = planned_on if status == KevFinding.Status.PLANNED else None
        finding.save()


def register_asset(*, asset: Asset, by: Any) -> Asset:
    """Save a new asset and warn at once if a known-exploited flaw affects it."""
    return save_asset(asset=asset, by=by)


class AssetInvalid(Exception):
    """The asset cannot be saved; ``str(error)`` is for the person."""


def _name_taken(asset: Asset) -> bool:
    return (
        Asset.unscoped.filter(facility_id=asset.facility_id, name=asset.name)
        .exclude(pk=asset.pk)
        .exists()
    )


def save_asset(*, asset: Asset, by: Any) -> Asset:
    """Register a new asset or save an edited one (audited by the model). Known-exploited
    flaws are matched again: a changed product may add warnings, and warnings still open
    that no longer match the device's maker and product are withdrawn (marked ones stay:
    they are the facility's record)."""
    from .kev import entries_matching, match_assets
    from .models import KevFinding

    if _name_taken(asset):
        raise AssetInvalid(_("同じ名称の資産がすでに登録されています。"))
    with transaction.atomic():
        asset.save()
        if asset.retired_on is None:
            matching = entries_matching(asset)
            for finding in KevFinding.unscoped.filter(asset=asset, status=KevFinding.Status.OPEN):
                if finding.entry_id not in matching:
                    finding.delete()
            match_assets([asset])
    return asset


def retire_asset(*, asset: Asset, on: dt.date, by: Any) -> Asset:
    """Take an asset off the register from ``on`` (kept for the record, not deleted): it no
    longer counts for warnings, derived answers or the inspection annex."""
    if asset.retired_on is not None:
        raise AssetInvalid(_("この資産はすでに台帳から外されています。"))
    with transaction.atomic():
        asset.retired_on = on
        asset.save()
    return asset
