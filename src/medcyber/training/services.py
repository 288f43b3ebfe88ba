"""Every write of the training service: one function per use case, one transaction, audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jpholiday
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medcyber.core import audit
from medcyber.registry.imports.readers import ImportFileError, Table
from medcyber.registry.models import Facility

from . import attachments, rules
from .access import is_training_staff, runs_training_for
from .library import LIBRARY
from .models import (
    ApprovedAddress,
    Campaign,
    CampaignState,
    MailTemplate,
    Message,
    MessageState,
    Recipient,
    RecipientGroup,
    VerificationMethod,
    VerifiedDomain,
)


class TrainingError(Exception):
    """A refused action; ``str(error)`` is the message for the person."""


def _require_runner(user: Any, facility_id: int) -> None:
    if not runs_training_for(user, facility_id):
        raise TrainingError(_("この施設の訓練を操作する権限がありません。"))


# --- the template library ----------------------------------------------------------------------
def ensure_library() -> int:
    """Bring the programme's own templates in line with :mod:`library`; returns rows written."""
    written = 0
    for spec in LIBRARY:
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "difficulty": spec.difficulty,
            "sender_name": spec.sender_name,
            "sender_local_part": spec.sender_local_part,
            "subject": spec.subject,
            "body_text": spec.body_text,
            "link_label": spec.link_label,
            "signs": list(spec.signs),
            "has_login_form": spec.has_login_form,
            "login_form_title": spec.login_form_title,
            "attachment_kind": spec.attachment_kind,
            "attachment_name": spec.attachment_name,
        }
        found = MailTemplate.unscoped.filter(slug=spec.slug).first()
        if found is None:
            MailTemplate.unscoped.create(slug=spec.slug, facility=None, **values)
            written += 1
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            found.save()
            written += 1
    return written


def template_problems(*, subject: str, body_text: str) -> list[str]:
    problems = []
    unknown = rules.unknown_variables(subject, body_text)
    if unknown:
        problems.append(
            _("使えない差し込み項目があります: %(names)s（使えるのは %(allowed)s）")
            % {
                "names": ", ".join(unknown),
                "allowed": ", ".join(sorted(rules.VARIABLES)),
            }
        )
    if rules.has_unclosed_braces(subject) or rules.has_unclosed_braces(body_text):
        problems.append(_("差し込み項目の括弧 {{ }} が閉じていません。"))
    if "{{ link }}" not in body_text and "{{link}}" not in body_text:
        problems.append(_("本文に {{ link }}（訓練ページへのリンク）を入れてください。"))
    return problems


def _check_template(values: dict[str, Any]) -> None:
    problems = template_problems(subject=values["subject"], body_text=values["body_text"])
    problems += attachments.name_problems(
        values.get("attachment_kind", ""), values.get("attachment_name", "")
    )
    if problems:
        raise TrainingError(" ".join(problems))


@transaction.atomic
def create_template(*, facility: Facility, by: Any, **values: Any) -> MailTemplate:
    _require_runner(by, facility.pk)
    _check_template(values)
    return MailTemplate.unscoped.create(facility=facility, **values)


@transaction.atomic
def update_template(*, template: MailTemplate, by: Any, **values: Any) -> MailTemplate:
    """Change a facility's own template (the audited save records what changed). The
    programme's library is read-only: it is kept in line with :mod:`library`."""
    if template.facility_id is None:
        raise TrainingError(_("標準テンプレートは変更できません。"))
    _require_runner(by, template.facility_id)
    _check_template(values)
    for name, value in values.items():
        setattr(template, name, value)
    template.save()
    return template


# --- domains and approved addresses ------------------------------------------------------------
@transaction.atomic
def add_domain(*, facility: Facility, domain: str, by: Any) -> VerifiedDomain:
    """Register a domain to verify. Association staff vouch for it at once; facility
    administrators prove it with a DNS TXT record."""
    _require_runner(by, facility.pk)
    name = rules.normalise_domain(domain)
    if not rules.is_valid_domain(name):
        raise TrainingError(
            _("「%(domain)s」はドメイン名として正しくありません。") % {"domain": domain}
        )
    if VerifiedDomain.unscoped.filter(facility=facility, domain=name).exists():
        raise TrainingError(_("「%(domain)s」はすでに登録されています。") % {"domain": name})
    if is_training_staff(by):
        return VerifiedDomain.unscoped.create(
            facility=facility,
            domain=name,
            method=VerificationMethod.ASSOCIATION,
            verified_at=timezone.now(),
            verified_by=by,
        )
    return VerifiedDomain.unscoped.create(
        facility=facility,
        domain=name,
        method=VerificationMethod.DNS_TXT,
        token=secrets.token_hex(16),
    )


