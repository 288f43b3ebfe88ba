"""Public tracking endpoints of training mail, reached only through per-recipient tokens.

The imitation login form's submission is never read: the view below does not touch
``request.POST`` or ``request.body`` (CSRF is exempted so that no middleware parses the body
either), and the form's inputs carry no ``name``, so a browser sends none of what was typed.
"""

from __future__ import annotations

import base64

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import reports, rules, tracking
from .models import Message, TrackingKind

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _message(token: str) -> Message:
    message = tracking.message_for_token(token)
    if message is None:
        raise Http404
    return message


@never_cache
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    tracking.record_open(token)
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
def click(request: HttpRequest, token: str) -> HttpResponse:
    message = _message(token)
    tracking.record_hit(message, TrackingKind.CLICKED)
    if message.campaign.template.has_login_form:
        return render(
            request,
            "training/track/login.html",
            {"message": message, "template": message.campaign.template},
        )
    return HttpResponseRedirect(reverse("training:learn", args=[token]))


@csrf_exempt
@never_cache
@require_http_methods(["POST"])
def submit(request: HttpRequest, token: str) -> HttpResponse:
    # Deliberately no access to request.POST, request.FILES or request.body.
    message = _message(token)
    tracking.record_hit(message, TrackingKind.SUBMITTED)
    return HttpResponseRedirect(reverse("training:learn", args=[token]))


@never_cache
def learn(request: HttpRequest, token: str) -> HttpResponse:
    message = _message(token)
    template = message.campaign.template
    values = {
        "recipient_name": message.recipient.name,
        "facility_name": message.campaign.facility.name,
        "department": message.recipient.department,
        "today": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "link": f"[{template.link_label}]",
    }
    return render(
        request,
        "training/track/learn.html",
        {
            "message": message,
            "template": template,
            "subject": rules.render(template.subject, values),
            "body": rules.render(template.body_text, values),
            "submitted": message.submitted_at is not None,
            "report_address": reports.report_address(message.campaign.facility_id),
        },
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    message = _message(token)
    if request.method == "POST":
        tracking.record_hit(message, TrackingKind.REPORTED)
        return render(request, "training/track/reported.html", {"message": message})
    return render(request, "training/track/report_confirm.html", {"message": message})
