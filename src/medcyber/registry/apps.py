from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "medcyber.registry"
    label = "registry"
    verbose_name = _("会員・施設台帳")
