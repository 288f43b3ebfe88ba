"""The training screens of facility administrators and association staff (TRAIN-1, TRAIN-3)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from medcyber.core import audit
from medcyber.core.documents import DocumentRejected
from medcyber.core.pdf import pdf_response

from . import charts, exports, queries, reports, rules, services
from .access import is_training_staff, may_use_training
from .forms import (
    ApprovedAddressForm,
    CampaignForm,
    DomainForm,
    GroupForm,
    RecipientFileForm,
    TemplateForm,
)
from .models import Campaign, MailTemplate, Recipient, RecipientGroup, VerifiedDomain

View = Callable[..., HttpResponse | StreamingHttpResponse]


def training_view(view: View) -> View:
    """Signed in, and running training for at least one facility (or association staff)."""

    @login_required
    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse | StreamingHttpResponse:
        if not may_use_training(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    try:
        return queries.campaign_for(request.user, pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


@training_view
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/staff/campaign_list.html",
        {"campaigns": queries.campaigns_for(request.user)},
    )


@training_view
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.create_campaign(
                facility=data["group"].facility, by=request.user, **data
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("訓練を下書きとして作成しました。"))
            return redirect("training:campaign_detail", pk=campaign.pk)
    return render(request, "training/staff/campaign_form.html", {"form": form})


@training_view
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    results = queries.campaign_results(campaign)
    return render(
        request,
        "training/staff/campaign_detail.html",
        {
            "campaign": campaign,
            "results": results,
            "average": queries.programme_average(),
            "average_min": queries.AVERAGE_MIN_FACILITIES,
            "history": queries.facility_history(campaign),
            "repeat_clickers": queries.repeat_clickers(campaign),
            "may_approve": services.may_approve(campaign, request.user),
            "report_address": reports.report_address(campaign.facility_id),
            "funnel_chart": charts.funnel_svg(results.funnel),
            "timeline_chart": charts.timeline_svg(results.timeline),
        },
    )


@training_view
def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's results as a printable PDF (scoped like the results page; the
    download is recorded, as the CSV and Excel exports are)."""
    campaign = _campaign(request, pk)
    results = queries.campaign_results(campaign)
    audit.record("view", "training.campaign.report", campaign, changes={"format": "pdf"})
    return pdf_response(
        "training/pdf/campaign_report.html",
        {
            "campaign": campaign,
            "results": results,
            "funnel_chart": charts.funnel_svg(results.funnel),
            "timeline_chart": charts.timeline_svg(results.timeline),
            "printed_on": timezone.localdate(),
        },
        filename=f"training-report-{campaign.pk}.pdf",
        request=request,
    )


ACTIONS: dict[str, Callable[..., Campaign]] = {
    "submit": services.submit_for_approval,
    "withdraw": services.withdraw,
    "approve": services.approve,
    "pause": services.pause,
    "resume": services.resume,
    "cancel": services.cancel,
}
DONE = {
    "submit": gettext_lazy("承認を依頼しました。"),
    "withdraw": gettext_lazy("承認の依頼を取り下げました。"),
    "approve": gettext_lazy("承認しました。送信期間になると送信が始まります。"),
    "pause": gettext_lazy("送信を一時停止しました。"),
    "resume": gettext_lazy("送信を再開しました。"),
    "cancel": gettext_lazy("訓練を中止しました。"),
}


@training_view
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](campaign=campaign, by=request.user)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(DONE[action]))
    return redirect("training:campaign_detail", pk=campaign.pk)


@training_view
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.create_group(
            facility=form.cleaned_data["facility"], name=form.cleaned_data["name"], by=request.user
        )
        return redirect("training:group_detail", pk=group.pk)
    return render(
        request,
        "training/staff/group_list.html",
        {"groups": queries.groups_for(request.user), "form": form},
    )


