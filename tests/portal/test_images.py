"""Images in articles: uploaded by editors through the documents module (type checked,
scanned, encrypted, audited), pasted into the Markdown, served only to the article's readers;
the sanitiser keeps no other image address."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medcyber.core.models import AuditEvent
from medcyber.portal import markdown, services
from medcyber.portal.models import ContentImage
from tests import factories
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)

from .conftest import make_item, registered_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd", "document_storage")]

# the smallest valid PNG: one transparent pixel
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _upload(client: Client, item: Any, data: bytes, name: str = "vpn.png", alt: str = "図") -> Any:
    return client.post(
        reverse("portal:editor_image", kwargs={"pk": item.pk}),
        {"image_file": SimpleUploadedFile(name, data), "alt_text": alt},
        follow=True,
    )


def _editor_client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def test_an_editor_uploads_an_image_and_readers_see_it_in_the_article(editor: Any) -> None:
    item = make_item(editor, audience="public", publish=False)
    response = _upload(_editor_client(editor), item, PNG, alt="VPN装置の設定画面")
    image = ContentImage.objects.get()
    assert image.document.content_type == "image/png"
    assert image.document.scan_result == "clean"
    assert image.markdown in response.content.decode()  # the line to paste
    assert AuditEvent.objects.filter(object_type="portal.contentimage").exists()

    item.refresh_from_db()
    services.save_item(
        item=item,
        by=editor,
        values={"body": f"設定画面です。\n\n{image.markdown}\n"},
        tags=[],
        base_version=item.version,
    )
    services.publish(item=item, by=editor)
    page = Client().get(reverse("portal:item", kwargs={"pk": item.pk})).content.decode()
    assert f'<img src="{image.url}" alt="VPN装置の設定画面">' in page
    served = Client().get(image.url)
    assert served.status_code == 200
    assert served.content == PNG
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "public" in served["Cache-Control"]


def test_an_image_follows_its_articles_audience(editor: Any) -> None:
    item = make_item(editor, audience="members")
    _upload(_editor_client(editor), item, PNG)
    image = ContentImage.objects.get()
    assert Client().get(image.url).status_code == 404
    registered = Client()
    registered.force_login(registered_user())
    assert registered.get(image.url).status_code == 404
    member, _m, _f = factories.member_with_facility()
    reader = Client()
    reader.force_login(member)
    served = reader.get(image.url)
    assert served.status_code == 200
    assert "private" in served["Cache-Control"]


def test_an_unpublished_articles_image_is_for_editors_only(editor: Any) -> None:
    item = make_item(editor, audience="public", publish=False)
    client = _editor_client(editor)
    _upload(client, item, PNG)
    image = ContentImage.objects.get()
    assert Client().get(image.url).status_code == 404
    assert client.get(image.url).status_code == 200  # the editor's preview


def test_a_file_that_is_not_an_image_is_refused_with_a_message(editor: Any) -> None:
    item = make_item(editor, publish=False)
    response = _upload(_editor_client(editor), item, b"%PDF-1.4 not an image", name="x.png")
    assert "画像を登録できませんでした" in response.content.decode()
    assert not ContentImage.objects.exists()


def test_an_image_needs_a_description(editor: Any) -> None:
    item = make_item(editor, publish=False)
    response = _upload(_editor_client(editor), item, PNG, alt="")
    assert "代替テキスト" in response.content.decode()
    assert not ContentImage.objects.exists()


@pytest.mark.parametrize(
    "source",
    [
        "https://tracker.example/pixel.png",
        "//evil.example/x.png",
        "/portal/images/1/../../admin/",
        "/documents/5/",
        "javascript:alert(1)",
    ],
)
def test_only_the_portals_own_image_addresses_are_kept(source: str) -> None:
    html = markdown.render(f"![図]({source})")
    assert "src=" not in html


def test_the_portals_image_address_is_kept() -> None:
    html = markdown.render("![図](/portal/images/12/)")
    assert '<img src="/portal/images/12/" alt="図">' in html
