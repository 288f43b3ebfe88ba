"""“Ask the desk about this item” (pillar 4's consultation, GL-4): a question about one
checklist item becomes a desk case in the guideline category, opened through the desk's own
intake (:func:`medcyber.desk.services.open_case`, as a web case: SLA clocks, out-of-hours
acknowledgement and timeline come with it). The link item ↔ case is kept here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medcyber.desk import services as desk_services
from medcyber.desk.choices import Category, Channel, PatientData, Severity
from medcyber.registry.queries import current_manager

from . import rules
from .models import Answer, Assessment, ChecklistItem, ItemQuestion

#: Longest summary the desk keeps (its ``Case.summary``).
SUMMARY_LENGTH = 200


class QuestionInvalid(Exception):
    """The question cannot be sent; ``str(error)`` is for the person."""


def case_summary(item: ChecklistItem, fiscal_year: int) -> str:
    text = _("【%(year)s チェックリスト %(number)s】%(text)s") % {
        "year": rules.fiscal_year_label(fiscal_year),
        "number": item.number,
        "text": item.text,
    }
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def case_description(item: ChecklistItem, assessment: Assessment, question: str) -> str:
    """The question, then the item as the facility sees it, so the desk needs no second look."""
    answer = Answer.unscoped.filter(assessment=assessment, item=item).first()
    lines = [
        question.strip(),
        "",
        "---",
        _("チェックリスト: %(title)s") % {"title": assessment.version.title},
        _("項番: %(number)s（項目ID: %(key)s）") % {"number": item.number, "key": item.key},
        _("確認事項: %(text)s") % {"text": item.text},
        _("現在の回答: %(value)s")
        % {"value": answer.get_value_display() if answer and answer.value else _("未回答")},
    ]
    return "\n".join(lines)


def ask_desk(
    *,
    assessment: Assessment,
    item: ChecklistItem,
    question: str,
    by: Any,
    caller_phone: str = "",
    now: dt.datetime,
) -> ItemQuestion:
    """Open a guideline case at the desk about ``item`` for the assessment's facility and
    remember which item it is about; the case and the link are written together or not at
    all."""
    if not question.strip():
        raise QuestionInvalid(_("質問の内容を入れてください。"))
    if item.version_id != assessment.version_id:
        raise QuestionInvalid(_("この版にない項目です。"))
    facility = assessment.facility
    management = current_manager(facility)
    with transaction.atomic():
        case = desk_services.open_case(
            by=by,
            channel=Channel.WEB,
            category=Category.GUIDELINE,
            severity=Severity.LOW,
            patient_data=PatientData.NO,
            summary=case_summary(item, assessment.fiscal_year),
            description=case_description(item, assessment, question),
            facility=facility,
            member=management.member if management is not None else None,
            caller_name=str(by),
            caller_phone=caller_phone,
            caller_email=getattr(by, "email", "") or "",
            now=now,
        )
        link = ItemQuestion(assessment=assessment, item=item, case=case, asked_by=by)
        link.save()
    return link


def questions_by_item(user: Any, assessment: Assessment | None) -> dict[int, list[ItemQuestion]]:
    """The assessment's questions per item id, newest first, with their cases' status."""
    if assessment is None:
        return {}
    out: dict[int, list[ItemQuestion]] = {}
    for question in (
        ItemQuestion.objects.visible_to(user).filter(assessment=assessment).select_related("case")
    ):
        out.setdefault(question.item_id, []).append(question)
    return out
