"""The payment schedules of programme.md, Pillar 3, as the first rows of the table.

- cyber attack, 2022-06-01 to 2023-05-31: ¥100,000, plus a flat ¥50,000 when closed one day or
  more (Reading: the flat amount replaces the per-day addition only; the base is unchanged);
- cyber attack, from 2023-06-01: ¥100,000, plus ¥100,000 a day closed, at most ¥300,000;
  both need a report to the MHLW or to the JMA;
- personal-data leak not caused by a cyber attack, from 2022-06-01: ¥50,000, no closure
  addition; needs a PPC report with measures to prevent recurrence and notice to the persons.
Insider crimes are not paid; only facilities founded or managed by A① members are covered.
"""

import datetime

from django.db import migrations

COVERED_FACILITIES = ["hospital", "clinic", "care_facility"]
MHLW_OR_JMA = [{"code": "report_mhlw_or_jma", "any_of": ["mhlw", "jma"]}]
LEAK_REQUIREMENTS = [
    {"code": "report_ppc", "any_of": ["ppc"]},
    {"code": "notice_individuals", "any_of": ["individuals"]},
]

ROWS = [
    {
        "version": "cyber_attack-2022-06-01",
        "kind": "cyber_attack",
        "valid_from": datetime.date(2022, 6, 1),
        "valid_until": datetime.date(2023, 5, 31),
        "base_amount": 100_000,
        "closure_flat": 50_000,
        "requirements": MHLW_OR_JMA,
        "note": "制度開始時の基準。休業加算は定額5万円（基本額10万円は変わらない: 解釈）。",
    },
    {
        "version": "cyber_attack-2023-06-01",
        "kind": "cyber_attack",
        "valid_from": datetime.date(2023, 6, 1),
        "valid_until": None,
        "base_amount": 100_000,
        "closure_per_day": 100_000,
        "closure_cap": 300_000,
        "requirements": MHLW_OR_JMA,
        "note": "2023年6月1日以降に発生した事案: 休業1日につき10万円、上限30万円。",
    },
    {
        "version": "data_leak-2022-06-01",
        "kind": "data_leak",
        "valid_from": datetime.date(2022, 6, 1),
        "valid_until": None,
        "base_amount": 50_000,
        "requirements": LEAK_REQUIREMENTS,
        "note": "サイバー攻撃に起因しない個人情報漏えい: 5万円（休業加算なし）。",
    },
]


def load(apps, schema_editor):
    PaymentSchedule = apps.get_model("claims", "PaymentSchedule")
    for row in ROWS:
        PaymentSchedule.objects.get_or_create(
            version=row["version"],
            defaults={
                **row,
                "insider_excluded": True,
                "member_classes": ["A1"],
                "facility_kinds": COVERED_FACILITIES,
            },
        )


def unload(apps, schema_editor):
    PaymentSchedule = apps.get_model("claims", "PaymentSchedule")
    PaymentSchedule.objects.filter(
        version__in=[r["version"] for r in ROWS], first_used_at__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
