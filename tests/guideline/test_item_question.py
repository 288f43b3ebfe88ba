"""A clinic asks the desk about one checklist item: a guideline case opens at the desk, tied to
the item, and the clinic sees the case's status beside the item; staff answer at the desk."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.desk import services as desk_services
from medcyber.desk.choices import Status
from medcyber.desk.models import Case
from medcyber.guideline.models import ChecklistItem, ItemQuestion
from medcyber.guideline.questions import QuestionInvalid, ask_desk
from tests import factories
from tests.guideline.factories import assessment_for

pytestmark = pytest.mark.django_db

URL_ARGS = ("institution", 2025, "cyber-bcp")


def test_a_question_opens_a_guideline_case_linked_to_the_item(client: Any) -> None:
    user, member, facility = factories.member_with_facility()
    assessment_for(facility, has_medical_system=True)
    client.force_login(user)
    url = reverse("guideline:item_question", args=[facility.pk, *URL_ARGS])
    page = client.get(url)
    assert page.status_code == 200
    assert "この項目について相談窓口に質問する" in page.content.decode()

    response = client.post(url, {"question": "BCPの雛形はありますか。"})
    assert response.status_code == 302
    assert response["Location"].endswith("#item-cyber-bcp")
    question = ItemQuestion.unscoped.select_related("case", "item").get()
    case = question.case
    assert question.item.key == "cyber-bcp"
    assert case.category == "guideline" and case.channel == "web"
    assert case.facility == facility and case.member == member
    assert case.summary.startswith("【2025年度（令和7年度） チェックリスト")
    assert "BCPの雛形はありますか。" in case.description
    assert "項目ID: cyber-bcp" in case.description

    checklist = client.get(reverse("guideline:assessment", args=[facility.pk, "institution", 2025]))
    body = checklist.content.decode()
    assert case.reference in body and "新規" in body


def test_the_facility_sees_the_desk_moving_the_case(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    assessment = assessment_for(facility, has_medical_system=True)
    item = ChecklistItem.objects.get(version=assessment.version, key="cyber-bcp")
    question = ask_desk(
        assessment=assessment, item=item, question="質問", by=user, now=timezone.now()
    )
    operator = factories.staff_user(Role.DESK_TIER1)
    desk_services.change_status(
        question.case,
        by=operator,
        status=Status.IN_PROGRESS,
        version=None,
        now=timezone.now(),
    )
    client.force_login(user)
    body = client.get(
        reverse("guideline:assessment", args=[facility.pk, "institution", 2025])
    ).content.decode()
    assert "対応中" in body


def test_an_empty_question_opens_nothing(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    assessment = assessment_for(facility, has_medical_system=True)
    item = ChecklistItem.objects.get(version=assessment.version, key="cyber-bcp")
    with pytest.raises(QuestionInvalid):
        ask_desk(assessment=assessment, item=item, question="  ", by=user, now=timezone.now())
    client.force_login(user)
    url = reverse("guideline:item_question", args=[facility.pk, *URL_ARGS])
    response = client.post(url, {"question": ""})
    assert response.status_code == 200
    assert not Case.unscoped.exists() and not ItemQuestion.unscoped.exists()


def test_staff_and_other_facilities_cannot_ask(client: Any) -> None:
    _user, _member, facility = factories.member_with_facility()
    other, _m, _f = factories.member_with_facility()
    url = reverse("guideline:item_question", args=[facility.pk, *URL_ARGS])
    client.force_login(other)
    assert client.post(url, {"question": "x"}).status_code == 404
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    assert client.post(url, {"question": "x"}).status_code == 403
    assert not Case.unscoped.exists()


def test_an_unknown_item_is_not_found(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    url = reverse("guideline:item_question", args=[facility.pk, "institution", 2025, "nope"])
    assert client.get(url).status_code == 404
