"""Referrals to specialist firms (DESK-5): only with the member's recorded consent, by tier 2,
outcome tracked on the case; the member sees that a referral was made, not the desk's notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.desk import queries, services
from medcyber.desk.choices import Channel
from medcyber.desk.models import Referral, ReferralPartner
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner() -> ReferralPartner:
    return ReferralPartner.objects.create(
        name="東京フォレンジック株式会社",
        kind="forensic",
        regions="東京都、神奈川県",
        specialities="ランサムウェア被害の調査",
        phone="03-1234-5678",
    )


def _case(facility: Any = None) -> Any:
    operator = factories.staff_user(Role.DESK_TIER1)
    return services.open_case(
        by=operator,
        channel=Channel.PHONE,
        facility=facility,
        category="cyber_attack",
        severity="urgent",
        patient_data="yes",
        summary="暗号化された",
        now=timezone.now(),
    )


def test_no_referral_without_recorded_consent(partner: ReferralPartner) -> None:
    tier2 = factories.staff_user(Role.DESK_TIER2)
    case = _case()
    for given, note in ((False, "院長が同意"), (True, "  ")):
        with pytest.raises(services.CaseError, match="同意が必要"):
            services.refer(
                case, by=tier2, partner=partner, consent_given=given, consent_method="phone",
                consent_note=note, version=None, now=timezone.now(),
            )  # fmt: skip
    tier1 = factories.staff_user(Role.DESK_TIER1)
    with pytest.raises(services.CaseError, match="2次対応"):
        services.refer(
            case, by=tier1, partner=partner, consent_given=True, consent_method="phone",
            consent_note="院長が同意", version=None, now=timezone.now(),
        )  # fmt: skip
    assert not Referral.unscoped.exists()


def test_tier2_refers_and_tracks_the_outcome(client: Any, partner: ReferralPartner) -> None:
    user, _member, facility = factories.member_with_facility()
    case = _case(facility)
    tier2 = factories.staff_user(Role.DESK_TIER2)
    client.force_login(tier2)
    response = client.post(
        reverse("desk:case_refer", args=[case.pk]),
        {
            "version": case.version,
            "partner": partner.pk,
            "consent_given": "on",
            "consent_method": "phone",
            "consent_note": "院長 山田様が電話で紹介に同意（11/30 10:05）",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "東京フォレンジック株式会社" in response.content.decode()
    referral = Referral.unscoped.get()
    assert referral.consent_recorded_by == tier2
    client.post(
        reverse("desk:referral_outcome", args=[referral.pk]),
        {"status": "engaged", "outcome": "12/1から調査開始"},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("engaged", "12/1から調査開始")
    member_view = [e.text for e in queries.timeline(user, case)]
    assert "東京フォレンジック株式会社" in member_view  # the referral itself
    assert not any("調査開始" in t for t in member_view)  # the outcome note is the desk's


def test_the_directory_filters_by_kind_and_region(client: Any, partner: ReferralPartner) -> None:
    ReferralPartner.objects.create(
        name="全国サイバー法律事務所", kind="lawyer", regions="全国", phone="03-9999-0000"
    )
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    page = client.get(reverse("desk:partners"), {"region": "大阪府"}).content.decode()
    assert "全国サイバー法律事務所" in page and "東京フォレンジック" not in page
    page = client.get(reverse("desk:partners"), {"kind": "forensic"}).content.decode()
    assert "東京フォレンジック" in page and "全国サイバー法律事務所" not in page
