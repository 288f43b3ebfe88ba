"""Letters to the member (PAY-5): acknowledgement, request for information, decision (with
the calculation lines) and payment notice — PDF in Japanese with the font embedded, and e-mail
with the PDF attached."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medcyber.core.pdf import render_pdf
from medcyber.registry.models import FacilityManagement

from . import rules, services
from .models import Claim, ClaimStatus, ClaimStep

TITLES = {
    "acknowledgement": gettext_lazy("一時支援金 申請受付のお知らせ"),
    "information": gettext_lazy("一時支援金 追加資料のお願い"),
    "decision": gettext_lazy("一時支援金 決定通知書"),
    "payment": gettext_lazy("一時支援金 お支払いのお知らせ"),
}


def available(claim: Claim) -> list[str]:
    """The letters the claim's history calls for, in the order they are sent."""
    actions = set(ClaimStep.unscoped.filter(claim=claim).values_list("action", flat=True))
    out = ["acknowledgement"]
    if ClaimStep.Action.INFO_REQUESTED in actions:
        out.append("information")
    if claim.decided_at is not None:
        out.append("decision")
    if claim.status == ClaimStatus.PAID:
        out.append("payment")
    return out


def context(claim: Claim, which: str) -> dict[str, Any]:
    last_request = (
        ClaimStep.unscoped.filter(claim=claim, action=ClaimStep.Action.INFO_REQUESTED)
        .order_by("-at", "-pk")
        .first()
    )
    paid = ClaimStep.unscoped.filter(claim=claim, action=ClaimStep.Action.PAID).first()
    quote = services.quote_for(claim.facts())
    return {
        "claim": claim,
        "which": which,
        "title": TITLES[which],
        "today": rules.japanese_date(timezone.localdate()),
        "submitted_on": rules.japanese_date(timezone.localdate(claim.submitted_at)),
        "occurred_on": rules.japanese_date(claim.occurred_on),
        "quote": quote,
        "lines": [(line.label_ja, rules.yen(line.amount)) for line in quote.lines],
        "approved": rules.yen(claim.approved_amount or 0),
        "request": last_request.reason if last_request else "",
        "paid_on": rules.japanese_date(timezone.localdate(paid.at)) if paid else "",
        "transfer_date": (
            rules.japanese_date(claim.transfer.batch.transfer_date) if claim.transfer else ""
        ),
        "addressee": addressee(claim),
    }


def addressee(claim: Claim) -> str:
    management = (
        FacilityManagement.unscoped.filter(facility_id=claim.facility_id)
        .select_related("member")
        .order_by("-valid_from")
        .first()
    )
    if management is not None:
        return _("%(facility)s %(member)s 様") % {
            "facility": claim.facility.name,
            "member": management.member,
        }
    return _("%(facility)s 御中") % {"facility": claim.facility.name}


def pdf(claim: Claim, which: str) -> bytes:
    if which not in available(claim):
        raise ValueError(which)
    return render_pdf("claims/pdf/letter.html", context(claim, which))


def recipients(claim: Claim) -> list[str]:
    """The person who submitted the claim and the facility's founder/manager of record."""
    emails = []
    if claim.submitted_by is not None and claim.submitted_by.email:
        emails.append(claim.submitted_by.email)
    management = (
        FacilityManagement.unscoped.filter(facility_id=claim.facility_id)
        .select_related("member")
        .order_by("-valid_from")
        .first()
    )
    if management is not None and management.member.email:
        emails.append(management.member.email)
    return list(dict.fromkeys(emails))


def send(claim: Claim, which: str) -> int:
    """E-mail the letter with its PDF; the number of messages sent (0 without an address)."""
    to = recipients(claim)
    if not to:
        return 0
    values = context(claim, which)
    body = _(
        "%(addressee)s\n\n%(title)s（%(number)s）をお送りします。添付のPDFをご確認ください。\n"
        "申請の状況は medcyber の「支援金の申請」でもご覧いただけます。\n"
    ) % {"addressee": values["addressee"], "title": values["title"], "number": claim.number}
    message = EmailMessage(
        subject=f"{values['title']}（{claim.number}）",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach(f"{claim.number}-{which}.pdf", pdf(claim, which), "application/pdf")
    return message.send()
