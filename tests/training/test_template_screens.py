"""The template screens: a facility admin writes the facility's own training mail, sees each
mistake next to its field in Japanese, previews it with sample values, and no other facility
sees or edits it. The programme's library is read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.training.models import MailTemplate
from tests import factories

from .conftest import Clinic, library_template, make_clinic

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _values(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    values = {
        "facility": clinic.facility.pk,
        "name": "院内システム更新のお知らせ",
        "kind": "account",
        "difficulty": 2,
        "sender_name": "情報システム係",
        "sender_local_part": "it-support",
        "subject": "{{ facility_name }} システム更新",
        "body_text": "{{ recipient_name }} 様\n{{ link }} から確認してください。",
        "link_label": "確認する",
        "login_form_title": "",
        "attachment_kind": "pdf",
        "attachment_name": "手順書.pdf",
        "signs_text": "差出人のアドレスが院外\n\n急がせる文面",
    }
    values.update(changes)
    return values


def test_an_admin_creates_a_template_and_previews_it(clinic: Clinic) -> None:
    client = _client(clinic.admin)
    response = client.post(reverse("training:template_create"), _values(clinic))
    template = MailTemplate.unscoped.get(name="院内システム更新のお知らせ")
    assert response["Location"] == reverse("training:template_detail", args=[template.pk])
    assert template.facility == clinic.facility
    assert template.signs == ["差出人のアドレスが院外", "急がせる文面"]
    assert template.attachment_name == "手順書.pdf"
    assert AuditEvent.objects.filter(kind="create", object_id=str(template.pk)).exists()

    page = client.get(response["Location"]).content.decode()
    assert f"{clinic.facility.name} システム更新" in page  # the subject, filled in
    assert "山田 花子 様" in page
    assert "編集する" in page

    listing = client.get(reverse("training:template_list")).content.decode()
    assert "院内システム更新のお知らせ" in listing and "標準" in listing


def test_an_admin_edits_the_template_and_the_change_is_audited(clinic: Clinic) -> None:
    client = _client(clinic.admin)
    client.post(reverse("training:template_create"), _values(clinic))
    template = MailTemplate.unscoped.get(name="院内システム更新のお知らせ")
    url = reverse("training:template_edit", args=[template.pk])
    assert "差出人のアドレスが院外" in client.get(url).content.decode()
    response = client.post(url, _values(clinic, subject="【至急】パスワードの期限"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "【至急】パスワードの期限"
    assert template.facility == clinic.facility
    assert AuditEvent.objects.filter(kind="update", object_id=str(template.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body_text": "{{ password }} {{ link }}"}, "使えない差し込み項目があります: password"),
        ({"subject": "{{ recipient_name 様"}, "差し込み項目の括弧 {{ }} が閉じていません。"),
        (
            {"body_text": "リンクなし"},
            "本文に {{ link }}（訓練ページへのリンク）を入れてください。",
        ),
        ({"attachment_name": "請求書.exe"}, "「.pdf」で終わり"),
        ({"attachment_name": "請求書.pdf.exe"}, "「.pdf」で終わり"),
        ({"attachment_kind": "", "attachment_name": "a.txt"}, "名前も空にしてください"),
        ({"sender_local_part": "総務"}, "半角英数字"),
    ],
)
def test_bad_input_is_explained_in_japanese_and_nothing_is_saved(
    clinic: Clinic, changes: dict[str, Any], message: str
) -> None:
    before = MailTemplate.unscoped.count()
    response = _client(clinic.admin).post(
        reverse("training:template_create"), _values(clinic, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"')
    assert MailTemplate.unscoped.count() == before


def test_another_facility_never_sees_or_edits_the_template(clinic: Clinic) -> None:
    _client(clinic.admin).post(reverse("training:template_create"), _values(clinic))
    template = MailTemplate.unscoped.get(name="院内システム更新のお知らせ")
    other = make_clinic(domain="other-clinic.example.jp")
    client = _client(other.admin)
    assert (
        "院内システム更新のお知らせ"
        not in client.get(reverse("training:template_list")).content.decode()
    )
    for name in ("training:template_detail", "training:template_edit"):
        assert client.get(reverse(name, args=[template.pk])).status_code == 404
    response = client.post(
        reverse("training:template_edit", args=[template.pk]), _values(other, subject="乗っ取り")
    )
    assert response.status_code == 404
    # nor can it be created for a facility the admin does not run
    response = client.post(reverse("training:template_create"), _values(clinic, name="他院用"))
    assert response.status_code == 200
    assert not MailTemplate.unscoped.filter(name="他院用").exists()
    template.refresh_from_db()
    assert template.subject != "乗っ取り"


def test_the_library_is_read_only(clinic: Clinic) -> None:
    template = library_template()
    client = _client(clinic.admin)
    page = client.get(reverse("training:template_detail", args=[template.pk])).content.decode()
    assert "標準テンプレート（変更できません）" in page and "編集する" not in page
    assert client.get(reverse("training:template_edit", args=[template.pk])).status_code == 404
    staff = _client(factories.staff_user(Role.ASSOCIATION_ADMIN))
    assert staff.get(reverse("training:template_edit", args=[template.pk])).status_code == 404
