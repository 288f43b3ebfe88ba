"""Password rules of the guideline (regulations.md §4) and Argon2 hashing."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from medcyber import settings as project_settings
from medcyber.accounts.passwords import GuidelinePasswordValidator
from medcyber.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db
validator = GuidelinePasswordValidator()


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abc12345", True),  # 8 mixed characters
        ("abcdefgh", False),  # letters only
        ("12345678", False),  # digits only
        ("ab1234", False),  # too short
        ("パスワード-2026", True),  # Japanese letters count as letters
    ],
)
def test_members_need_eight_mixed_characters(password: str, ok: bool) -> None:
    member = factories.UserFactory(roles=[Role.MEMBER])
    if ok:
        validator.validate(password, member)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password, member)


def test_staff_need_thirteen_mixed_characters() -> None:
    staff = factories.staff_user(Role.DESK_TIER1)
    with pytest.raises(ValidationError) as excinfo:
        validator.validate("abcd-1234-xy", staff)  # 12 characters
    assert "13文字以上" in str(excinfo.value)
    validator.validate("abcd-1234-xyz", staff)


def test_production_hashes_with_argon2() -> None:
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert make_password("Some-Password-2026", hasher="argon2").startswith("argon2$")
