from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "medcyber.guideline"
    verbose_name = _("ガイドライン・チェックリスト")

    def ready(self) -> None:
        """The overview counts follow registry changes (see :mod:`.signals`)."""
        from django.db.models.signals import post_save

        from . import signals

        post_save.connect(
            signals.facility_saved, sender="registry.Facility", dispatch_uid="guideline.facility"
        )
        post_save.connect(
            signals.import_run_saved,
            sender="registry.ImportRun",
            dispatch_uid="guideline.import_run",
        )
