import datetime as dt

from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as allauth_totp_forms
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    label_suffix = ""

    name = forms.CharField(label=_("用途（例：院内システム連携）"), max_length=100, strip=True)
    expires_in_days = forms.TypedChoiceField(
        label=_("有効期間"),
        coerce=int,
        choices=[(30, _("30日")), (90, _("90日")), (365, _("1年")), (0, _("無期限"))],
        initial=90,
    )

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data["expires_in_days"]
        return timezone.now() + dt.timedelta(days=days) if days else None


class ActivateTOTPForm(allauth_totp_forms.ActivateTOTPForm):
    """allauth's activation form, which also spends the code it accepted.

    allauth checks the activation code without recording it as used, so the same code would
    pass the sign-in that follows within its 30 seconds (RFC 6238 §5.2 forbids the replay).
    """

    def clean_code(self) -> str:
        code = super().clean_code()
        TOTP(Authenticator(user=self.user, type=Authenticator.Type.TOTP))._mark_code_used(code)
        return code
