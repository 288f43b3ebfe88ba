"""Letters to the member (PAY-5): PDF in Japanese with the font embedded, and e-mail."""

from __future__ import annotations

import contextlib
import re
import zlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.claims import letters, services, tasks
from tests import factories
from tests.claims import factories as cf

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    user, _member, facility = factories.member_with_facility(email="sakura@example.jp")
    user.email = "clerk@example.jp"
    user.save()
    return cf.submitted(cf.ransomware(facility, user), user)


def _text(pdf: bytes) -> bytes:
    """The PDF's streams inflated, to look for the embedded font."""
    out = bytearray(pdf)
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            out += zlib.decompress(match.group(1))
    return bytes(out)


def test_letters_follow_the_claim(claim: Any) -> None:
    assert letters.available(claim) == ["acknowledgement"]
    claim = cf.approved(claim)
    assert letters.available(claim) == ["acknowledgement", "decision"]
    pdf = letters.pdf(claim, "decision")
    assert pdf.startswith(b"%PDF")
    assert b"FontFile" in _text(pdf)  # the Japanese font is embedded
    values = letters.context(claim, "decision")
    assert ("休業加算（3日 × ¥100,000、上限¥300,000）", "¥300,000") in values["lines"]
    assert values["approved"] == "¥400,000"
    with pytest.raises(ValueError):
        letters.pdf(claim, "payment")


def test_the_letter_goes_by_email_with_its_pdf(claim: Any, smtp_sink: Any) -> None:
    reviewer = factories.staff_user(Role.CLAIMS_REVIEWER)
    claim = services.request_information(
        claim=claim, by=reviewer, version=claim.version, reason="休業の記録を送ってください"
    )
    assert tasks.send_letter.call(claim.pk, "information") == 1
    (message,) = smtp_sink.messages
    assert sorted(message["To"].addresses, key=str)[0].addr_spec in (
        "clerk@example.jp",
        "sakura@example.jp",
    )
    assert "追加資料のお願い" in message["Subject"]
    attachments = list(message.iter_attachments())
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content().startswith(b"%PDF")


def test_the_member_opens_the_letter(claim: Any) -> None:
    client = Client()
    client.force_login(claim.submitted_by)
    url = reverse("claims:letter", args=[claim.pk, "acknowledgement"])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(reverse("claims:letter", args=[claim.pk, "decision"])).status_code == 404
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert url in page
