"""Members' and facility staff's side of the desk: write in, follow a case, reply (DESK-1).

Programme staff use the operators' screens instead and are refused here (403); a member
asking for another facility's case gets 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medcyber.core.documents import DocumentRejected
from medcyber.registry.queries import facilities_for

from . import queries, services
from .choices import Channel, Status
from .forms import TextForm, WebIntakeForm
from .guidance import GUIDANCE, guidance_for
from .models import Case


def _require_tenant(user: Any) -> None:
    if user.is_programme_staff:
        raise PermissionDenied


def _case(request: HttpRequest, pk: int) -> Case:
    _require_tenant(request.user)
    try:
        return queries.case_for(request.user, pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _opening_text(case: Case) -> str:
    opens = timezone.localtime(services.next_opening(case.received_at))
    return _("ただいま受付時間外です。相談窓口は %(date)s %(time)s から対応します。") % {
        "date": formats.date_format(opens, "DATE_FORMAT"),
        "time": opens.strftime("%H:%M"),
    }


@require_GET
@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    _require_tenant(request.user)
    cases = list(queries.my_cases(request.user)[:200])
    return render(request, "desk/member/my_cases.html", {"cases": cases})


@require_http_methods(["GET", "POST"])
@login_required
def web_intake(request: HttpRequest) -> HttpResponse:
    _require_tenant(request.user)
    facilities = list(facilities_for(request.user))
    form = WebIntakeForm(request.POST or None, request.FILES or None, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        facility = next((f for f in facilities if f.pk == data["facility"]), None)
        if facilities and facility is None:
            form.add_error("facility", _("施設を選んでください。"))
        else:
            now = timezone.now()
            case = services.open_case(
                by=request.user,
                channel=Channel.WEB,
                facility=facility,
                caller_name=str(request.user),
                caller_phone=data["caller_phone"],
                caller_email=getattr(request.user, "email", ""),
                category=data["category"],
                severity=data["severity"],
                patient_data=data["patient_data"],
                summary=data["summary"],
                description=data["description"],
                now=now,
            )
            try:
                services.attach_files(case, by=request.user, files=data["attachments"], now=now)
            except DocumentRejected as exc:
                messages.error(
                    request,
                    _("添付ファイルを受け付けられませんでした: %(reason)s") % {"reason": exc},
                )
            messages.success(
                request,
                _("ご相談を受け付けました（受付番号 %(ref)s）。確認のメールをお送りします。")
                % {"ref": case.reference},
            )
            return redirect("desk:my_case", pk=case.pk)
    context = {"form": form, "guidance": GUIDANCE, "has_facilities": bool(facilities)}
    return render(request, "desk/member/web_intake.html", context)


@require_GET
@login_required
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    waiting = case.status == Status.NEW and case.out_of_hours
    context = {
        "case": case,
        "events": list(queries.timeline(request.user, case)),
        "attachments": list(queries.attachments(case)),
        "guidance": guidance_for(case.category),
        "opening_text": _opening_text(case) if waiting else "",
        "reply_form": TextForm(initial={"version": case.version}),
    }
    return render(request, "desk/member/my_case.html", context)


@require_POST
@login_required
def my_case_reply(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            services.send_message(
                case,
                by=request.user,
                text=form.cleaned_data["text"],
                version=None,  # a member's reply never overwrites anything
                now=timezone.now(),
            )
            messages.success(request, _("メッセージを送りました。"))
        except services.CaseError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("メッセージを入力してください。"))
    return redirect("desk:my_case", pk=case.pk)
