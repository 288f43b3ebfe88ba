"""The awareness portal's content (PORTAL-1, PORTAL-2, GL-4): articles and news, journal
issues, videos and FAQs, every saved version of them, urgent alerts and readers' last visits.

Content is the association's, not a facility's: it is not tenant data, so it has no scoping
manager. Who may read an item is its ``audience`` (see :mod:`medcyber.portal.audience`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcyber.core.audit import AuditedModel
from medcyber.core.scoping import ScopedQuerySet, UnscopedManager


class Audience(models.TextChoices):
    """Who may read an item, from the widest to the narrowest (each level sees the ones
    before it)."""

    PUBLIC = "public", _("一般公開")
    REGISTERED = "registered", _("ポータル登録者")
    MEMBERS = "members", _("制度加入者（A①会員の施設）")
    STAFF = "staff", _("医師会・窓口職員のみ")


AUDIENCE_ORDER = [Audience.PUBLIC, Audience.REGISTERED, Audience.MEMBERS, Audience.STAFF]


class ContentKind(models.TextChoices):
    ARTICLE = "article", _("記事・お知らせ")
    JOURNAL = "journal", _("サイバーリスクジャーナル")
    VIDEO = "video", _("動画")
    FAQ = "faq", _("よくある質問")


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    REVIEW = "review", _("確認待ち")
    PUBLISHED = "published", _("公開")
    UNPUBLISHED = "unpublished", _("公開停止")


class Category(AuditedModel):
    slug = models.SlugField(_("識別名"), max_length=40, unique=True)
    name = models.CharField(_("名前"), max_length=50)
    position = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("カテゴリー")
        verbose_name_plural = _("カテゴリー")
        ordering: ClassVar[list[str]] = ["position", "slug"]

    def __str__(self) -> str:
        return str(self.name)


class Tag(AuditedModel):
    name = models.CharField(_("名前"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("タグ")
        verbose_name_plural = _("タグ")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class ContentItemQuerySet(models.QuerySet["ContentItem"]):
    def live(self, now: Any = None) -> ContentItemQuerySet:
        """Published items whose publication time has come (scheduled ones appear by
        themselves when it does)."""
        now = now or timezone.now()
        return self.filter(status=ContentStatus.PUBLISHED, publish_at__lte=now)

    def for_audiences(self, audiences: list[str]) -> ContentItemQuerySet:
        return self.filter(audience__in=audiences)


class ContentItem(AuditedModel):
    """One piece of portal content. Journal and video fields are empty for other kinds."""

    kind = models.CharField(_("種類"), max_length=10, choices=ContentKind.choices)
    title = models.CharField(_("タイトル"), max_length=200)
    summary = models.CharField(_("概要"), max_length=400, blank=True)
    body = models.TextField(_("本文（Markdown）"), blank=True)
    body_html = models.TextField(editable=False, blank=True)  # sanitised, made on save
    category = models.ForeignKey(
        Category,
        verbose_name=_("カテゴリー"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("タグ"), blank=True, related_name="items")
    audience = models.CharField(
        _("公開範囲"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    is_charged = models.BooleanField(_("有料"), default=False)
    status = models.CharField(
        _("状態"), max_length=12, choices=ContentStatus.choices, default=ContentStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    # guideline materials (GL-4): the checklist items this item explains, e.g. "1-1,2-3"
    checklist_items = models.CharField(
        _("対応するチェックリスト項目"),
        max_length=200,
        blank=True,
        help_text=_("チェックリストの項目番号をカンマで区切って入力します（例：1-1, 2-3）。"),
    )
    # journal issues
    volume = models.PositiveSmallIntegerField(_("巻"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("号"), null=True, blank=True)
    issue_date = models.DateField(_("発行日"), null=True, blank=True)
    pdf = models.ForeignKey(
        "core.StoredDocument",
        verbose_name=_("PDFファイル"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    table_of_contents = models.TextField(_("目次（1行に1項目）"), blank=True)
    # videos
    video_url = models.URLField(_("動画のURL"), blank=True)
    duration_seconds = models.PositiveIntegerField(_("長さ（秒）"), null=True, blank=True)
    captions = models.TextField(_("字幕テキスト"), blank=True)

    # second-editor review: who asked, and the other editor who approved
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認の依頼者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("承認日時"), null=True, blank=True)

    search_text = models.TextField(editable=False, blank=True)  # core.fulltext.document(...)
    search_title = models.CharField(editable=False, max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ContentItemQuerySet.as_manager()

    audit_exclude = frozenset({"body_html", "search_text", "search_title"})

    class Meta:
        verbose_name = _("コンテンツ")
        verbose_name_plural = _("コンテンツ")
        ordering: ClassVar[list[str]] = ["-publish_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "kind", "-publish_at"], name="portal_item_list_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(kind__in=ContentKind.values), name="portal_item_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="portal_item_audience_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="portal_item_published_has_time",
            ),
            models.UniqueConstraint(
                fields=["volume", "number"],
                condition=Q(kind="journal"),
                name="portal_journal_issue_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ContentStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def checklist_codes(self) -> list[str]:
        return [code for code in self.checklist_items.split(",") if code]

    @property
    def toc_entries(self) -> list[str]:
        return [line.strip() for line in self.table_of_contents.splitlines() if line.strip()]

    @property
    def duration_label(self) -> str:
        if not self.duration_seconds:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class ContentVersion(models.Model):
    """Every saved state of an item, never changed or deleted: the item's history."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    status = models.CharField(_("状態"), max_length=12, choices=ContentStatus.choices)
    title = models.CharField(_("タイトル"), max_length=200)
    summary = models.CharField(_("概要"), max_length=400, blank=True)
    body = models.TextField(_("本文（Markdown）"), blank=True)
    fields = models.JSONField(_("その他の項目"), default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("保存日時"), auto_now_add=True)
    note = models.CharField(_("操作"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("コンテンツの版")
        verbose_name_plural = _("コンテンツの版")
        ordering: ClassVar[list[str]] = ["item", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "number"], name="portal_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"


class ContentImage(AuditedModel):
    """An image an editor uploaded for an item's Markdown (scanned and encrypted by
    ``core.documents``): served only to the readers the item's audience allows."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="images")
    document = models.ForeignKey("core.StoredDocument", on_delete=models.PROTECT, related_name="+")
    alt_text = models.CharField(_("画像の説明（代替テキスト）"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("記事の画像")
        verbose_name_plural = _("記事の画像")
        ordering: ClassVar[list[str]] = ["item", "pk"]

    def __str__(self) -> str:
        return str(self.alt_text)

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("portal:image", kwargs={"pk": self.pk})

    @property
    def markdown(self) -> str:
        """What the editor pastes into the body to show the image."""
        alt = self.alt_text.replace("[", "").replace("]", "")
        return f"![{alt}]({self.url})"


class ReaderVisit(models.Model):
    """When a signed-in reader last opened the portal: items published since are marked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_visit"
    )
    previous_visit_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ポータルの最終訪問")
        verbose_name_plural = _("ポータルの最終訪問")

    def __str__(self) -> str:
        return f"{self.user} {self.last_seen_at:%Y-%m-%d %H:%M}"


class Alert(AuditedModel):
    """An urgent alert (e.g. an actively exploited VPN flaw): a banner for the chosen
    audiences and an e-mail to facility administrators."""

    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    link = models.URLField(_("詳しい情報のURL"), blank=True)
    audiences = models.JSONField(_("表示する相手"), default=list)
    starts_at = models.DateTimeField(_("表示開始"))
    ends_at = models.DateTimeField(_("表示終了"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)
    emailed_count = models.PositiveIntegerField(_("送信数"), default=0)
    # a draft (e.g. made by another part of the programme) is shown to nobody until staff
    # publish it; source_ref says what it came from (e.g. "kev:CVE-2026-0001")
    is_draft = models.BooleanField(_("下書き"), default=False)
    source_ref = models.CharField(_("作成元"), max_length=200, blank=True, db_index=True)
    ended_early_at = models.DateTimeField(_("早期終了日時"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("緊急のお知らせ")
        verbose_name_plural = _("緊急のお知らせ")
        ordering: ClassVar[list[str]] = ["-starts_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="portal_alert_period"
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def audience_labels(self) -> str:
        labels = dict(Audience.choices)
        return "、".join(str(labels.get(a, a)) for a in self.audiences)

    def state(self, now: Any = None) -> str:
        """draft, scheduled, active or ended, at ``now``."""
        now = now or timezone.now()
        if self.is_draft:
            return "draft"
        if now < self.starts_at:
            return "scheduled"
        return "active" if now < self.ends_at else "ended"


# --- employee practice texts -----------------------------------------------------------------
class PracticeBook(AuditedModel):
    """A practice text for a facility's employees: chapters read on screen, printed as one
    page, each ending with a short quiz."""

    title = models.CharField(_("タイトル"), max_length=200, unique=True)
    summary = models.CharField(_("概要"), max_length=400, blank=True)
    audience = models.CharField(
        _("公開範囲"), max_length=12, choices=Audience.choices, default=Audience.MEMBERS
    )
    is_charged = models.BooleanField(_("有料"), default=False)
    is_published = models.BooleanField(_("公開"), default=False)

    class Meta:
        verbose_name = _("職員向け実践テキスト")
        verbose_name_plural = _("職員向け実践テキスト")
        ordering: ClassVar[list[str]] = ["title"]

    def __str__(self) -> str:
        return str(self.title)


class PracticeChapter(AuditedModel):
    book = models.ForeignKey(PracticeBook, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField(_("章"))
    title = models.CharField(_("タイトル"), max_length=200)
    body = models.TextField(_("本文（Markdown）"))
    body_html = models.TextField(editable=False, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)

    audit_exclude = frozenset({"body_html"})

    class Meta:
        verbose_name = _("章")
        verbose_name_plural = _("章")
        ordering: ClassVar[list[str]] = ["book", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["book", "number"], name="portal_chapter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.book} {self.number} {self.title}"


class PracticeChapterVersion(models.Model):
    """Every saved state of a chapter and its quiz, never changed or deleted."""

    chapter = models.ForeignKey(PracticeChapter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    title = models.CharField(_("タイトル"), max_length=200)
    body = models.TextField(_("本文（Markdown）"))
    quiz = models.TextField(_("確認問題"), blank=True)  # as the editor wrote it
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("保存日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("章の版")
        verbose_name_plural = _("章の版")
        ordering: ClassVar[list[str]] = ["chapter", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["chapter", "number"], name="portal_chapter_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"


class QuizQuestion(AuditedModel):
    chapter = models.ForeignKey(PracticeChapter, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("順番"))
    text = models.CharField(_("問題"), max_length=400)
    choices = models.JSONField(_("選択肢"))  # a list of strings
    correct_index = models.PositiveSmallIntegerField(_("正解の番号（0から）"))
    explanation = models.CharField(_("解説"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("確認問題")
        verbose_name_plural = _("確認問題")
        ordering: ClassVar[list[str]] = ["chapter", "position"]

    def __str__(self) -> str:
        return str(self.text)


class QuizResultQuerySet(ScopedQuerySet["QuizResult"]):
    def scope_for(self, user: Any) -> Any:
        """Everyone sees their own results; a facility's administrators see its staff's."""
        from medcyber.registry.choices import FacilityStaffRole
        from medcyber.registry.models import FacilityStaff

        if user.sees_all_facilities:
            return self.all()
        administered = (
            FacilityStaff.unscoped.current(timezone.localdate())
            .filter(user=user, role=FacilityStaffRole.ADMIN)
            .values_list("facility_id", flat=True)
        )
        return self.filter(Q(user=user) | Q(facility_id__in=list(administered)))


class QuizResult(AuditedModel):
    """One completed chapter quiz: the score, and the facility the person worked for then."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_results"
    )
    chapter = models.ForeignKey(PracticeChapter, on_delete=models.PROTECT, related_name="results")
    facility = models.ForeignKey(
        "registry.Facility",
        verbose_name=_("施設"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    correct = models.PositiveSmallIntegerField(_("正解数"))
    total = models.PositiveSmallIntegerField(_("問題数"))
    answered_at = models.DateTimeField(_("回答日時"), auto_now_add=True)

    objects = QuizResultQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(QuizResultQuerySet)()

    class Meta:
        verbose_name = _("確認問題の結果")
        verbose_name_plural = _("確認問題の結果")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["-answered_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(correct__lte=models.F("total")), name="portal_quiz_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.chapter} {self.correct}/{self.total}"

    def audit_facility_id(self) -> int | None:
        return self.facility_id

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.correct * 10 >= self.total * 8
