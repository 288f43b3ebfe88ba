"""Every write to the portal: one function per thing an editor does, one transaction each,
the audit events written by the models (AuditedModel) and :func:`audit.record` inside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core import audit, fulltext
from medcyber.core.documents import FileType, store_upload

from . import markdown
from .models import (
    Alert,
    ContentImage,
    ContentItem,
    ContentKind,
    ContentStatus,
    ContentVersion,
    Tag,
)

#: Bumped whenever what readers see changes: the cached lists and pages are keyed on it.
GENERATION_KEY = "portal:generation"

#: One web process's copy of the readers' state (see ``queries.reader_state``), forgotten
#: at once by this process's own writes; other processes ask the cache again within
#: ``queries.STATE_MEMO_SECONDS``.
STATE_MEMO: dict[str, Any] = {}

#: A publication time this far in the past still counts as "now" (the form took a while).
PUBLISH_GRACE = dt.timedelta(minutes=1)

#: The fields an editor sets (besides tags); the version snapshot keeps them all.
EDITABLE_FIELDS = (
    "kind", "title", "summary", "body", "category", "audience", "is_charged", "volume", "number",
    "issue_date", "table_of_contents", "video_url", "duration_seconds", "captions",
    "checklist_items",
)  # fmt: skip


class PortalError(Exception):
    """A refusal with a message for the editor."""


@dataclass
class EditConflict(PortalError):
    """Another editor saved the item after this editor opened it."""

    current: ContentItem
    message: str = field(default="")

    def __str__(self) -> str:
        return self.message


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = int(timezone.now().timestamp())
        cache.add(GENERATION_KEY, value, timeout=None)
    return int(value)


def checklist_codes(text: str) -> str:
    """Checklist item codes as typed (「１－１、2-3」) in their stored form ("1-1,2-3")."""
    text = fulltext.normalise(text).replace("ー", "-").replace("、", ",").replace(" ", ",")
    return ",".join(dict.fromkeys(code for code in text.split(",") if code))


def _bump_generation() -> None:
    STATE_MEMO.clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(timezone.now().timestamp()), timeout=None)


def _reader_content_changed() -> None:
    # Now, and again after commit: a reader who cached the old state in between (or a state
    # that was then rolled back) never keeps it.
    _bump_generation()
    transaction.on_commit(_bump_generation)


def _refresh_derived(item: ContentItem) -> None:
    item.body_html = markdown.render(item.body)
    item.search_title = fulltext.normalise(item.title)
    item.search_text = fulltext.document(
        item.title, item.summary, item.body, item.table_of_contents, item.captions
    )


def _snapshot(item: ContentItem, *, by: Any, note: str) -> ContentVersion:
    fields: dict[str, Any] = {
        name: getattr(item, name)
        for name in EDITABLE_FIELDS
        if name not in ("title", "summary", "body", "category")
    }
    fields["category_id"] = item.category_id
    fields["tags"] = sorted(item.tags.values_list("name", flat=True))
    fields["publish_at"] = item.publish_at
    fields["pdf_id"] = item.pdf_id
    version = ContentVersion(
        item=item,
        number=item.version,
        status=item.status,
        title=item.title,
        summary=item.summary,
        body=item.body,
        fields=audit._jsonable(fields),
        saved_by=by if getattr(by, "is_authenticated", False) else None,
        note=note,
    )
    version.save()
    return version


def _set_tags(item: ContentItem, names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in dict.fromkeys(names) if name]
    item.tags.set(tags)


def _locked(item: ContentItem) -> ContentItem:
    return ContentItem.objects.select_for_update().get(pk=item.pk)


def save_item(
    *,
    item: ContentItem | None,
    by: Any,
    values: dict[str, Any],
    tags: list[str],
    base_version: int | None,
) -> ContentItem:
    """Create an item (a draft) or save an edit of one as its next version.

    ``base_version`` is the version the editor opened; when someone saved the item since,
    :class:`EditConflict` is raised and nothing is written (the editor's text is still in
    their form).
    """
    with transaction.atomic():
        if item is None:
            item = ContentItem(created_by=by, status=ContentStatus.DRAFT, version=1)
        else:
            item = _locked(item)
            if base_version != item.version:
                raise EditConflict(
                    current=item,
                    message=_(
                        "この記事は、開いた後に別の編集者が保存しました（第%(version)s版）。"
                        "あなたの入力は消えていません。下の最新の内容と見比べてから、"
                        "もう一度保存してください。"
                    )
                    % {"version": item.version},
                )
            item.version += 1
        for name, value in values.items():
            if name in EDITABLE_FIELDS:
                setattr(item, name, value)
        if item.kind != ContentKind.JOURNAL:
            item.volume = item.number = item.issue_date = None
        item.checklist_items = checklist_codes(item.checklist_items or "")
        item.updated_by = by
        _refresh_derived(item)
        item.full_clean(exclude=["created_by", "updated_by", "pdf"])
        item.save()
        _set_tags(item, tags)
        _snapshot(item, by=by, note="saved")
        if item.status == ContentStatus.PUBLISHED:
            _reader_content_changed()
    return item


def _change_status(item: ContentItem, *, by: Any, status: str, note: str, **extra: Any) -> None:
    item.status = status
    for name, value in extra.items():
        setattr(item, name, value)
    item.version += 1
    item.updated_by = by
    item.save()
    _snapshot(item, by=by, note=note)
    audit.record("change", f"portal.item.{note}", item, changes={"status": status, **extra})
    _reader_content_changed()


def request_review(*, item: ContentItem, by: Any) -> ContentItem:
    """Ask another editor to check the item before it is published."""
    with transaction.atomic():
        item = _locked(item)
        if item.status not in (ContentStatus.DRAFT, ContentStatus.UNPUBLISHED):
            raise PortalError(_("下書きまたは公開停止中の記事だけ確認を依頼できます。"))
        _change_status(
            item,
            by=by,
            status=ContentStatus.REVIEW,
            note="review_requested",
            review_requested_by_id=getattr(by, "pk", None),
            reviewed_by_id=None,
            reviewed_at=None,
        )
    return item


def _check_publication_time(at: dt.datetime | None, now: dt.datetime) -> None:
    if at is not None and at < now - PUBLISH_GRACE:
        raise PortalError(
            _(
                "公開日時が過去になっています。今より後の日時を指定するか、空欄にして今すぐ公開してください。"
            )
        )


def _publish_locked(
    item: ContentItem, *, by: Any, at: dt.datetime | None, now: dt.datetime
) -> None:
    if not item.title.strip():
        raise PortalError(_("タイトルのない記事は公開できません。"))
    if item.kind == ContentKind.JOURNAL and item.pdf_id is None:
        raise PortalError(_("ジャーナルはPDFファイルを登録してから公開してください。"))
    when = at if at is not None and at > now else now
    note = "scheduled" if when > now else "published"
    _change_status(item, by=by, status=ContentStatus.PUBLISHED, note=note, publish_at=when)


def publish(
    *, item: ContentItem, by: Any, at: dt.datetime | None = None, now: dt.datetime | None = None
) -> ContentItem:
    """Publish now, or at ``at`` (a scheduled publication); a time in the past is refused."""
    now = now or timezone.now()
    _check_publication_time(at, now)
    with transaction.atomic():
        item = _locked(item)
        _publish_locked(item, by=by, at=at, now=now)
    return item


def approve(
    *, item: ContentItem, by: Any, at: dt.datetime | None = None, now: dt.datetime | None = None
) -> ContentItem:
    """A second editor approves an item waiting for review and publishes it (now or at
    ``at``). The editor who asked for the review, or who saved the version under review,
    may not approve it: the point is a second pair of eyes."""
    now = now or timezone.now()
    _check_publication_time(at, now)
    with transaction.atomic():
        item = _locked(item)
        if item.status != ContentStatus.REVIEW:
            raise PortalError(_("確認待ちの記事ではありません。"))
        authors = {item.review_requested_by_id, item.updated_by_id} - {None}
        if getattr(by, "pk", None) in authors:
            raise PortalError(
                _(
                    "ご自身が書いた、または確認を依頼した記事は承認できません。"
                    "別の編集者に承認を依頼してください。"
                )
            )
        item.reviewed_by = by
        item.reviewed_at = now
        audit.record(
            "change",
            "portal.item.approved",
            item,
            changes={"reviewed_by": getattr(by, "email", ""), "version": item.version},
        )
        _publish_locked(item, by=by, at=at, now=now)
    return item


def unpublish(*, item: ContentItem, by: Any) -> ContentItem:
    with transaction.atomic():
        item = _locked(item)
        if item.status != ContentStatus.PUBLISHED:
            raise PortalError(_("公開中または公開予定の記事ではありません。"))
        _change_status(item, by=by, status=ContentStatus.UNPUBLISHED, note="unpublished")
    return item


def attach_pdf(*, item: ContentItem, by: Any, file: Any) -> ContentItem:
    """Store a journal issue's PDF (type checked by content, scanned, encrypted); a file that
    is not a PDF is refused with :class:`~medcyber.core.documents.DocumentRejected`."""
    document = store_upload(file, purpose="portal_journal", owner=by, allowed_types={FileType.PDF})
    with transaction.atomic():
        item = _locked(item)
        item.pdf = document
        item.version += 1
        item.updated_by = by
        item.save()
        _snapshot(item, by=by, note="pdf_attached")
        if item.status == ContentStatus.PUBLISHED:
            _reader_content_changed()
    return item


IMAGE_TYPES = frozenset({FileType.PNG, FileType.JPEG, FileType.GIF})


def attach_image(*, item: ContentItem, by: Any, file: Any, alt_text: str) -> ContentImage:
    """Store an image for an item's Markdown (type checked by content, scanned, encrypted,
    audited); :class:`~medcyber.core.documents.DocumentRejected` for a file that is not a
    PNG, JPEG or GIF image or that the scan refuses."""
    alt_text = alt_text.strip()
    if not alt_text:
        raise PortalError(_("画像の説明（代替テキスト）を入力してください。"))
    document = store_upload(file, purpose="portal_image", owner=by, allowed_types=IMAGE_TYPES)
    with transaction.atomic():
        image = ContentImage(item=item, document=document, alt_text=alt_text[:200], uploaded_by=by)
        image.save()
    return image


# --- alerts ---------------------------------------------------------------------------------
def publish_alert(
    *,
    by: Any,
    title: str,
    body: str,
    audiences: list[str],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    link: str = "",
) -> Alert:
    """Show an urgent alert as a banner and e-mail it to facility administrators (by the task
    worker, once the alert is committed)."""
    from .tasks import email_alert

    if ends_at <= starts_at:
        raise PortalError(_("表示終了は表示開始より後にしてください。"))
    if not audiences:
        raise PortalError(_("表示する相手を1つ以上選んでください。"))
    with transaction.atomic():
        alert = Alert(
            title=title,
            body=body,
            link=link,
            audiences=list(audiences),
            starts_at=starts_at,
            ends_at=ends_at,
            published_by=by,
        )
        alert.full_clean(exclude=["published_by", "ended_by"])
        alert.save()
        transaction.on_commit(lambda: email_alert.enqueue(alert.pk))
        _reader_content_changed()
    return alert


#: How long a draft alert would show if staff publish it without changing its times.
DRAFT_ALERT_DAYS = 7


def create_alert_draft(
    title: str,
    body: str,
    audiences: list[str],
    source_ref: str,
    *,
    link: str = "",
) -> Alert:
    """A DRAFT urgent alert for staff to review and publish (shown to nobody, e-mailed to
    nobody until then), for other parts of the programme: e.g. the guideline's vulnerability
    catalogue when a known-exploited vulnerability hits many members.

    ``audiences`` are :class:`~medcyber.portal.models.Audience` values; ``source_ref`` names
    what the alert came from (e.g. ``"kev:CVE-2026-0001"``). Calling it again with the same
    ``source_ref`` while that alert is a draft or still showing returns the existing alert,
    so a repeated check never makes duplicates. :class:`PortalError` for bad input.
    """
    from .models import Audience

    title, body, source_ref = title.strip(), body.strip(), source_ref.strip()
    if not title or not body:
        raise PortalError(_("件名と本文を入力してください。"))
    if not source_ref:
        raise PortalError(_("作成元を指定してください。"))
    unknown = [a for a in audiences if a not in Audience.values]
    if not audiences or unknown:
        raise PortalError(_("表示する相手を1つ以上選んでください。"))
    now = timezone.now()
    with transaction.atomic():
        existing = (
            Alert.objects.select_for_update()
            .filter(source_ref=source_ref)
            .filter(Q(is_draft=True) | Q(ends_at__gt=now))
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        alert = Alert(
            title=title[:200],
            body=body,
            link=link,
            audiences=list(dict.fromkeys(audiences)),
            starts_at=now,
            ends_at=now + dt.timedelta(days=DRAFT_ALERT_DAYS),
            is_draft=True,
            source_ref=source_ref[:200],
        )
        alert.full_clean(exclude=["published_by", "ended_by"])
        alert.save()
    return alert


def publish_alert_draft(
    *,
    alert: Alert,
    by: Any,
    title: str,
    body: str,
    audiences: list[str],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    link: str = "",
) -> Alert:
    """Staff publish a draft alert as they edited it: a banner from ``starts_at`` and the
    e-mail to facility administrators, as :func:`publish_alert`."""
    from .tasks import email_alert

    if ends_at <= starts_at:
        raise PortalError(_("表示終了は表示開始より後にしてください。"))
    if not audiences:
        raise PortalError(_("表示する相手を1つ以上選んでください。"))
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if not alert.is_draft:
            raise PortalError(_("このお知らせはすでに掲載されています。"))
        alert.title, alert.body, alert.link = title, body, link
        alert.audiences = list(audiences)
        alert.starts_at, alert.ends_at = starts_at, ends_at
        alert.is_draft = False
        alert.published_by = by
        alert.full_clean(exclude=["published_by", "ended_by"])
        alert.save()
        transaction.on_commit(lambda: email_alert.enqueue(alert.pk))
        _reader_content_changed()
    return alert


def end_alert(*, alert: Alert, by: Any, now: dt.datetime | None = None) -> Alert:
    """End an alert now (its banner disappears at once); a scheduled one never shows."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.is_draft:
            raise PortalError(_("下書きのお知らせは終了できません。"))
        if alert.ends_at <= now:
            raise PortalError(_("このお知らせはすでに終了しています。"))
        if alert.starts_at >= now:  # scheduled: keep the period valid, it never showed
            alert.starts_at = now - dt.timedelta(seconds=1)
        alert.ends_at = now
        alert.ended_early_at = now
        alert.ended_by = by
        alert.save()
        _reader_content_changed()
    return alert


