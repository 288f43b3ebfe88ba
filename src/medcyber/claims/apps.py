from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "medcyber.claims"
    label = "claims"
    verbose_name = _("一時支援金")
