"""Password rules of the MHLW guideline 6.0 Q&A (regulations.md §4).

Everyone: at least 8 characters mixing letters with digits or symbols. Association staff, whose
accounts reach every facility's data: at least 13 such characters, on top of the required second
factor.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MEMBER_MIN_LENGTH = 8
STAFF_MIN_LENGTH = 13


def _is_mixed(password: str) -> bool:
    has_letter = any(c.isalpha() for c in password)
    has_other = any(c.isdigit() or not c.isalnum() for c in password)
    return has_letter and has_other


class GuidelinePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        is_staff = bool(user is not None and getattr(user, "pk", None) and user.is_programme_staff)
        minimum = STAFF_MIN_LENGTH if is_staff else MEMBER_MIN_LENGTH
        errors = []
        if len(password) < minimum:
            errors.append(
                ValidationError(
                    ngettext(
                        "パスワードは%(min)d文字以上にしてください。",
                        "パスワードは%(min)d文字以上にしてください。",
                        minimum,
                    )
                    % {"min": minimum},
                    code="password_too_short",
                )
            )
        if not _is_mixed(password):
            errors.append(
                ValidationError(
                    _("パスワードには英字と、数字または記号の両方を含めてください。"),
                    code="password_not_mixed",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "8文字以上で、英字と数字または記号を混在させてください"
            "（医師会職員のアカウントは13文字以上）。"
        )
