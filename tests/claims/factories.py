"""Claims for tests, made through the services as members and staff make them."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.claims import services
from medcyber.claims.models import Claim
from medcyber.core.documents import crypto
from medcyber.core.models import StoredDocument
from medcyber.incidents import services as incident_services
from medcyber.incidents.models import Incident, Obligation
from tests import factories
from tests.incidents.factories import at

ATTACK_DAY = dt.date(2024, 3, 10)
ACCOUNT = services.Account("0005", "001", "1", "7654321", "イリョウホウジン サクラカイ")


def document(facility: Any, name: str = "報告書の写し.pdf") -> StoredDocument:
    """A stored file as store_upload leaves it (without the scan, which needs ClamAV)."""
    data = f"%PDF-1.4 {uuid.uuid4()}".encode()
    return StoredDocument.unscoped.create(
        purpose="claim_document",
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_name=default_storage.save(
            f"documents/test/{uuid.uuid4().hex}", ContentFile(crypto.encrypt(data))
        ),
        scanned_at=timezone.now(),
        scan_result=StoredDocument.ScanResult.CLEAN,
        facility=facility,
    )


def ransomware(
    facility: Any, by: Any, *, day: dt.date = ATTACK_DAY, closed: int = 3, **facts: Any
) -> Incident:
    """A ransomware attack on ``day``, the facility closed ``closed`` days from that day."""
    from tests.incidents.factories import incident

    return incident(
        facility,
        by,
        occurred_at=at(day, 2),
        discovered_at=at(day, 8),
        closure_days=[day + dt.timedelta(days=n) for n in range(closed)],
        **facts,
    )


def mark_done(incident: Incident, by: Any, *codes: str) -> None:
    for code in codes:
        incident_services.record_obligation(
            obligation=Obligation.unscoped.get(incident=incident, code=code),
            by=by,
            status=Obligation.Status.DONE,
            done_on=timezone.localdate(incident.discovered_at),
            note="報告済み",
        )


def submitted(incident: Incident, by: Any, **kwargs: Any) -> Claim:
    """A claim with every document the incident needs."""
    account = kwargs.pop("account", ACCOUNT)
    _branch, converted = services.check_account(account)
    docs = {d.code: document(incident.facility) for d in services.documents_needed(incident)}
    return services.submit_claim(
        incident=incident,
        by=by,
        account=account,
        confirmed_holder_name=converted,
        documents=docs,
        **kwargs,
    )


def approved(claim: Claim, reviewer: Any = None, approver: Any = None) -> Claim:
    reviewer = reviewer or factories.staff_user(Role.CLAIMS_REVIEWER)
    approver = approver or factories.staff_user(Role.CLAIMS_APPROVER)
    claim = services.start_review(claim=claim, by=reviewer, version=claim.version)
    claim = services.recommend(
        claim=claim,
        by=reviewer,
        version=claim.version,
        recommendation="approve",
        reason="報告書と休業の記録を確認",
    )
    return services.decide(
        claim=claim, by=approver, version=claim.version, approve=True, reason="支給要件を満たす"
    )
