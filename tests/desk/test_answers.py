"""The answers library (DESK-6): core.fulltext's search inside Japanese text, drafts for the desk
only, an article linked into a reply shows on the member's timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.desk import queries, services
from medcyber.desk.answers import search_answers
from medcyber.desk.choices import Channel
from medcyber.desk.models import Answer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def library() -> dict[str, Answer]:
    return {
        "ransom": Answer.objects.create(
            title="身代金を要求されたとき",
            body="身代金は支払わず、ネットワークケーブルを抜いてください。脅迫文は残します。",
            category="cyber_attack",
            published=True,
        ),
        "vpn": Answer.objects.create(
            title="VPN装置の更新",
            body="ファームウェアを最新にし、管理画面をインターネットに公開しないでください。",
            category="diagnosis",
            published=True,
        ),
        "draft": Answer.objects.create(
            title="下書き：バックアップの世代管理", body="オフラインの複数世代を保つ。"
        ),
    }


def test_words_inside_japanese_text_are_found(library: dict[str, Answer]) -> None:
    desk = factories.staff_user(Role.DESK_TIER1)
    assert list(search_answers(desk, "支払わず")) == [library["ransom"]]  # inside the body
    assert list(search_answers(desk, "ｆｉｒｍ")) == []
    assert list(search_answers(desk, "ファームウェア")) == [library["vpn"]]
    assert list(search_answers(desk, "vpn")) == [library["vpn"]]  # short, any case
    assert library["draft"] in search_answers(desk, "世代")


def test_any_width_or_kana_and_every_word_of_the_query(library: dict[str, Answer]) -> None:
    desk = factories.staff_user(Role.DESK_TIER1)
    assert list(search_answers(desk, "ﾌｧｰﾑｳｪｱ")) == [library["vpn"]]
    assert list(search_answers(desk, "ふぁーむうぇあ")) == [library["vpn"]]
    assert list(search_answers(desk, "ＶＰＮ")) == [library["vpn"]]
    assert list(search_answers(desk, "身代金　ケーブル")) == [library["ransom"]]
    assert list(search_answers(desk, "身代金 ファームウェア")) == []
    assert len(search_answers(desk, "  ")) == len(library)
    assert list(search_answers(desk, "", "diagnosis")) == [library["draft"], library["vpn"]]


def test_an_edited_article_is_found_by_its_new_words(library: dict[str, Answer]) -> None:
    desk = factories.staff_user(Role.DESK_TIER1)
    article = library["vpn"]
    article.body = "多要素認証を有効にしてください。"
    article.save(update_fields=["body"])
    assert list(search_answers(desk, "多要素認証")) == [article]
    assert list(search_answers(desk, "ファームウェア")) == []


def test_one_japanese_search_and_its_index_on_postgresql(library: dict[str, Answer]) -> None:
    tables = connection.introspection.table_names()
    assert "desk_answer_fts" not in tables  # the FTS5 table of migration 0005 is gone
    if connection.vendor != "postgresql":
        return
    query = search_answers(factories.staff_user(Role.DESK_TIER1), "ケーブル").values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "desk_answer_search_trgm_idx" in plan


def test_members_read_published_articles_only(client: Any, library: dict[str, Answer]) -> None:
    user, _m, _f = factories.member_with_facility()
    assert library["draft"] not in search_answers(user, "世代")
    client.force_login(user)
    assert client.get(reverse("desk:answer", args=[library["draft"].pk])).status_code == 404
    page = client.get(reverse("desk:answers"), {"q": "ケーブル"}).content.decode()
    assert "身代金を要求されたとき" in page and "VPN装置の更新" not in page


def test_an_operator_links_an_answer_into_a_reply(client: Any, library: dict[str, Answer]) -> None:
    operator = factories.staff_user(Role.DESK_TIER1)
    user, _m, facility = factories.member_with_facility()
    case = services.open_case(
        by=operator, channel=Channel.PHONE, facility=facility, category="cyber_attack",
        severity="urgent", patient_data="yes", summary="脅迫文", now=timezone.now(),
    )  # fmt: skip
    client.force_login(operator)
    client.post(
        reverse("desk:case_message", args=[case.pk]),
        {
            "message-version": case.version,
            "message-text": "こちらの記事をご覧ください。",
            "message-answer": library["ransom"].pk,
        },
    )
    (message,) = [e for e in queries.timeline(user, case) if e.kind == "message"]
    assert message.data["answer"] == library["ransom"].pk
    client.force_login(user)
    page = client.get(reverse("desk:my_case", args=[case.pk])).content.decode()
    assert reverse("desk:answer", args=[library["ransom"].pk]) in page
