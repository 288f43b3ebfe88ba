"""The desk's pages: phone intake with caller lookup, the case page's htmx actions, queues,
and a member's web intake out of hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent, ProgrammeContact
from medcyber.desk import queries, services
from medcyber.desk.choices import Channel, Status, Tier
from medcyber.desk.models import Case, CaseEvent
from medcyber.desk.rules import DESK_TIME_ZONE
from medcyber.portal import services as portal_services
from tests import factories

pytestmark = pytest.mark.django_db

CASE = {
    "category": "cyber_attack",
    "severity": "urgent",
    "patient_data": "yes",
    "summary": "身代金を要求する画面が出た",
    "description": "受付のパソコン2台",
}


@pytest.fixture
def operator(client: Any) -> Any:
    user = factories.staff_user(Role.DESK_TIER1)
    client.force_login(user)
    return user


def test_caller_lookup_by_member_number_kana_and_phone(client: Any, operator: Any) -> None:
    _user, member, facility = factories.member_with_facility()
    url = reverse("desk:phone_intake")
    for query in (member.membership_number, "ｻｸﾗ", "さくら診療所", "03-3946-2121"):
        response = client.get(url, {"q": query}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        body = response.content.decode()
        assert f'value="{facility.pk}:{member.pk}"' in body, query
        assert "<html" not in body  # the fragment alone
    empty = client.get(url, {"q": "9999999"}, headers={"HX-Request": "true"}).content.decode()
    assert "台帳にありません" in empty


def test_a_known_caller_is_logged_in_one_post(client: Any, operator: Any) -> None:
    _user, member, facility = factories.member_with_facility()
    response = client.post(
        reverse("desk:phone_intake"), {"caller": f"{facility.pk}:{member.pk}", **CASE}
    )
    case = Case.unscoped.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "desk:case", args=[case.pk]
    )
    assert (case.facility, case.member, case.channel) == (facility, member, Channel.PHONE)
    assert case.caller_name == str(member)
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and "期限内" in page


def test_phone_intake_refuses_an_unknown_caller_key_and_a_missing_caller(
    client: Any, operator: Any
) -> None:
    response = client.post(reverse("desk:phone_intake"), {"caller": "999999:0", **CASE})
    assert "台帳に見つかりません" in response.content.decode()
    response = client.post(reverse("desk:phone_intake"), {"caller": "", **CASE})
    assert "氏名または電話番号を入力してください" in response.content.decode()
    assert not Case.unscoped.exists()


def test_html_in_text_fields_is_shown_escaped(client: Any, operator: Any) -> None:
    client.post(
        reverse("desk:phone_intake"),
        {"caller": "", "caller_name": "<script>alert(1)</script>", **CASE, "summary": "<b>x</b>"},
    )
    case = Case.unscoped.get()
    page = client.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>x</b>" not in page


def _case(operator: Any, facility: Any = None) -> Case:
    return services.open_case(
        by=operator,
        channel=Channel.PHONE,
        facility=facility,
        caller_name="電話の方",
        now=dt.datetime.now(dt.UTC),
        **CASE,
    )


def test_case_actions_answer_htmx_with_the_panel(client: Any, operator: Any) -> None:
    case = _case(operator)
    url = reverse("desk:case_escalate", args=[case.pk])
    response = client.post(
        url,
        {"version": case.version, "reason": "暗号化が広がっている"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="case-panel"' in body and "<html" not in body
    assert "2次対応" in body and "暗号化が広がっている" in body
    case.refresh_from_db()
    assert case.tier == Tier.TIER2
    # the same stale version again: a clear conflict, nothing changed
    stale = client.post(
        reverse("desk:case_note", args=[case.pk]),
        {"note-version": case.version - 1, "note-text": "古い画面から"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "他の担当者が先に更新しました" in stale
    assert not CaseEvent.unscoped.filter(kind="note").exists()


def test_an_operator_re_categorises_a_case_on_its_page(client: Any, operator: Any) -> None:
    case = _case(operator)
    response = client.post(
        reverse("desk:case_recategorise", args=[case.pk]),
        {"version": case.version, "category": "guideline", "severity": "low"},
        HTTP_HX_REQUEST="true",
    )
    panel = response.content.decode()
    assert response.status_code == 200 and 'id="case-panel"' in panel
    assert "期限を計算し直しました" in panel and "ガイドライン第6.0版・立入検査の質問" in panel
    case.refresh_from_db()
    assert (case.category, case.severity) == ("guideline", "low")


def test_a_note_and_a_message_without_htmx_redirect_back(client: Any, operator: Any) -> None:
    case = _case(operator)
    response = client.post(
        reverse("desk:case_message", args=[case.pk]),
        {"message-version": case.version, "message-text": "ケーブルを抜いてください"},
    )
    assert response.status_code == 302
    assert CaseEvent.unscoped.filter(kind="message", internal=False).count() == 1


def test_queue_and_breaches_show_the_sla_state(client: Any, operator: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, tzinfo=DESK_TIME_ZONE)):
        late = _case(operator)
    fresh = _case(operator)
    queue = client.get(reverse("desk:queue"), {"tier": "1"}).content.decode()
    assert late.reference in queue and fresh.reference in queue and "期限超過" in queue
    breaches = client.get(reverse("desk:breaches")).content.decode()
    assert late.reference in breaches and fresh.reference not in breaches


def _forget_shared_state() -> None:
    """Empty the cache and this process's short-lived copies of shared state (the portal's
    readers' state lives a second in memory): both measurements then start alike, however
    long the cases in between took to write."""
    cache.clear()
    portal_services.STATE_MEMO.clear()
    ProgrammeContact.forget_memo()


def test_the_queue_runs_the_same_queries_for_any_number_of_rows(client: Any, operator: Any) -> None:
    """No query per row: the page costs the same with 2 cases as with 12."""
    facility = factories.FacilityFactory()
    for _n in range(2):
        _case(operator, facility)
    client.get(reverse("desk:queue"), {"tier": "1"})  # warm: sessions, caches
    _forget_shared_state()  # measure the rendering, not the shared rows (desk.queue_cache)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("desk:queue"), {"tier": "1"})
    for _n in range(10):
        _case(operator, factories.FacilityFactory())
    _forget_shared_state()
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("desk:queue"), {"tier": "1"}).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "未完了の相談は 12 件です。" in page


@time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, 5, tzinfo=DESK_TIME_ZONE), tick=False)
def test_operators_share_rendered_rows_until_a_case_changes(client: Any, operator: Any) -> None:
    first = _case(operator)
    url = reverse("desk:queue")
    assert first.reference in client.get(url, {"tier": "1"}).content.decode()
    other = factories.staff_user(Role.DESK_TIER1)
    client.force_login(other)
    with CaptureQueriesContext(connection) as shared:
        client.get(url, {"tier": "1"}, HTTP_HX_REQUEST="true")
    assert not any("desk_case" in q["sql"] for q in shared.captured_queries), [
        q["sql"][:150] for q in shared.captured_queries
    ]
    second = _case(operator)  # a change: the next page is rendered afresh
    rows = client.get(url, {"tier": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert second.reference in rows and first.reference in rows
    seen = AuditEvent.objects.filter(action="desk.case.list", actor_id=other.pk)
    assert seen.count() == 2  # each look at the queue is in the audit trail, cached or not


def test_a_long_queue_is_counted_up_to_the_cap(
    client: Any, operator: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    for _n in range(5):
        _case(operator)
    page = client.get(reverse("desk:queue"), {"tier": "1"}).content.decode()
    assert "未完了の相談は 3 件以上あります。" in page


def test_tenants_and_other_staff_are_refused_the_operator_screens(client: Any) -> None:
    user, _m, _f = factories.member_with_facility()
    client.force_login(user)
    assert client.get(reverse("desk:queue")).status_code == 403
    client.force_login(factories.staff_user(Role.AUDITOR))
    assert client.get(reverse("desk:queue")).status_code == 200
    assert client.get(reverse("desk:phone_intake")).status_code == 403


@time_machine.travel(dt.datetime(2026, 11, 29, 22, 30, tzinfo=DESK_TIME_ZONE))
def test_a_member_writes_in_at_night_and_sees_when_the_desk_opens(
    client: Any, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    page = client.get(reverse("desk:web_intake")).content.decode()
    assert "身代金は支払わないでください" in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("desk:web_intake"), {"facility": facility.pk, **CASE}, follow=True
        )
    body = response.content.decode()
    case = Case.unscoped.get()
    assert case.channel == Channel.WEB and case.status == Status.NEW and case.out_of_hours
    assert "受付番号 " + case.reference in body
    assert "2026年11月30日 06:00 から対応します" in body


def test_web_intake_refuses_an_exe_renamed_png_and_keeps_the_case(
    client: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    user, _member, facility = factories.member_with_facility()
    client.force_login(user)
    fake = SimpleUploadedFile("screen.png", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/png")
    response = client.post(
        reverse("desk:web_intake"),
        {"facility": facility.pk, **CASE, "attachments": [fake]},
        follow=True,
    )
    body = response.content.decode()
    assert "添付ファイルを受け付けられませんでした" in body
    assert Case.unscoped.count() == 1 and not Case.unscoped.get().attachments.exists()


def test_a_member_never_sees_another_facilitys_case_or_internal_notes(client: Any) -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    user_a, _m, facility_a = factories.member_with_facility()
    _user_b, _m, facility_b = factories.member_with_facility()
    mine, theirs = _case(operator, facility_a), _case(operator, facility_b)
    services.add_note(
        mine, by=operator, text="内部だけのメモ", version=None, now=dt.datetime.now(dt.UTC)
    )
    client.force_login(user_a)
    assert client.get(reverse("desk:my_case", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("desk:my_case", args=[mine.pk])).content.decode()
    assert mine.reference in page and "内部だけのメモ" not in page
    listing = client.get(reverse("desk:my_cases")).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
