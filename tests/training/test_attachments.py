"""A template may carry a harmless attachment (a PDF or a text that says it was training): it
goes out with every mail, the teaching page names it, and nothing executable is accepted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.training import attachments, sending, services
from medcyber.training.models import Message

from .conftest import Clinic, approved_campaign, draft_campaign

pytestmark = pytest.mark.django_db


def _attachment_of(mail: Any) -> Any:
    return next(part for part in mail.iter_attachments())


def test_the_invoice_mail_carries_a_harmless_pdf(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = approved_campaign(clinic, "fake-invoice")
    assert sending.send_campaign_now(campaign).sent == 5
    mail = smtp_sink.messages[0]
    part = _attachment_of(mail)
    assert part.get_filename() == "ご請求書.pdf"
    assert part.get_content_type() == "application/pdf"
    pdf = part.get_content()
    assert pdf.startswith(b"%PDF")
    # nothing that acts when opened: no scripts, no launch or open actions, no embedded files
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/OpenAction", b"/EmbeddedFile"):
        assert marker not in pdf
    # the mail's own text and links are still there
    assert mail.get_body(("plain",)) is not None and mail.get_body(("html",)) is not None


def test_a_text_attachment_says_it_was_training(clinic: Clinic, smtp_sink: Any) -> None:
    template = services.create_template(
        facility=clinic.facility,
        by=clinic.admin,
        name="履歴書の送付",
        kind="other",
        difficulty=1,
        sender_name="応募者",
        sender_local_part="oubo",
        subject="履歴書をお送りします",
        body_text="{{ recipient_name }} 様\n履歴書を添付しました。\n{{ link }}",
        link_label="詳細",
        attachment_kind="txt",
        attachment_name="履歴書.txt",
    )
    campaign = draft_campaign(clinic)
    campaign.template = template
    campaign.save()
    services.submit_for_approval(campaign=campaign, by=clinic.admin)
    services.approve(campaign=campaign, by=clinic.second_admin)
    assert sending.send_campaign_now(campaign).sent == 5
    part = _attachment_of(smtp_sink.messages[0])
    assert part.get_filename() == "履歴書.txt"
    assert "これは訓練用の添付ファイルです" in part.get_content()


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("pdf", "請求書.pdf.exe"),
        ("pdf", "請求書.exe"),
        ("txt", "readme.docm"),
        ("exe", "setup.exe"),
        ("pdf", ""),
        ("", "請求書.pdf"),
        ("txt", "../../etc/passwd.txt"),
    ],
)
def test_anything_but_a_plain_pdf_or_text_is_refused(kind: str, name: str) -> None:
    assert attachments.name_problems(kind, name)


def test_a_template_with_an_executable_attachment_is_refused(clinic: Clinic) -> None:
    with pytest.raises(services.TrainingError, match="添付ファイル"):
        services.create_template(
            facility=clinic.facility,
            by=clinic.admin,
            name="危険",
            kind="other",
            difficulty=1,
            sender_name="x",
            sender_local_part="x",
            subject="件名",
            body_text="{{ link }}",
            link_label="開く",
            attachment_kind="pdf",
            attachment_name="invoice.pdf.exe",
        )


def test_the_teaching_page_names_the_attachment(clinic: Clinic) -> None:
    campaign = approved_campaign(clinic, "fake-invoice")
    message = Message.unscoped.filter(campaign=campaign).first()
    assert message is not None
    page = Client().get(reverse("training:learn", args=[message.token])).content.decode()
    assert "添付ファイル「ご請求書.pdf」が付いていました" in page
