from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "medcyber.training"
    label = "training"
    verbose_name = _("標的型攻撃メール訓練")
