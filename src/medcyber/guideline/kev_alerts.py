"""A new known-exploited flaw that hits many members becomes a portal alert — after a person
has read it. :func:`propose_alerts` decides which catalogue entries deserve one (those just
imported whose devices sit in at least :func:`threshold` facilities) and drafts the Japanese
text; the proposal waits on the association's KEV screen until a content editor publishes it
(through the portal's own :func:`medcyber.portal.services.publish_alert`, which shows the
banner and e-mails facility administrators) or sets it aside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import formats, translation
from django.utils.translation import gettext as _

from medcyber.core import audit

from .models import KevAlertProposal, KevEntry, KevFinding

#: Facilities a flaw must hit before an alert is proposed (setting
#: ``GUIDELINE_KEV_ALERT_FACILITIES`` overrides it).
DEFAULT_THRESHOLD = 10
#: How long a published alert stays on the portal.
ALERT_DAYS = 14
#: Who sees the banner: the programme's members (the portal's audience code).
ALERT_AUDIENCES = ["members"]


class ProposalInvalid(Exception):
    """The proposal cannot be published or set aside; ``str(error)`` is for the person."""


def threshold() -> int:
    return int(getattr(settings, "GUIDELINE_KEV_ALERT_FACILITIES", DEFAULT_THRESHOLD))


def facilities_hit(entry_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Per catalogue entry: how many facilities have an affected device in use."""
    findings = KevFinding.unscoped.filter(asset__retired_on__isnull=True)
    if entry_ids is not None:
        findings = findings.filter(entry_id__in=list(entry_ids))
    return dict(
        findings.values("entry")
        .annotate(n=Count("asset__facility", distinct=True))
        .order_by()
        .values_list("entry", "n")
    )


def draft_text(entry: KevEntry, facilities: int) -> tuple[str, str]:
    """The alert's title and body in Japanese, from the catalogue entry."""
    with translation.override("ja"):
        title = _("【注意喚起】%(vendor)s %(product)s の脆弱性（%(cve)s）が悪用されています") % {
            "vendor": entry.vendor_project,
            "product": entry.product,
            "cve": entry.cve_id,
        }
        lines = [
            _(
                "実際に悪用されている脆弱性の一覧（CISA KEV）に %(vendor)s %(product)s の脆弱性が"
                "追加されました（%(date)s）。"
            )
            % {
                "vendor": entry.vendor_project,
                "product": entry.product,
                "date": formats.date_format(entry.date_added, "DATE_FORMAT"),
            },
            _("制度加入施設のうち %(n)d 施設の資産台帳に、該当する機器が登録されています。")
            % {"n": facilities},
            "",
            _("脆弱性: %(name)s") % {"name": entry.vulnerability_name},
            _("求められる対応: %(action)s") % {"action": entry.required_action},
        ]
        if entry.known_ransomware:
            lines.append(_("この脆弱性はランサムウェア攻撃での悪用が確認されています。"))
        lines += [
            "",
            _(
                "該当する機器をお使いの施設は、保守事業者に確認のうえ対応し、"
                "セキュリティ自己点検の資産台帳で対応状況を記録してください。"
            ),
        ]
    return title[:200], "\n".join(lines)


def propose_alerts(
    *,
    now: dt.datetime,
    entry_ids: Iterable[int] | None = None,
    minimum: int | None = None,
) -> list[KevAlertProposal]:
    """Draft an alert for each entry (the ones just imported, or every entry) whose devices
    are in at least ``minimum`` facilities and that has no proposal yet; returns the new
    proposals. Nothing is published here: a person decides on the KEV screen."""
    minimum = threshold() if minimum is None else minimum
    counts = facilities_hit(entry_ids)
    wanted = {pk: n for pk, n in counts.items() if n >= minimum}
    if not wanted:
        return []
    already = set(
        KevAlertProposal.objects.filter(entry_id__in=wanted).values_list("entry_id", flat=True)
    )
    # One insert for all proposals and one audit event naming them: a catalogue that adds
    # hundreds of widely used entries must not cost an audit-chain append per entry.
    made = [
        KevAlertProposal(
            entry=entry,
            facilities=wanted[entry.pk],
            threshold=minimum,
            title=title,
            body=body,
            proposed_at=now,
        )
        for entry in KevEntry.objects.filter(pk__in=set(wanted) - already).order_by("cve_id")
        for title, body in [draft_text(entry, wanted[entry.pk])]
    ]
    if not made:
        return []
    with transaction.atomic():
        KevAlertProposal.objects.bulk_create(made, batch_size=500)
        audit.record(
            "create",
            "guideline.kev.alert_proposals",
            object_type="guideline.kevalertproposal",
            changes={"threshold": minimum, "entries": [p.entry.cve_id for p in made]},
        )
    return made


def _open(proposal: KevAlertProposal) -> KevAlertProposal:
    locked = KevAlertProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != KevAlertProposal.Status.PROPOSED:
        raise ProposalInvalid(_("この提案はすでに処理されています。"))
    return locked


def publish_proposal(*, proposal: KevAlertProposal, by: Any, now: dt.datetime) -> Any:
    """Publish the reviewed draft as a portal alert for members (banner and e-mail)."""
    from medcyber.portal.services import PortalError, publish_alert

    with transaction.atomic():
        locked = _open(proposal)
        try:
            alert = publish_alert(
                by=by,
                title=locked.title,
                body=locked.body,
                audiences=list(ALERT_AUDIENCES),
                starts_at=now,
                ends_at=now + dt.timedelta(days=ALERT_DAYS),
                link=f"https://nvd.nist.gov/vuln/detail/{locked.entry.cve_id}",
            )
        except PortalError as error:
            raise ProposalInvalid(str(error)) from None
        locked.status = KevAlertProposal.Status.PUBLISHED
        locked.portal_alert_id = alert.pk
        locked.decided_by = by
        locked.decided_at = now
        locked.save()
    return alert


def dismiss_proposal(*, proposal: KevAlertProposal, by: Any, now: dt.datetime) -> None:
    with transaction.atomic():
        locked = _open(proposal)
        locked.status = KevAlertProposal.Status.DISMISSED
        locked.decided_by = by
        locked.decided_at = now
        locked.save()