def dns_txt_records(domain: str) -> list[str]:
    import dns.exception
    import dns.resolver

    try:
        answer = dns.resolver.resolve(domain, "TXT", lifetime=5)
    except dns.exception.DNSException:
        return []
    return [b"".join(r.strings).decode(errors="replace") for r in answer]


@transaction.atomic
def verify_domain(
    *, domain: VerifiedDomain, by: Any, lookup: Callable[[str], list[str]] = dns_txt_records
) -> VerifiedDomain:
    """Look for the facility's TXT record on the domain; verified when it is there."""
    _require_runner(by, domain.facility_id)
    if domain.verified_at:
        return domain
    if domain.txt_record not in lookup(domain.domain):
        raise TrainingError(
            _("%(domain)s の TXT レコードに「%(record)s」が見つかりません。")
            % {"domain": domain.domain, "record": domain.txt_record}
        )
    domain.verified_at = timezone.now()
    domain.verified_by = by
    domain.save()
    return domain


@transaction.atomic
def approve_address(*, facility: Facility, email: str, by: Any) -> ApprovedAddress:
    if not is_training_staff(by):
        raise TrainingError(_("個別のアドレスを承認できるのは医師会の担当者だけです。"))
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise TrainingError(
            _("「%(email)s」はメールアドレスとして正しくありません。") % {"email": email}
        ) from None
    found = ApprovedAddress.unscoped.filter(facility=facility, email=address).first()
    return found or ApprovedAddress.unscoped.create(
        facility=facility, email=address, approved_by=by
    )


def allowed_targets(facility_id: int) -> tuple[list[str], list[str]]:
    domains = list(
        VerifiedDomain.unscoped.filter(
            facility_id=facility_id, verified_at__isnull=False
        ).values_list("domain", flat=True)
    )
    approved = list(
        ApprovedAddress.unscoped.filter(facility_id=facility_id).values_list("email", flat=True)
    )
    return domains, approved


# --- recipients --------------------------------------------------------------------------------
HEADERS = {
    "name": ("氏名", "名前", "name"),
    "email": ("メールアドレス", "メール", "e-mail", "email"),
    "department": ("部署", "所属", "department"),
    "job_type": ("職種", "job type", "job_type"),
}
MAX_ROW_ERRORS = 200


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ROW_ERRORS:
            self.errors.append((line, message))


@transaction.atomic
def create_group(*, facility: Facility, name: str, by: Any) -> RecipientGroup:
    _require_runner(by, facility.pk)
    found = RecipientGroup.unscoped.filter(facility=facility, name=name).first()
    return found or RecipientGroup.unscoped.create(facility=facility, name=name)


def _columns(header: list[str]) -> dict[str, int]:
    cleaned = [cell.strip().lower() for cell in header]
    found = {}
    for key, names in HEADERS.items():
        for i, cell in enumerate(cleaned):
            if cell in names:
                found[key] = i
                break
    return found


