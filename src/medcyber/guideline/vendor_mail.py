"""The vendor's link by e-mail: the facility asks, the task worker sends it in Japanese, the
sending is recorded on the request and in the audit trail."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from medcyber.core import audit
from medcyber.core.documents import crypto

from . import rules
from .models import VendorRequest
from .services import _token_hash

logger = logging.getLogger(__name__)


def send_vendor_link(request_id: int, sealed_token: str, *, now: dt.datetime) -> bool:
    """Send the link unless the request was revoked or expired meanwhile; ``True`` if sent."""
    request = (
        VendorRequest.unscoped.select_related("assessment__facility", "assessment__version")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not request.vendor_email:
        return False
    if request.revoked_at is not None or request.expires_at <= now:
        return False
    token = crypto.decrypt(sealed_token.encode()).decode()
    if _token_hash(token) != request.token_hash:
        logger.error("vendor link %s: the sealed secret does not match the request", request_id)
        return False
    part = request.assessment
    with translation.override("ja"):
        context = {
            "facility_name": part.facility.name,
            "vendor_name": part.vendor_name,
            "year_label": rules.fiscal_year_label(part.fiscal_year),
            "expires_at": timezone.localtime(request.expires_at),
            "url": settings.MEDCYBER_BASE_URL.rstrip("/")
            + reverse("guideline:vendor_fill", kwargs={"token": token}),
        }
        subject = render_to_string("guideline/email/vendor_link_subject.txt", context).strip()
        body = render_to_string("guideline/email/vendor_link.txt", context)
    send_mail(subject, body, None, [request.vendor_email])
    with transaction.atomic():
        request.emailed_at = now
        request.save()
        audit.record(
            "update",
            "guideline.vendor_link.email",
            request,
            changes={"to": request.vendor_email},
        )
    return True
