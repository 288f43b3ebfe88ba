"""A campaign goes draft → approval by a second person → scheduled → sending → finished;
pause, resume and cancel; every step is in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.training import services
from medcyber.training.models import CampaignState, Message, MessageState, Recipient
from tests import factories

from .conftest import Clinic, approved_campaign, draft_campaign, next_monday_9

pytestmark = pytest.mark.django_db


def _actions(campaign_pk: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="training.campaign", object_id=str(campaign_pk), kind="action"
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_second_admin_approves_and_messages_are_spread_over_the_window(clinic: Clinic) -> None:
    campaign = draft_campaign(clinic)
    assert campaign.state == CampaignState.DRAFT and not campaign.run_by_association
    services.submit_for_approval(campaign=campaign, by=clinic.admin)
    assert campaign.state == CampaignState.AWAITING_APPROVAL

    services.approve(campaign=campaign, by=clinic.second_admin)
    assert campaign.state == CampaignState.SCHEDULED
    assert campaign.approved_by == clinic.second_admin
    messages = list(Message.unscoped.filter(campaign=campaign).order_by("due_at"))
    assert len(messages) == 5
    assert all(m.state == MessageState.QUEUED for m in messages)
    for m in messages:
        local = timezone.localtime(m.due_at)
        assert local.weekday() < 5 and 9 <= local.hour < 17
        assert campaign.window_start <= m.due_at < campaign.window_end
    assert len({m.token for m in messages}) == 5
    assert _actions(campaign.pk) == ["training.campaign.submit", "training.campaign.approve"]


def test_the_author_cannot_approve_their_own_campaign(clinic: Clinic) -> None:
    campaign = draft_campaign(clinic)
    services.submit_for_approval(campaign=campaign, by=clinic.admin)
    with pytest.raises(services.TrainingError, match="作成した本人は承認できません"):
        services.approve(campaign=campaign, by=clinic.admin)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.AWAITING_APPROVAL
    assert not Message.unscoped.filter(campaign=campaign).exists()


def test_an_association_run_campaign_is_approved_by_association_staff(clinic: Clinic) -> None:
    author = factories.staff_user(Role.ASSOCIATION_ADMIN)
    colleague = factories.staff_user(Role.ASSOCIATION_ADMIN)
    campaign = draft_campaign(clinic, by=author)
    assert campaign.run_by_association
    services.submit_for_approval(campaign=campaign, by=author)
    with pytest.raises(services.TrainingError, match="医師会の担当者が承認"):
        services.approve(campaign=campaign, by=clinic.admin)
    services.approve(campaign=campaign, by=colleague)
    assert campaign.state == CampaignState.SCHEDULED


def test_an_admin_of_another_facility_cannot_approve(clinic: Clinic) -> None:
    other = factories.UserFactory(roles=[Role.FACILITY_ADMIN])
    factories.link_staff(factories.FacilityFactory(), other, role="facility_admin")
    campaign = draft_campaign(clinic)
    services.submit_for_approval(campaign=campaign, by=clinic.admin)
    with pytest.raises(services.TrainingError, match="施設の管理者が承認"):
        services.approve(campaign=campaign, by=other)


def test_a_send_window_in_the_past_is_refused(clinic: Clinic) -> None:
    start = next_monday_9() - dt.timedelta(days=21)
    with pytest.raises(services.TrainingError, match="送信期間がすでに過ぎています"):
        draft_campaign(clinic, window_start=start, window_end=start + dt.timedelta(days=1))


def test_a_window_without_office_hours_is_refused(clinic: Clinic) -> None:
    saturday = next_monday_9() + dt.timedelta(days=5)
    with pytest.raises(services.TrainingError, match="送信できる時間帯"):
        draft_campaign(clinic, window_start=saturday, window_end=saturday + dt.timedelta(hours=30))


def test_an_address_outside_the_verified_domains_stops_the_approval(clinic: Clinic) -> None:
    Recipient.unscoped.create(group=clinic.group, name="外部", email="someone@gmail.com")
    campaign = draft_campaign(clinic)
    services.submit_for_approval(campaign=campaign, by=clinic.admin)
    with pytest.raises(services.TrainingError, match=r"someone@gmail\.com"):
        services.approve(campaign=campaign, by=clinic.second_admin)


def test_pause_resume_and_cancel_are_audited(clinic: Clinic) -> None:
    campaign = approved_campaign(clinic)
    services.pause(campaign=campaign, by=clinic.admin)
    assert campaign.state == CampaignState.PAUSED
    with pytest.raises(services.TrainingError, match="この操作はできません"):
        services.pause(campaign=campaign, by=clinic.admin)
    services.resume(campaign=campaign, by=clinic.admin)
    assert campaign.state == CampaignState.SENDING
    services.cancel(campaign=campaign, by=clinic.second_admin)
    assert campaign.state == CampaignState.CANCELLED
    assert set(Message.unscoped.filter(campaign=campaign).values_list("state", flat=True)) == {
        MessageState.CANCELLED
    }
    assert _actions(campaign.pk)[-3:] == [
        "training.campaign.pause",
        "training.campaign.resume",
        "training.campaign.cancel",
    ]
    event = AuditEvent.objects.filter(action="training.campaign.cancel").get()
    assert event.facility_id == clinic.facility.pk
    assert event.changes["state"] == ["sending", "cancelled"]


def test_an_empty_group_cannot_be_submitted(clinic: Clinic) -> None:
    clinic.group.recipients.all().delete()
    campaign = draft_campaign(clinic)
    with pytest.raises(services.TrainingError, match="訓練対象者がいません"):
        services.submit_for_approval(campaign=campaign, by=clinic.admin)


def test_the_library_has_the_five_japanese_templates() -> None:
    from medcyber.training.models import MailTemplate

    library = MailTemplate.unscoped.filter(facility__isnull=True)
    assert {t.kind for t in library} >= {
        "emotet_reply",
        "delivery",
        "invoice",
        "account",
        "authority",
    }
    for template in library:
        assert len(template.signs) >= 3
        assert not services.template_problems(
            subject=template.subject, body_text=template.body_text
        )
    assert library.filter(has_login_form=True).exists()


def test_a_template_with_an_unknown_variable_is_refused(clinic: Clinic) -> None:
    with pytest.raises(services.TrainingError, match="password"):
        services.create_template(
            facility=clinic.facility,
            by=clinic.admin,
            name="自作",
            kind="other",
            difficulty=1,
            sender_name="x",
            sender_local_part="x",
            subject="{{ password }}",
            body_text="{{ link }}",
            link_label="開く",
        )
    with pytest.raises(services.TrainingError, match=r"閉じていません"):
        services.create_template(
            facility=clinic.facility,
            by=clinic.admin,
            name="自作",
            kind="other",
            difficulty=1,
            sender_name="x",
            sender_local_part="x",
            subject="{{ recipient_name }",
            body_text="{{ link }}",
            link_label="開く",
        )
