"""The rules table as the law stands since the amended act came into force on 2022-04-01
(regulations.md §1–§2). Later changes in the law are new rows with their own dates."""

import datetime as dt

from django.db import migrations

ACT_2022 = dt.date(2022, 4, 1)

RULES = [
    # code, condition, timing, days, days_if_unlawful, basis
    ("mhlw", "cyber_attack", "immediately", None, None,
     "サイバー攻撃を受けた医療機関は厚生労働省へ速やかに報告"),
    ("jma", "cyber_attack", "immediately", None, None,
     "支援金①には厚生労働省または日本医師会への報告が必要"),
    ("police", "cyber_attack", "immediately", None, None,
     "サイバー攻撃は都道府県警察へ通報・相談"),
    ("ppc_preliminary", "ppc_report", "days", 5, None,
     "個人情報保護法施行規則8条1項：速報（目安は知った日から5日）"),
    ("ppc_final", "ppc_report", "days", 30, 60,
     "個人情報保護法施行規則8条2項：確報（30日、不正の目的は60日）"),
    ("individuals", "ppc_report", "promptly", None, None,
     "個人情報保護法施行規則10条：本人への通知（状況に応じ速やかに）"),
]


def load(apps, schema_editor):
    ObligationRule = apps.get_model("incidents", "ObligationRule")
    LeakReportCriteria = apps.get_model("incidents", "LeakReportCriteria")
    for code, condition, timing, days, days_if_unlawful, basis in RULES:
        ObligationRule.objects.get_or_create(
            code=code,
            valid_from=ACT_2022,
            defaults={
                "condition": condition,
                "timing": timing,
                "days": days,
                "days_if_unlawful": days_if_unlawful,
                "roll_forward": True,
                "basis": basis,
            },
        )
    LeakReportCriteria.objects.get_or_create(
        valid_from=ACT_2022, defaults={"persons_over": 1000, "attack_is_unlawful": True}
    )


def unload(apps, schema_editor):
    apps.get_model("incidents", "ObligationRule").objects.filter(valid_from=ACT_2022).delete()
    apps.get_model("incidents", "LeakReportCriteria").objects.filter(valid_from=ACT_2022).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
