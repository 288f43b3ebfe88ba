from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "medcyber.incidents"
    label = "incidents"
    verbose_name = _("インシデントと報告義務")
