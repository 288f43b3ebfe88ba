"""Each main page renders for the person it is for, and refuses the others."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from medcyber.accounts.models import ApiToken
from medcyber.accounts.roles import Role
from medcyber.core import audit
from medcyber.core.models import AuditEvent, ProgrammeContact
from tests.factories import (
    TEST_PASSWORD,
    FacilityFactory,
    member_with_facility,
    staff_user,
)

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"mcy_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")


def text(response: Any) -> str:
    return response.content.decode()


def test_home_renders_for_anonymous_visitors(client: Any) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = text(response)
    assert "日本医師会 サイバーセキュリティ支援制度" in page
    assert reverse("account_login") in page
    assert ProgrammeContact.current().desk_phone in page
    assert 'href="#main"' in page  # skip link


def test_dashboard_requires_sign_in(client: Any) -> None:
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_sees_their_facility_but_not_another_members(client: Any) -> None:
    user, _member, facility = member_with_facility(family_name="佐藤", given_name="花子")
    _other_user, _other_member, other_facility = member_with_facility()
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    page = text(response)
    assert "佐藤 花子 様" in page
    assert facility.name in page
    assert reverse("facility_detail", args=[facility.pk]) in page
    assert facility.medical_institution_code in page
    assert "診療所" in page
    assert other_facility.name not in page


def test_member_without_facilities_sees_the_empty_state(client: Any) -> None:
    user, _member, facility = member_with_facility()
    facility.managements.all().delete()
    client.force_login(user)

    page = text(client.get(reverse("dashboard")))

    assert "表示できる施設はありません" in page


def test_staff_dashboard_lists_their_roles(client: Any) -> None:
    client.force_login(staff_user(Role.AUDITOR))

    page = text(client.get(reverse("dashboard")))

    assert "職員メニュー" in page
    assert "監査担当" in page
    assert reverse("audit_search") in page


def test_facility_detail_shows_fields_and_japanese_dates(client: Any) -> None:
    user, member, facility = member_with_facility()
    client.force_login(user)

    response = client.get(reverse("facility_detail", args=[facility.pk]))

    assert response.status_code == 200
    page = text(response)
    assert facility.name in page
    assert facility.address in page
    assert "医療機関コード" in page
    assert str(member) in page
    assert "開設者・管理者" in page
    assert "2015年4月1日" in page  # the management's valid_from, in the Japanese date format


def test_facility_of_another_member_is_not_found(client: Any) -> None:
    user, _member, _facility = member_with_facility()
    stranger_facility = FacilityFactory()
    client.force_login(user)

    response = client.get(reverse("facility_detail", args=[stranger_facility.pk]))

    assert response.status_code == 404
    assert "ページが見つかりません" in text(response)
    assert stranger_facility.name not in text(response)


def test_auditor_searches_the_audit_trail_and_pages_keep_the_filters(client: Any) -> None:
    for n in range(60):
        audit.record("action", "test.page", object_repr=f"記録{n}")
    client.force_login(staff_user(Role.AUDITOR))

    response = client.get(reverse("audit_search"), {"q": "test.page", "kind": "action"})

    assert response.status_code == 200
    page = text(response)
    assert "記録59" in page
    assert "記録0" not in page  # the oldest events are on the second page
    assert "q=test.page" in page and "kind=action" in page and "page=2" in page
    filters = {"q": "test.page", "kind": "action", "page": 2}
    second = text(client.get(reverse("audit_search"), filters))
    assert "記録0" in second


def test_audit_search_shows_form_errors(client: Any) -> None:
    client.force_login(staff_user(Role.AUDITOR))

    response = client.get(
        reverse("audit_search"), {"date_from": "2025-04-02", "date_to": "2025-04-01"}
    )

    assert response.status_code == 200
    assert "終了日は開始日以降の日付にしてください。" in text(response)


def test_member_may_not_search_the_audit_trail(client: Any) -> None:
    user, _member, _facility = member_with_facility()
    client.force_login(user)

    response = client.get(reverse("audit_search"))

    assert response.status_code == 403
    assert "このページを表示する権限がありません" in text(response)


def test_api_token_is_shown_once_and_can_be_revoked(client: Any) -> None:
    user, _member, _facility = member_with_facility()
    client.force_login(user)
    url = reverse("api_tokens")

    created = client.post(url, {"name": "院内システム", "expires_in_days": "90"})

    assert created.status_code == 200
    match = TOKEN_RE.search(text(created))
    assert match, "the new token is shown"
    assert "このトークンは今回しか表示されません。" in text(created)
    plain = match.group(0)

    reloaded = text(client.get(url))
    assert plain not in reloaded
    assert "院内システム" in reloaded
    assert "有効" in reloaded

    token = ApiToken.objects.get(user=user)
    revoked = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)

    assert revoked.status_code == 200
    assert "APIトークン「院内システム」を失効させました。" in text(revoked)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert reverse("api_token_revoke", args=[token.pk]) not in text(revoked)


def test_api_token_form_errors_are_shown(client: Any) -> None:
    user, _member, _facility = member_with_facility()
    client.force_login(user)

    response = client.post(reverse("api_tokens"), {"name": "", "expires_in_days": "90"})

    assert response.status_code == 200
    assert 'class="errorlist' in text(response)
    assert not ApiToken.objects.filter(user=user).exists()


def test_login_page_uses_the_platform_layout(client: Any) -> None:
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    page = text(response)
    assert 'class="site-header"' in page
    assert ProgrammeContact.current().desk_phone in page
    assert 'name="login"' in page and 'name="password"' in page


def test_staff_without_mfa_sees_the_totp_setup_in_the_layout(client: Any) -> None:
    user = staff_user(Role.DESK_TIER1, mfa=False)
    signed_in = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    page = text(response)
    assert 'class="site-header"' in page
    assert "data:image/svg+xml" in page  # the QR code
    assert 'name="code"' in page
    assert ProgrammeContact.current().desk_phone in page


def test_sign_out_is_a_post_form(client: Any) -> None:
    user, _member, _facility = member_with_facility()
    client.force_login(user)

    page = text(client.get(reverse("dashboard")))
    assert f'action="{reverse("account_logout")}" method="post"' in page

    client.post(reverse("account_logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_server_error_page_is_static_and_bilingual(rf: Any, django_assert_num_queries: Any) -> None:
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    page = text(response)
    assert "システムエラーが発生しました" in page
    assert "A system error occurred" in page


def test_the_stylesheet_and_htmx_are_served(client: Any) -> None:
    page = text(client.get(reverse("home")))

    assert "/static/medcyber/site.css" in page
    assert "htmx" in page
    assert finders.find("medcyber/site.css"), "add BASE_DIR / 'static' to STATICFILES_DIRS"


def test_auditors_download_the_search_as_csv(client) -> None:
    FacilityFactory(name="書き出し対象クリニック")
    auditor = staff_user(Role.AUDITOR)
    client.force_login(auditor)
    response = client.get("/staff/audit/", {"q": "registry.facility", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the mark
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["seq", "occurred_at", "actor"]
    assert any(row[7] == "書き出し対象クリニック" for row in rows[1:])
    assert AuditEvent.objects.filter(action="core.audit.export", actor=auditor).exists()


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (
            Role.ASSOCIATION_ADMIN,
            ["会員・施設検索", "ファイルの取り込み", "監査ログ", "管理画面"],
            [],
        ),
        (Role.DESK_TIER1, ["会員・施設検索"], ["ファイルの取り込み", "監査ログ", "管理画面"]),
        (Role.AUDITOR, ["会員・施設検索", "監査ログ"], ["ファイルの取り込み", "管理画面"]),
        (Role.CONTENT_EDITOR, [], ["会員・施設検索", "ファイルの取り込み", "監査ログ"]),
    ],
)
def test_the_menu_offers_what_each_role_may_open(client, role, shown, hidden) -> None:
    client.force_login(staff_user(role))
    nav = re.search(r'<nav class="site-nav".*?</nav>', text(client.get(reverse("dashboard"))), re.S)
    assert nav is not None
    for label in shown:
        assert label in nav.group(0), label
    for label in hidden:
        assert label not in nav.group(0), label
