"""Field checks for Japanese registry data."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Full-width katakana, the prolonged sound mark, middle dot and spaces.
_KATAKANA = re.compile(r"^[\u30A0-\u30FF\u3000 ]+$")
_DIGITS = re.compile(r"^\d+$")


def validate_katakana(value: str) -> None:
    if value and not _KATAKANA.match(value):
        raise ValidationError(_("フリガナは全角カタカナで入力してください。"), code="katakana")


def validate_membership_number(value: str) -> None:
    if not _DIGITS.match(value or ""):
        raise ValidationError(_("会員番号は半角数字で入力してください。"), code="membership_number")


def validate_medical_registration_number(value: str) -> None:
    """医籍登録番号 (MHLW's number on a doctor's registration): digits only, at most 7."""
    if value and not re.fullmatch(r"[0-9]{1,7}", value):
        raise ValidationError(
            _("医籍番号は7桁までの半角数字で入力してください。"),
            code="medical_registration_number",
        )


def validate_institution_code(value: str) -> None:
    if value and not re.fullmatch(r"\d{10}", value):
        raise ValidationError(
            _("医療機関コードは10桁の半角数字で入力してください。"), code="institution_code"
        )


def validate_care_provider_number(value: str) -> None:
    if value and not re.fullmatch(r"\d{10}", value):
        raise ValidationError(
            _("介護保険事業所番号は10桁の半角数字で入力してください。"),
            code="care_provider_number",
        )


def validate_phone(value: str) -> None:
    if value and not re.fullmatch(r"0\d{1,4}-?\d{1,4}-?\d{3,4}", value):
        raise ValidationError(
            _("電話番号は 03-1234-5678 のように半角数字とハイフンで入力してください。"),
            code="phone",
        )


def validate_postal_code(value: str) -> None:
    if value and not re.fullmatch(r"\d{3}-?\d{4}", value):
        raise ValidationError(_("郵便番号は 123-4567 の形で入力してください。"), code="postal_code")
