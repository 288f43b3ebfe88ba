"""Reads for the support payments. Schedules hold no facility data: no scoping needed;
claims are always read through ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum

from medcyber.accounts.roles import Role

from . import rules
from .models import (
    Claim,
    ClaimDocument,
    ClaimStatus,
    ClaimStep,
    PaymentBatch,
    PaymentSchedule,
    PaymentTransfer,
)


def schedules() -> list[rules.Schedule]:
    """Every payment schedule, as the rules engine takes them."""
    return [row.to_rule() for row in PaymentSchedule.objects.all()]


# --- claims: always scoped to the user who asks ---

#: Staff who make claims for members (the desk, the association's administrators).
CLAIM_DESK_ROLES = frozenset({Role.DESK_TIER1, Role.DESK_TIER2, Role.ASSOCIATION_ADMIN})
#: Staff who take the review steps.
REVIEW_ROLES = frozenset({Role.CLAIMS_REVIEWER, Role.CLAIMS_APPROVER})
#: Staff who pay approved claims: make the batches, send their files, record the bank's answer.
#: Reviewers recommend only; paying is for those who decide and for the association's admins.
PAYMENT_ROLES = frozenset({Role.CLAIMS_APPROVER, Role.ASSOCIATION_ADMIN})


def claims_for(user: Any) -> QuerySet[Claim]:
    return Claim.objects.visible_to(user).select_related("facility", "incident")


def claim_for(user: Any, pk: int) -> Claim:
    """The claim, or ``Claim.DoesNotExist`` when it is not the user's to see."""
    return claims_for(user).get(pk=pk)


def may_claim(user: Any) -> bool:
    """Facility people claim for their own facilities (scoping decides which); the desk for
    them."""
    if not user.is_authenticated:
        return False
    if not user.is_programme_staff:
        return True
    return user.staff_cleared and (user.is_superuser or user.has_role(*CLAIM_DESK_ROLES))


def may_review(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.staff_cleared
        and (user.is_superuser or user.has_role(*REVIEW_ROLES))
    )


def may_pay(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.staff_cleared
        and (user.is_superuser or user.has_role(*PAYMENT_ROLES))
    )


def transfers_of(user: Any, batch: PaymentBatch) -> QuerySet[PaymentTransfer]:
    return PaymentTransfer.objects.visible_to(user).filter(batch=batch).select_related("facility")


def claims_of_transfers(user: Any, transfers: list[PaymentTransfer]) -> dict[str, Claim]:
    """The claim behind each transfer, by the customer code the file carries (its pk); a
    failed transfer's claim has left it for the queue, so the link is by that code."""
    ids = [int(t.customer_code) for t in transfers if t.customer_code.isdigit()]
    return {str(c.pk): c for c in claims_for(user).filter(pk__in=ids)}


def waiting_for_batch(user: Any) -> dict[str, int]:
    """The approved claims the next batch will take: how many, and how much."""
    rows = Claim.objects.visible_to(user).filter(status=ClaimStatus.APPROVED)
    totals = rows.aggregate(count=Count("pk"), total=Sum("approved_amount"))
    return {"count": totals["count"] or 0, "total": totals["total"] or 0}


def steps_of(claim: Claim) -> list[ClaimStep]:
    return list(ClaimStep.unscoped.filter(claim=claim).select_related("by"))


def documents_of(claim: Claim) -> list[ClaimDocument]:
    return list(ClaimDocument.unscoped.filter(claim=claim).select_related("document"))