# --- registered portal users joining a facility -------------------------------------------
def link_registered_user(*, facility: Any, by: Any, email: str) -> Any:
    """A facility's administrator makes a registered portal user one of the facility's staff
    (PORTAL-2): the user then sees that facility's data, as its staff do."""
    from allauth.account.models import EmailAddress

    from medcyber.accounts.roles import Role
    from medcyber.accounts.services import grant_role
    from medcyber.registry.choices import FacilityStaffRole
    from medcyber.registry.models import FacilityStaff
    from medcyber.registry.services import link_staff

    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
        .select_related("user")
        .first()
    )
    if address is None or not address.user.is_active:
        raise PortalError(
            _("このメールアドレスで登録し、確認を済ませたポータル利用者が見つかりません。")
        )
    user = address.user
    if user.is_programme_staff:
        raise PortalError(_("医師会・窓口の職員は施設に紐づけられません。"))
    today = timezone.localdate()
    if FacilityStaff.unscoped.current(today).filter(facility=facility, user=user).exists():
        raise PortalError(_("この利用者は、すでにこの施設の職員です。"))
    with transaction.atomic():
        link = link_staff(
            facility=facility, user=user, role=FacilityStaffRole.STAFF, valid_from=today
        )
        grant_role(user=user, role=Role.FACILITY_STAFF)
        audit.record(
            "change",
            "portal.registered_user.linked",
            link,
            changes={"user": user.email, "by": getattr(by, "email", "")},
        )
    return link
