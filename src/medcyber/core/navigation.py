"""The navigation each user sees, by role. Later apps add their entries here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: How long the menu may show or hide the training entry after a facility-admin link or a
#: facility's management changed. Only the link's visibility: the training screens
#: themselves check who runs which facility's training on every request.
TRAINING_ENTRY_SECONDS = 60


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


def navigation_for(user: Any) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    # The apps' own rules, imported here: desk.navigation builds on NavItem above.
    from medcyber.claims.queries import may_pay
    from medcyber.desk.navigation import desk_items

    items = [NavItem(_("ダッシュボード"), reverse("dashboard"))]
    items += desk_items(user)
    items.append(NavItem(_("インシデントと報告"), reverse("incidents:list")))
    items.append(NavItem(_("支援金の申請"), reverse("claims:list")))
    if may_pay(user):
        items.append(NavItem(_("振込バッチ"), reverse("claims:batch_list")))
    if user.sees_all_facilities:
        items.append(NavItem(_("会員・施設検索"), reverse("registry:member_search")))
        if user.has_role("association_admin"):
            items.append(NavItem(_("ファイルの取り込み"), reverse("registry:import_list")))
        items.append(NavItem(_("日本医師会への報告一覧"), reverse("incidents:jma_report_list")))
        items.append(NavItem(_("自己点検の状況"), reverse("guideline:overview")))
        if user.has_role("association_admin"):
            items.append(NavItem(_("チェックリストの版"), reverse("guideline:checklist_list")))
    else:
        items.append(NavItem(_("セキュリティ自己点検"), reverse("guideline:home")))
    if _shows_training(user):
        items.append(NavItem(_("メール訓練"), reverse("training:campaign_list")))
    items.append(NavItem(_("ポータル"), reverse("portal:index")))
    if user.staff_cleared and (
        user.is_superuser or user.has_role("content_editor", "association_admin")
    ):
        items.append(NavItem(_("コンテンツ編集"), reverse("portal:editor_list")))
    if user.may_search_audit:
        items.append(NavItem(_("監査ログ"), reverse("audit_search")))
    if user.staff_cleared and (user.is_superuser or user.has_role("association_admin")):
        items.append(NavItem(_("管理画面"), reverse("admin:index")))
    items.append(NavItem(_("APIトークン"), reverse("api_tokens")))
    items.append(NavItem(_("二要素認証"), reverse("mfa_index")))
    return items


def _shows_training(user: Any) -> bool:
    """Whether the user runs any facility's training: association staff by their roles (no
    query), everyone else by their facilities, which costs a query and so is kept a minute in
    the shared cache rather than asked on every page."""
    from medcyber.training.access import is_training_staff, may_use_training

    if is_training_staff(user):
        return True
    key = f"nav:training:{user.pk}:{timezone.localdate():%Y%m%d}"
    shown = cache.get(key)
    if shown is None:
        shown = may_use_training(user)
        cache.set(key, shown, TRAINING_ENTRY_SECONDS)
    return bool(shown)
