"""The association's decision on a proposed KEV alert: publish it on the portal, or set it
aside. Only the portal's content editors (and association admins) decide, as on the portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medcyber.portal.audience import may_edit as may_publish

from .kev_alerts import ProposalInvalid, dismiss_proposal, publish_proposal
from .models import KevAlertProposal


@login_required
@require_POST
def kev_alert_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if not may_publish(request.user):
        raise PermissionDenied
    proposal = KevAlertProposal.objects.select_related("entry").filter(pk=pk).first()
    if proposal is None or action not in ("publish", "dismiss"):
        raise Http404
    try:
        if action == "publish":
            publish_proposal(proposal=proposal, by=request.user, now=timezone.now())
            messages.success(
                request,
                _(
                    "ポータルに緊急のお知らせとして掲載しました。施設管理者へのメールは順に送られます。"
                ),
            )
        else:
            dismiss_proposal(proposal=proposal, by=request.user, now=timezone.now())
            messages.success(request, _("この提案を見送りました。"))
    except ProposalInvalid as error:
        messages.error(request, str(error))
    return redirect(reverse("guideline:overview") + "#kev-title")
