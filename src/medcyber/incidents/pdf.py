"""The incident's documents: the PPC report's draft and the notice to individuals as PDF, and
the text of the report to the JMA."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core.pdf import pdf_response

from .drafting import japanese_date, japanese_datetime
from .models import Incident, ReportDraft

#: The drafts that print as PDF: URL name → (template, file name stem).
DRAFT_DOCUMENTS = {
    "ppc": ("incidents/pdf/ppc_report.html", "ppc-report"),
    "notice": ("incidents/pdf/notice.html", "notice"),
}


def ppc_items(draft: ReportDraft) -> list[tuple[str, str]]:
    return [
        (
            str(getattr(ReportDraft._meta.get_field(name), "verbose_name", name)),
            getattr(draft, name),
        )
        for name in ReportDraft.PPC_FIELDS
    ]


def draft_response(incident: Incident, draft: ReportDraft, which: str) -> HttpResponse:
    template, stem = DRAFT_DOCUMENTS[which]
    return pdf_response(
        template,
        {
            "incident": incident,
            "draft": draft,
            "items": ppc_items(draft),
            "today": japanese_date(timezone.localdate()),
        },
        filename=f"{incident.number}-{stem}.pdf",
    )


def jma_report_text(incident: Incident) -> str:
    """The report to the JMA as first proposed: the incident's facts in the programme's words."""
    lines = [
        _("施設名：%(value)s") % {"value": incident.facility.name},
        _("種類：%(value)s") % {"value": incident.get_kind_display()},
        _("発生日時：%(value)s") % {"value": japanese_datetime(incident.occurred_at)},
        _("発覚日時：%(value)s") % {"value": japanese_datetime(incident.discovered_at)},
        _("影響を受けたシステム：%(value)s") % {"value": incident.systems_affected or "—"},
        _("診療への影響：%(value)s")
        % {"value": _("あり") if incident.care_interrupted else _("なし")},
        _("個人データの本人の数（推定）：%(value)s人")
        % {"value": f"{incident.persons_affected:,}"},
        _("概要：%(value)s") % {"value": incident.description or "—"},
        _("原因：%(value)s") % {"value": incident.cause or _("（調査中）")},
    ]
    return "\n".join(lines)
