"""E-mails of the desk, sent by the task worker (in Japanese)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from . import queries, rules
from .models import Case


def _recipient(case: Case) -> str:
    if case.caller_email:
        return str(case.caller_email)
    if case.reported_by is not None:
        return str(case.reported_by.email)
    return ""


@task()
def send_acknowledgement(case_id: int) -> bool:
    """Tell the member their case was received and, out of hours, when the desk opens."""
    case = Case.unscoped.select_related("reported_by").get(pk=case_id)
    to = _recipient(case)
    if not to:
        return False
    schedule = queries.desk_schedule(case.received_at)
    with translation.override("ja"):
        context = {
            "case": case,
            "opens_at": timezone.localtime(rules.next_opening(schedule, case.received_at)),
            "url": settings.MEDCYBER_BASE_URL + reverse("desk:my_case", kwargs={"pk": case.pk}),
        }
        subject = render_to_string("desk/email/acknowledgement_subject.txt", context).strip()
        body = render_to_string("desk/email/acknowledgement.txt", context)
    send_mail(subject, body, None, [to])
    return True


@task()
def notify_assignee(case_id: int) -> bool:
    """Tell an operator a case was given to them."""
    case = Case.unscoped.select_related("assignee").get(pk=case_id)
    if case.assignee is None or not case.assignee.email:
        return False
    with translation.override("ja"):
        context = {
            "case": case,
            "url": settings.MEDCYBER_BASE_URL + reverse("desk:case", kwargs={"pk": case.pk}),
        }
        subject = render_to_string("desk/email/assigned_subject.txt", context).strip()
        body = render_to_string("desk/email/assigned.txt", context)
    send_mail(subject, body, None, [case.assignee.email])
    return True
