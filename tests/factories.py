"""Factories for test data: one per model, realistic Japanese values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
import pyotp
from allauth.mfa.totp.internal.auth import TOTP

from medcyber.accounts.models import RoleGrant, User
from medcyber.accounts.roles import Role
from medcyber.registry import models as reg
from medcyber.registry.choices import FacilityKind, FacilityStaffRole, MemberClass, Prefecture

TEST_PASSWORD = "Kensa-Password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.save()
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)
        self.forget_cached_permissions()


def enrol_totp(user: User) -> str:
    """Give a user a TOTP authenticator; returns the secret (for pyotp codes)."""
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    user.forget_cached_permissions()
    return secret


def staff_user(*roles: str, mfa: bool = True, **kwargs: Any) -> User:
    user = UserFactory(roles=list(roles), **kwargs)
    if mfa:
        enrol_totp(user)
    return user


class PrefecturalAssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.PrefecturalAssociation
        django_get_or_create = ("prefecture",)

    prefecture = Prefecture.TOKYO
    name = "東京都医師会"


class DistrictAssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.DistrictAssociation

    prefectural = factory.SubFactory(PrefecturalAssociationFactory)
    name = factory.Sequence(lambda n: f"第{n}地区医師会")
    name_kana = "ダイチクイシカイ"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Member

    membership_number = factory.Sequence(lambda n: f"{1300000 + n}")
    family_name = "山田"
    given_name = factory.Sequence(lambda n: f"太郎{n}")
    family_name_kana = "ヤマダ"
    given_name_kana = "タロウ"
    member_class = MemberClass.A1
    prefectural_association = factory.SubFactory(PrefecturalAssociationFactory)
    valid_from = dt.date(2010, 4, 1)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reg.Facility

    name = factory.Sequence(lambda n: f"さくら診療所{n}")
    name_kana = "サクラシンリョウジョ"
    kind = FacilityKind.CLINIC
    medical_institution_code = factory.Sequence(lambda n: f"{1310000000 + n}")
    postal_code = "113-8621"
    prefecture = Prefecture.TOKYO
    address = "東京都文京区本駒込2-28-16"
    phone = "03-3946-2121"


def manage(facility: reg.Facility, member: reg.Member, **kwargs: Any) -> reg.FacilityManagement:
    kwargs.setdefault("valid_from", dt.date(2015, 4, 1))
    return reg.FacilityManagement.objects.create(facility=facility, member=member, **kwargs)


def link_staff(
    facility: reg.Facility, user: User, role: str = FacilityStaffRole.STAFF, **kwargs: Any
) -> reg.FacilityStaff:
    kwargs.setdefault("valid_from", dt.date(2020, 4, 1))
    return reg.FacilityStaff.objects.create(facility=facility, user=user, role=role, **kwargs)


def member_with_facility(**member_kwargs: Any) -> tuple[User, reg.Member, reg.Facility]:
    """A member who can sign in and manages one facility."""
    user = UserFactory(roles=[Role.MEMBER])
    member = MemberFactory(user=user, **member_kwargs)
    facility = FacilityFactory()
    manage(facility, member)
    return user, member, facility


def totp_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()
