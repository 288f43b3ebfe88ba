"""Background tasks of the portal: e-mailing an urgent alert to facility administrators."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from medcyber.core import audit

from .models import Alert


def facility_admin_addresses() -> list[str]:
    """The e-mail addresses of every facility's current administrators, once each."""
    from medcyber.registry.choices import FacilityStaffRole
    from medcyber.registry.models import FacilityStaff

    emails = (
        FacilityStaff.unscoped.current(timezone.localdate())
        .filter(role=FacilityStaffRole.ADMIN, user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
        .distinct()
    )
    return [email for email in emails if email]


@task()
def email_alert(alert_id: int) -> int:
    """Send the alert to every facility administrator (one message each, so no address is
    shown to another); returns how many were sent. A second run sends nothing."""
    alert = Alert.objects.get(pk=alert_id)
    if alert.emailed_at is not None or alert.is_draft:
        return 0
    addresses = facility_admin_addresses()
    with override(settings.LANGUAGE_CODE):
        subject = _("【緊急】%(title)s") % {"title": alert.title}
        body = render_to_string(
            "portal/email/alert.txt", {"alert": alert, "base_url": settings.MEDCYBER_BASE_URL}
        )
    with get_connection() as connection:
        messages = [
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            for address in addresses
        ]
        sent = connection.send_messages(messages) or 0
    alert.emailed_at = timezone.now()
    alert.emailed_count = sent
    alert.save(update_fields=["emailed_at", "emailed_count"])
    audit.record("change", "portal.alert.emailed", alert, changes={"recipients": sent})
    return sent
