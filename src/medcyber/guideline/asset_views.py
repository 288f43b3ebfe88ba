"""One asset at a time: register, edit, take off the register (each change audited by the
model). The register as a whole and its file import are in :mod:`.views`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medcyber.registry.models import Facility

from . import queries, services
from .forms import AssetForm
from .models import Asset, KevFinding
from .views import _facility


def _editable_facility(request: HttpRequest, pk: int) -> Facility:
    facility = _facility(request, pk)
    if not queries.may_edit(request.user):
        raise PermissionDenied
    return facility


def _asset(request: HttpRequest, facility: Facility, asset_pk: int) -> Asset:
    asset = (
        Asset.objects.visible_to(request.user)
        .filter(pk=asset_pk, facility=facility, retired_on__isnull=True)
        .first()
    )
    if asset is None:
        raise Http404
    return asset


def _save(request: HttpRequest, form: AssetForm, facility: Facility) -> Asset | None:
    if not form.is_valid():
        return None
    asset = form.save(commit=False)
    asset.facility = facility
    try:
        return services.save_asset(asset=asset, by=request.user)
    except services.AssetInvalid as error:
        form.add_error("name", str(error))
        return None


def _render(
    request: HttpRequest, facility: Facility, form: AssetForm, asset: Asset | None
) -> HttpResponse:
    findings = (
        KevFinding.objects.visible_to(request.user).filter(asset=asset).select_related("entry")
        if asset is not None
        else []
    )
    return render(
        request,
        "guideline/asset_form.html",
        {"facility": facility, "form": form, "asset": asset, "findings": findings},
    )


@login_required
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _editable_facility(request, pk)
    form = AssetForm(request.POST or None)
    if request.method == "POST":
        asset = _save(request, form, facility)
        if asset is not None:
            return _saved(request, asset, _("資産を登録しました。"))
    return _render(request, facility, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, pk: int, asset_pk: int) -> HttpResponse:
    facility = _editable_facility(request, pk)
    asset = _asset(request, facility, asset_pk)
    form = AssetForm(request.POST or None, instance=asset)
    if request.method == "POST":
        saved = _save(request, form, facility)
        if saved is not None:
            return _saved(request, saved, _("資産を更新しました。"))
    return _render(request, facility, form, asset)


@login_required
@require_POST
def asset_retire(request: HttpRequest, pk: int, asset_pk: int) -> HttpResponse:
    facility = _editable_facility(request, pk)
    asset = _asset(request, facility, asset_pk)
    try:
        services.retire_asset(asset=asset, on=timezone.localdate(), by=request.user)
    except services.AssetInvalid as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("「%(name)s」を資産台帳から外しました。") % {"name": asset.name}
        )
    return redirect("guideline:asset_list", pk=facility.pk)


def _saved(request: HttpRequest, asset: Asset, text: str) -> HttpResponse:
    """Back to the register; a warning found for the device is said at once."""
    messages.success(request, text)
    open_count = KevFinding.unscoped.filter(asset=asset, status=KevFinding.Status.OPEN).count()
    if open_count:
        messages.warning(
            request,
            _("この機器には悪用が確認された脆弱性が%(n)d件あります。警告を確認してください。")
            % {"n": open_count},
        )
    return redirect("guideline:asset_list", pk=asset.facility_id)