@training_view
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        group = queries.group_for(request.user, pk)
    except RecipientGroup.DoesNotExist:
        raise Http404 from None
    form = RecipientFileForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.import_recipients_upload(
                group=group, upload=form.cleaned_data["file"], by=request.user
            )
        except DocumentRejected as error:
            form.add_error("file", str(error))
        else:
            if report.ok:
                messages.success(
                    request,
                    _("%(created)d名を追加し、%(updated)d名を更新しました。")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("training:group_detail", pk=group.pk)
    recipients = list(Recipient.unscoped.filter(group=group)[:500])
    audit.record_list_view(Recipient, [r.pk for r in recipients])
    return render(
        request,
        "training/staff/group_detail.html",
        {"group": group, "recipients": recipients, "form": form, "report": report},
    )


@training_view
def domain_list(request: HttpRequest) -> HttpResponse:
    domain_form = DomainForm(
        request.POST if "add_domain" in request.POST else None, user=request.user, prefix="domain"
    )
    address_form = ApprovedAddressForm(
        request.POST if "add_address" in request.POST else None, user=request.user, prefix="address"
    )
    for form, add in (
        (domain_form, services.add_domain),
        (address_form, services.approve_address),
    ):
        if form.is_bound and form.is_valid():
            field = "domain" if form is domain_form else "email"
            try:
                add(
                    facility=form.cleaned_data["facility"],
                    by=request.user,
                    **{field: form.cleaned_data["name"]},
                )
            except services.TrainingError as error:
                form.add_error(None, str(error))
            else:
                return redirect("training:domain_list")
    return render(
        request,
        "training/staff/domain_list.html",
        {
            "domains": queries.domains_for(request.user),
            "addresses": queries.approved_addresses_for(request.user),
            "domain_form": domain_form,
            "address_form": address_form,
            "is_training_staff": is_training_staff(request.user),
        },
    )


@training_view
@require_POST
def domain_verify(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        domain = queries.domains_for(request.user).get(pk=pk)
    except VerifiedDomain.DoesNotExist:
        raise Http404 from None
    try:
        services.verify_domain(domain=domain, by=request.user)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("ドメインを確認しました。"))
    return redirect("training:domain_list")


@training_view
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/staff/template_list.html",
        {"templates": queries.templates_for(request.user)},
    )


def _template(request: HttpRequest, pk: int, *, own: bool = False) -> MailTemplate:
    """A template the user may see; with ``own``, only one of their facilities' (the library
    is read-only, so editing it is "not found" like another facility's)."""
    qs = queries.templates_for(request.user)
    if own:
        qs = qs.filter(facility__isnull=False)
    try:
        return qs.get(pk=pk)
    except MailTemplate.DoesNotExist:
        raise Http404 from None


def _preview(template: MailTemplate) -> dict[str, str]:
    """The template filled with sample values, as a recipient would read it."""
    values = {
        "recipient_name": _("山田 花子"),
        "facility_name": template.facility.name if template.facility else _("○○クリニック"),
        "department": _("受付"),
        "today": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "link": "https://example.invalid/t/l/…/",
    }
    return {
        "subject": rules.render(template.subject, values),
        "body": rules.render(template.body_text, values),
    }


@training_view
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    return render(
        request,
        "training/staff/template_detail.html",
        {
            "template": template,
            "preview": _preview(template),
            "may_edit": template.facility_id is not None,
        },
    )


@training_view
def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@training_view
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _template_form(request, _template(request, pk, own=True))


def _template_form(request: HttpRequest, template: MailTemplate | None) -> HttpResponse:
    form = TemplateForm(request.POST or None, instance=template, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if template is None:
                saved = services.create_template(
                    facility=form.cleaned_data["facility"],
                    by=request.user,
                    **form.service_values(),
                )
            else:
                saved = services.update_template(
                    template=template, by=request.user, **form.service_values()
                )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("テンプレートを保存しました。"))
            return redirect("training:template_detail", pk=saved.pk)
    return render(
        request, "training/staff/template_form.html", {"form": form, "template": template}
    )


@training_view
def campaign_export(
    request: HttpRequest, pk: int, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    campaign = _campaign(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    audit.record("view", "training.campaign.export", campaign, changes={"format": fmt})
    return exports.response(campaign, fmt)
