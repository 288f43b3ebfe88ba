"""The demo's claims: every state, three approved and unbatched, names that need converting,
and the demo clinic's ransomware attack of 2024-03-10 to claim ¥400,000 for."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from medcyber.accounts.models import User
from medcyber.claims import demo, services
from medcyber.claims.models import Claim, ClaimStatus, PaymentBatch
from medcyber.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_claims_in_every_state_and_the_walkthrough(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    call_command("demo", stdout=None)
    states = demo.states()
    assert set(states) == set(ClaimStatus.values)
    assert states[ClaimStatus.APPROVED] == 3
    approved = Claim.unscoped.filter(status=ClaimStatus.APPROVED, transfer__isnull=True)
    assert approved.count() == 3
    assert all(c.holder_name != c.holder_name_zengin for c in approved)
    assert Claim.unscoped.filter(duplicate_of__isnull=False).count() == 1
    assert PaymentBatch.objects.count() == 2
    walkthrough = Incident.unscoped.get(title=demo.WALKTHROUGH.title)
    quote = services.quote_for(services.facts_of(walkthrough))
    assert quote.entitlement == 400_000
    assert [line.amount for line in quote.lines] == [100_000, 300_000]
    assert not Claim.unscoped.filter(incident=walkthrough).exists()
    count = Claim.unscoped.count()
    call_command("demo", stdout=None)
    assert Claim.unscoped.count() == count
    assert PaymentBatch.objects.count() == 2


def test_two_demo_staff_can_approve_the_walkthrough_claim(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    call_command("demo", stdout=None)
    member = User.objects.get(email="member@demo.medcyber.jp")
    reviewer = User.objects.get(email="reviewer@demo.medcyber.jp")
    approver = User.objects.get(email="approver@demo.medcyber.jp")
    walkthrough = Incident.unscoped.get(title=demo.WALKTHROUGH.title)
    account = services.Account("0005", "001", "1", "7654321", "ｻﾄｳ ｹﾝｲﾁ")
    _bank, name = services.check_account(account)
    claim = services.submit_claim(
        incident=walkthrough,
        by=member,
        account=account,
        confirmed_holder_name=name,
        documents={
            d.code: demo._document(walkthrough.facility, "copy.pdf", d.code)
            for d in services.documents_needed(walkthrough)
        },
    )
    claim = services.start_review(claim=claim, by=reviewer, version=claim.version)
    claim = services.recommend(
        claim=claim, by=reviewer, version=claim.version, recommendation="approve", reason="確認"
    )
    claim = services.decide(
        claim=claim, by=approver, version=claim.version, approve=True, reason="支給"
    )
    assert claim.approved_amount == 400_000