def import_recipients(*, group: RecipientGroup, path: str | Path, by: Any) -> ImportReport:
    """Read a CSV/XLSX of staff into the group: every row is checked first, and nothing is
    saved unless every row is right (the report names each bad row)."""
    _require_runner(by, group.facility_id)
    report = ImportReport()
    try:
        table = Table(path)
        rows = iter(table.rows())
        header = next(rows, None)
        if header is None:
            report.add(1, _("見出しの行がありません。"))
            return report
        columns = _columns(header.cells)
        missing = [HEADERS[k][0] for k in ("name", "email") if k not in columns]
        if missing:
            report.add(
                header.line,
                _("見出しに %(names)s の列がありません。") % {"names": "、".join(missing)},
            )
            return report
        domains, approved = allowed_targets(group.facility_id)
        parsed: dict[str, dict[str, str]] = {}
        for raw in rows:
            report.rows += 1
            values = {
                key: (raw.cells[i].strip() if i < len(raw.cells) else "")
                for key, i in columns.items()
            }
            email = values.get("email", "").lower()
            values["email"] = email
            if not values.get("name"):
                report.add(raw.line, _("氏名が空です。"))
                continue
            try:
                validate_email(email)
            except ValidationError:
                report.add(
                    raw.line,
                    _("「%(email)s」はメールアドレスとして正しくありません。") % {"email": email},
                )
                continue
            if not rules.address_allowed(email, domains, approved):
                report.add(
                    raw.line,
                    _("「%(email)s」は確認済みのドメインにも承認済みアドレスにもありません。")
                    % {"email": email},
                )
                continue
            if email in parsed:
                report.add(raw.line, _("「%(email)s」が重複しています。") % {"email": email})
                continue
            parsed[email] = values
    except ImportFileError as error:
        report.add(0, str(error))
        return report
    if not report.ok:
        return report
    with transaction.atomic():
        existing = {r.email: r for r in Recipient.unscoped.filter(group=group)}
        new, changed = [], []
        for email, values in parsed.items():
            fields = {
                "name": values["name"][:100],
                "department": values.get("department", "")[:100],
                "job_type": values.get("job_type", "")[:100],
            }
            current = existing.get(email)
            if current is None:
                new.append(Recipient(group=group, email=email, **fields))
            elif any(getattr(current, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(current, k, v)
                changed.append(current)
        Recipient.unscoped.bulk_create(new, batch_size=1000)
        Recipient.unscoped.bulk_update(changed, ["name", "department", "job_type"], batch_size=1000)
        report.created, report.updated = len(new), len(changed)
        audit.record(
            "action",
            "training.recipients.import",
            group,
            changes={"rows": report.rows, "created": report.created, "updated": report.updated},
        )
    return report


# --- campaigns ---------------------------------------------------------------------------------
def _window(campaign: Campaign) -> rules.SendWindow:
    tz = timezone.get_current_timezone()
    return rules.SendWindow(
        start=campaign.window_start.astimezone(tz),
        end=campaign.window_end.astimezone(tz),
        day_start_hour=campaign.day_start_hour,
        day_end_hour=campaign.day_end_hour,
        weekdays_only=campaign.weekdays_only,
    )


WINDOW_MESSAGES = {
    "order": gettext_lazy("送信終了は送信開始より後にしてください。"),
    "past": gettext_lazy("送信期間がすでに過ぎています。"),
    "hours": gettext_lazy("毎日の送信時刻は 0〜24 時の範囲で、開始を終了より前にしてください。"),
    "closed": gettext_lazy("送信期間の中に送信できる時間帯（平日の送信時刻内）がありません。"),
}


def _check_window(campaign: Campaign, now: dt.datetime) -> None:
    problems = rules.window_problems(_window(campaign), now)
    if problems:
        raise TrainingError(" ".join(str(WINDOW_MESSAGES[p]) for p in problems))


@transaction.atomic
def create_campaign(
    *,
    facility: Facility,
    name: str,
    group: RecipientGroup,
    template: MailTemplate,
    window_start: dt.datetime,
    window_end: dt.datetime,
    by: Any,
    day_start_hour: int = 9,
    day_end_hour: int = 17,
    weekdays_only: bool = True,
) -> Campaign:
    _require_runner(by, facility.pk)
    if group.facility_id != facility.pk:
        raise TrainingError(_("対象グループがこの施設のものではありません。"))
    if template.facility_id not in (None, facility.pk):
        raise TrainingError(_("このテンプレートはこの施設では使えません。"))
    campaign = Campaign(
        facility=facility,
        name=name,
        group=group,
        template=template,
        window_start=window_start,
        window_end=window_end,
        day_start_hour=day_start_hour,
        day_end_hour=day_end_hour,
        weekdays_only=weekdays_only,
        created_by=by,
        run_by_association=is_training_staff(by),
    )
    _check_window(campaign, timezone.now())
    campaign.save()
    return campaign


def _transition(campaign: Campaign, action: str, by: Any, **changes: Any) -> Campaign:
    """Move the campaign along the workflow, with one audit event naming the action."""
    locked = Campaign.unscoped.select_for_update().get(pk=campaign.pk)
    target = rules.next_state(locked.state, action)
    if target is None:
        raise TrainingError(
            _("「%(state)s」の訓練にはこの操作はできません。")
            % {"state": locked.get_state_display()}
        )
    before = locked.state
    locked.state = target
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    audit.record(
        "action",
        f"training.campaign.{action}",
        locked,
        changes={"state": [before, target], "by": getattr(by, "pk", None)},
    )
    if action == "start":
        transaction.on_commit(_start_report_reading)
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def submit_for_approval(*, campaign: Campaign, by: Any) -> Campaign:
    _require_runner(by, campaign.facility_id)
    if not Recipient.unscoped.filter(group=campaign.group).exists():
        raise TrainingError(_("対象グループに訓練対象者がいません。"))
    _check_window(campaign, timezone.now())
    return _transition(campaign, "submit", by)


def may_approve(campaign: Campaign, user: Any) -> bool:
    if user is None or user.pk == campaign.created_by_id:
        return False
    if campaign.run_by_association:
        return is_training_staff(user)
    return runs_training_for(user, campaign.facility_id) and not is_training_staff(user)


@transaction.atomic
def approve(*, campaign: Campaign, by: Any, now: dt.datetime | None = None) -> Campaign:
    """The second person's approval: every address is checked again and one message per
    recipient is queued, spread over the send window."""
    now = now or timezone.now()
    if by.pk == campaign.created_by_id:
        raise TrainingError(_("訓練を作成した本人は承認できません。別の担当者が承認してください。"))
    if not may_approve(campaign, by):
        if campaign.run_by_association:
            raise TrainingError(_("医師会が実施する訓練は、医師会の担当者が承認します。"))
        raise TrainingError(_("この訓練は、施設の管理者が承認します。"))
    _check_window(campaign, now)
    domains, approved = allowed_targets(campaign.facility_id)
    recipients = list(Recipient.unscoped.filter(group=campaign.group).order_by("pk"))
    refused = [r.email for r in recipients if not rules.address_allowed(r.email, domains, approved)]
    if refused:
        raise TrainingError(
            _("確認済みのドメインにないアドレスがあります: %(emails)s")
            % {"emails": ", ".join(refused[:10])}
        )
    campaign = _transition(campaign, "approve", by, approved_by=by, approved_at=now)
    window = _window(campaign)
    start = max(window.start, now)
    closed = frozenset(
        day for day, _name in jpholiday.between(window.start.date(), window.end.date())
    )
    times = rules.spread(
        len(recipients),
        rules.SendWindow(
            start, window.end, window.day_start_hour, window.day_end_hour, window.weekdays_only
        ),
        closed,
    )
    if len(times) < len(recipients):
        times = [start] * len(recipients)
    Message.unscoped.bulk_create(
        [
            Message(campaign=campaign, recipient=r, due_at=t)
            for r, t in zip(recipients, times, strict=True)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    enqueue_sending()
    return campaign


@transaction.atomic
def withdraw(*, campaign: Campaign, by: Any) -> Campaign:
    _require_runner(by, campaign.facility_id)
    return _transition(campaign, "withdraw", by)


@transaction.atomic
def pause(*, campaign: Campaign, by: Any) -> Campaign:
    _require_runner(by, campaign.facility_id)
    return _transition(campaign, "pause", by)


@transaction.atomic
def resume(*, campaign: Campaign, by: Any) -> Campaign:
    _require_runner(by, campaign.facility_id)
    campaign = _transition(campaign, "resume", by)
    enqueue_sending()
    return campaign


@transaction.atomic
def cancel(*, campaign: Campaign, by: Any) -> Campaign:
    _require_runner(by, campaign.facility_id)
    campaign = _transition(campaign, "cancel", by)
    Message.unscoped.filter(campaign=campaign, state=MessageState.QUEUED).update(
        state=MessageState.CANCELLED
    )
    return campaign


def start_if_due(campaign: Campaign, by: Any = None) -> Campaign:
    """A scheduled campaign starts sending once its window opens."""
    with transaction.atomic():
        if campaign.state == CampaignState.SCHEDULED and campaign.window_start <= timezone.now():
            return _transition(campaign, "start", by)
    return campaign


def _start_report_reading() -> None:
    """Reports come in once mail goes out: the mailbox is read from then on."""
    from .tasks import schedule_report_reading

    schedule_report_reading()


def finish_if_done(campaign: Campaign) -> Campaign:
    with transaction.atomic():
        pending = Message.unscoped.filter(
            campaign=campaign,
            state__in=[MessageState.QUEUED, MessageState.CLAIMED, MessageState.SENDING],
        ).exists()
        if campaign.state == CampaignState.SENDING and not pending:
            return _transition(campaign, "finish", None, finished_at=timezone.now())
    return campaign


def import_recipients_upload(*, group: RecipientGroup, upload: Any, by: Any) -> ImportReport:
    """An uploaded staff list: stored through the documents module (type check, virus scan,
    encryption) and then imported all-or-nothing. ``DocumentRejected`` when it may not be kept."""
    import tempfile

    from medcyber.core.documents import FileType, open_document, store_upload

    _require_runner(by, group.facility_id)
    document = store_upload(
        upload,
        purpose="training_recipients",
        owner=by,
        facility=group.facility,
        allowed_types=frozenset({FileType.CSV, FileType.XLSX}),
    )
    suffix = Path(document.original_name).suffix.lower() or ".csv"
    with tempfile.TemporaryDirectory(prefix="medcyber-training-") as folder:
        path = Path(folder) / f"recipients{suffix}"
        path.write_bytes(open_document(document))
        return import_recipients(group=group, path=path, by=by)


def enqueue_sending() -> None:
    """Wake the task workers once the change is committed."""
    from .tasks import send_due_messages

    transaction.on_commit(lambda: send_due_messages.enqueue())
