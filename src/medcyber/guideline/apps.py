from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "medcyber.guideline"
    verbose_name = _("ガイドライン・チェックリスト")
