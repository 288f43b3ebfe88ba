"""A facility fills its FY2025 self-assessment: the opening question, yes/no per item, a target
date within the fiscal year for every “no”, history and what changed since last year."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.guideline import rules, services, tallies
from medcyber.guideline.models import Answer, AnswerChange, Assessment, Asset, ChecklistItem
from tests import factories
from tests.guideline.factories import assessment_for, version
from tests.pdf_fonts import embedded_fonts

pytestmark = pytest.mark.django_db


def item(key: str, year: int = 2025) -> ChecklistItem:
    return ChecklistItem.objects.get(version=version(year), key=key)


@pytest.mark.parametrize(
    ("answer", "target", "field"),
    [
        ("no", None, "target_date"),
        ("no", dt.date(2026, 4, 1), "target_date"),
        ("no", dt.date(2025, 3, 31), "target_date"),
        ("yes", dt.date(2025, 12, 1), "target_date"),
    ],
)
def test_a_no_needs_a_target_date_within_the_fiscal_year(
    answer: str, target: dt.date | None, field: str
) -> None:
    problems = rules.answer_problems(
        answer=answer, checked_on=None, target_date=target, fiscal_year=2025
    )
    assert field in problems


def test_fiscal_years_run_from_april() -> None:
    assert rules.fiscal_year_of(dt.date(2026, 3, 31)) == 2025
    assert rules.fiscal_year_of(dt.date(2026, 4, 1)) == 2026
    assert rules.fiscal_year_label(2025) == "2025年度（令和7年度）"


def test_invalid_answers_save_nothing() -> None:
    assessment = assessment_for(has_medical_system=True)
    entries = [
        services.AnswerEntry(item("security-manager").pk, "yes", dt.date(2025, 6, 1)),
        services.AnswerEntry(item("cyber-bcp").pk, "no", dt.date(2025, 6, 1)),
    ]
    with pytest.raises(services.AssessmentInvalid) as caught:
        services.save_answers(assessment=assessment, entries=entries, by=None)
    assert "target_date" in caught.value.errors[item("cyber-bcp").pk]
    assert not Answer.unscoped.filter(assessment=assessment).exists()


def test_history_and_changes_since_last_year() -> None:
    from medcyber.guideline import queries

    last = assessment_for(fiscal_year=2024, has_medical_system=True)
    services.save_answers(
        assessment=last,
        entries=[
            services.AnswerEntry(item("cyber-bcp", 2024).pk, "no", None, dt.date(2025, 3, 1)),
            services.AnswerEntry(item("access-logs", 2024).pk, "yes"),
        ],
        by=None,
    )
    this = assessment_for(last.facility, fiscal_year=2025, has_medical_system=True)
    services.save_answers(
        assessment=this,
        entries=[
            services.AnswerEntry(item("cyber-bcp").pk, "yes", dt.date(2025, 7, 1)),
            services.AnswerEntry(item("access-logs").pk, "no", None, dt.date(2026, 1, 31)),
        ],
        by=None,
    )
    kinds = {i.key: c.kind for i, c in queries.changes_since_last_year(this)}
    assert kinds["cyber-bcp"] == "improved"
    assert kinds["access-logs"] == "worsened"
    assert kinds["two-factor"] == "new_item"
    assert AnswerChange.unscoped.filter(assessment=this).count() == 2


def test_the_asset_register_backs_the_ledger_item() -> None:
    assessment = assessment_for(has_medical_system=True)
    assert services.derived_answer(item("asset-ledger"), assessment.facility_id) is None
    Asset.unscoped.create(facility=assessment.facility, kind="server", name="電子カルテサーバ")
    value, note = services.derived_answer(item("asset-ledger"), assessment.facility_id)
    assert value == "yes" and "1件" in note


def test_a_member_answers_on_the_page_and_a_no_without_date_is_refused(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    url = reverse("guideline:assessment", args=[facility.pk, "institution", 2025])
    page = client.get(url)
    assert "医療情報システム" in page.content.decode()
    client.post(url, {"step": "opening", "has_medical_system": "yes"})
    assessment = Assessment.unscoped.get(facility=facility)
    assert assessment.has_medical_system is True
    manager = item("security-manager")
    bcp = item("cyber-bcp")
    refused = client.post(
        url,
        {"step": "answers", f"i{manager.pk}-value": "yes", f"i{bcp.pk}-value": "no"},
    )
    assert "対応予定日が必要です" in refused.content.decode()
    assert not Answer.unscoped.filter(assessment=assessment).exists()
    saved = client.post(
        url,
        {
            "step": "answers",
            f"i{manager.pk}-value": "yes",
            f"i{manager.pk}-checked_on": "2025-06-01",
            f"i{bcp.pk}-value": "no",
            f"i{bcp.pk}-target_date": "2026-02-28",
        },
    )
    assert saved.status_code == 302
    answer = Answer.unscoped.get(assessment=assessment, item=bcp)
    assert answer.target_date == dt.date(2026, 2, 28)
    assert answer.answered_by == user
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                reverse("guideline:assessment_xlsx", args=[facility.pk, "institution", 2025])
            ).content
        )
    )
    rows = {r[0]: r for r in book["チェックリスト"].iter_rows(values_only=True) if r[0]}
    assert rows["3-3"][3] == "いいえ" and rows["3-3"][5].date() == dt.date(2026, 2, 28)
    printed = client.get(
        reverse("guideline:assessment_print", args=[facility.pk, "institution", 2025])
    )
    assert "2026年2月28日" in printed.content.decode()
    assert reverse("guideline:assessment_pdf", args=[facility.pk, "institution", 2025]) in (
        printed.content.decode()
    )


def test_the_inspection_report_downloads_as_pdf_in_japanese(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    assessment = assessment_for(facility, has_medical_system=True)
    services.save_answers(
        assessment=assessment,
        entries=[
            services.AnswerEntry(
                item("cyber-bcp").pk, "no", target_date=dt.date(2026, 2, 28), note="訓練を計画中"
            )
        ],
        by=user,
    )
    Asset.unscoped.create(facility=facility, kind="vpn", name="本院VPN装置", vendor="Fortinet")
    client.force_login(user)
    response = client.get(
        reverse("guideline:assessment_pdf", args=[facility.pk, "institution", 2025])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(" ", "").replace("\n", "")
    for expected in (
        "医療機関におけるサイバーセキュリティ対策チェックリスト",
        facility.name.replace(" ", ""),
        "訓練を計画中",
        "2026年2月28日",
        "別紙:資産台帳",
        "本院VPN装置",
    ):
        assert expected in text, expected
    fonts = embedded_fonts(response.content)
    assert any("CJK" in font for font in fonts), fonts  # the Japanese font is embedded
    assert AuditEvent.objects.filter(
        action="guideline.assessment.pdf", object_id=str(assessment.pk)
    ).exists()


def test_no_medical_system_ends_the_checklist(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    url = reverse("guideline:assessment", args=[facility.pk, "institution", 2025])
    client.post(url, {"step": "opening", "has_medical_system": "no"})
    page = client.get(url).content.decode()
    assert "ここで終わりです" in page
    assert "100%" in page


def test_association_staff_read_but_do_not_write(client: Any) -> None:
    assessment = assessment_for(has_medical_system=True)
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    url = reverse("guideline:assessment", args=[assessment.facility_id, "institution", 2025])
    assert client.get(url).status_code == 200
    assert client.post(url, {"step": "opening", "has_medical_system": "no"}).status_code == 403


def test_the_overview_counts_per_prefecture_and_item(client: Any) -> None:
    a = assessment_for(has_medical_system=False)
    b = assessment_for(has_medical_system=True)
    services.save_answers(
        assessment=b,
        entries=[services.AnswerEntry(item("cyber-bcp").pk, "no", None, dt.date(2025, 12, 1))],
        by=None,
    )
    tallies.refresh(version())
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    page = client.get(reverse("guideline:overview") + "?year=2025").content.decode()
    assert "東京都" in page
    assert a.facility.name not in page and b.facility.name not in page
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(reverse("guideline:overview_csv") + "?year=2025").streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    bcp = next(r for r in rows if r[2] == "cyber-bcp")
    assert bcp[4:] == ["1", "0", "1", "100"]


def test_an_item_the_asset_register_supports_starts_as_yes(client: Any) -> None:
    user, _member, facility = factories.member_with_facility()
    assessment_for(facility, has_medical_system=True)
    Asset.unscoped.create(facility=facility, kind="server", name="電子カルテサーバ")
    client.force_login(user)
    page = client.get(reverse("guideline:assessment", args=[facility.pk, "institution", 2025]))
    form = next(
        row.form
        for s in page.context["sections"]
        for row in s.rows
        if row.item.key == "asset-ledger"
    )
    assert form.initial["value"] == "yes" and "1件" in form.initial["note"]
