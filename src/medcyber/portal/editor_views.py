"""The content editors' screens: list, write (draft, preview, save), review, publish,
unpublish, versions, and urgent alerts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medcyber.core.documents import DocumentRejected

from . import markdown, queries, services
from .audience import may_edit
from .forms import AlertForm, ImageForm, ItemForm, PublishForm
from .models import Alert, ContentItem, ContentKind


def editor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_edit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _item(pk: int) -> ContentItem:
    try:
        return ContentItem.objects.select_related("pdf", "category").get(pk=pk)
    except ContentItem.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET"])
@editor_required
def item_list(request: HttpRequest) -> HttpResponse:
    items = ContentItem.objects.select_related("category", "updated_by").order_by("-updated_at")
    return render(request, "portal/editor/item_list.html", {"items": items[:200]})


def _edit(request: HttpRequest, item: ContentItem | None, kind: str) -> HttpResponse:
    context: dict[str, Any] = {"item": item}
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, instance=item)
        if form.is_valid():
            if request.POST.get("action") == "preview":
                context["preview_html"] = markdown.render(form.cleaned_data["body"])
            else:
                saved = _save(request, form, item, context)
                if saved is not None:
                    return redirect("portal:editor_edit", pk=saved.pk)
    else:
        form = ItemForm(instance=item, initial={} if item else {"kind": kind})
    context["form"] = form
    context["publish_form"] = PublishForm()
    if item is not None:
        context["image_form"] = ImageForm()
        context["images"] = list(item.images.select_related("document"))
    return render(request, "portal/editor/item_form.html", context)


def _save(
    request: HttpRequest, form: ItemForm, item: ContentItem | None, context: dict[str, Any]
) -> ContentItem | None:
    try:
        saved = services.save_item(
            item=item,
            by=request.user,
            values=form.values(),
            tags=form.tags(),
            base_version=form.cleaned_data.get("version"),
        )
    except services.EditConflict as conflict:
        form.add_error(None, str(conflict))
        context["conflict"] = conflict.current
        return None
    if upload := form.cleaned_data.get("pdf_file"):
        try:
            saved = services.attach_pdf(item=saved, by=request.user, file=upload)
        except DocumentRejected as rejected:
            messages.error(
                request,
                _("PDFファイルを登録できませんでした：%(reason)s") % {"reason": str(rejected)},
            )
            return saved
    messages.success(request, _("保存しました（第%(version)s版）。") % {"version": saved.version})
    return saved


@require_http_methods(["GET", "POST"])
@editor_required
def item_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ContentKind.values:
        raise Http404
    return _edit(request, None, kind)


@require_http_methods(["GET", "POST"])
@editor_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    return _edit(request, item, item.kind)


@require_POST
@editor_required
def image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an image to an item; the message gives the Markdown to paste into the body."""
    item = _item(pk)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("portal:editor_edit", pk=item.pk)
    try:
        image = services.attach_image(
            item=item,
            by=request.user,
            file=form.cleaned_data["image_file"],
            alt_text=form.cleaned_data["alt_text"],
        )
    except (DocumentRejected, services.PortalError) as refused:
        messages.error(
            request, _("画像を登録できませんでした：%(reason)s") % {"reason": str(refused)}
        )
    else:
        messages.success(
            request,
            _("画像を登録しました。本文に次の1行を貼り付けてください：%(markdown)s")
            % {"markdown": image.markdown},
        )
    return redirect("portal:editor_edit", pk=item.pk)


ACTIONS = {"review", "approve", "publish", "unpublish"}


@require_POST
@editor_required
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = _item(pk)
    if action not in ACTIONS:
        raise Http404
    try:
        if action == "review":
            services.request_review(item=item, by=request.user)
            messages.success(request, _("確認を依頼しました。"))
        elif action == "unpublish":
            services.unpublish(item=item, by=request.user)
            messages.success(request, _("公開を停止しました。"))
        else:
            form = PublishForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, str(error))
                return redirect("portal:editor_edit", pk=item.pk)
            publish = services.approve if action == "approve" else services.publish
            item = publish(item=item, by=request.user, at=form.cleaned_data["publish_at"])
            if action == "approve":
                messages.success(request, _("承認しました。"))
            if item.is_scheduled:
                messages.success(request, _("公開を予約しました。"))
            else:
                messages.success(request, _("公開しました。"))
    except services.PortalError as refused:
        messages.error(request, str(refused))
    return redirect("portal:editor_edit", pk=item.pk)


@require_http_methods(["GET"])
@editor_required
def item_versions(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    versions = item.versions.select_related("saved_by").all()
    return render(request, "portal/editor/item_versions.html", {"item": item, "versions": versions})


@require_http_methods(["GET", "POST"])
@editor_required
def alert_new(request: HttpRequest) -> HttpResponse:
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_alert(by=request.user, **form.cleaned_data)
        except services.PortalError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("緊急のお知らせを掲載しました。施設管理者へのメールは順に送られます。")
            )
            return redirect("portal:alert_list")
    return render(request, "portal/editor/alert_form.html", {"form": form})


@require_http_methods(["GET"])
@editor_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """Drafts, showing, scheduled and recently ended alerts, with their periods."""
    return render(request, "portal/editor/alert_list.html", {"groups": queries.alerts_for_staff()})


def _alert(pk: int) -> Alert:
    try:
        return Alert.objects.get(pk=pk)
    except Alert.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@editor_required
def alert_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff check a draft alert (e.g. made from the vulnerability catalogue), edit it and
    publish it."""
    alert = _alert(pk)
    if not alert.is_draft:
        return redirect("portal:alert_list")
    form = AlertForm(request.POST or None, instance=alert)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_alert_draft(alert=alert, by=request.user, **form.cleaned_data)
        except services.PortalError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("緊急のお知らせを掲載しました。施設管理者へのメールは順に送られます。")
            )
            return redirect("portal:alert_list")
    return render(request, "portal/editor/alert_form.html", {"form": form, "draft": alert})


@require_POST
@editor_required
def alert_end(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.end_alert(alert=_alert(pk), by=request.user)
    except services.PortalError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("緊急のお知らせの表示を終了しました。"))
    return redirect("portal:alert_list")
