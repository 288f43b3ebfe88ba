"""An association admin loads next year's checklist on the staff screen: the file is scanned
and stored, checked first (dry run, row by row), then loaded with one press."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.guideline.models import ChecklistVersion
from tests import factories
from tests.core.conftest import (  # noqa: F401 - fixtures used by name
    clamd,
    clamd_server,
    document_storage,
)
from tests.guideline.test_checklist_loading import YAML_2026

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clamd", "document_storage")]


def test_dry_run_then_load(client: Any) -> None:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    url = reverse("guideline:checklist_list")
    upload = SimpleUploadedFile("r8.yaml", YAML_2026.encode(), content_type="application/yaml")
    page = client.post(url, {"file": upload, "dry_run": "on"})
    text = page.content.decode()
    assert "確認のみ（ドライラン）" in text and "新規" in text and "削除" in text
    assert not ChecklistVersion.objects.filter(fiscal_year=2026).exists()
    document = page.context["document"]
    loaded = client.post(url, {"document": str(document.public_id)})
    assert "読み込みました。" in loaded.content.decode()
    assert ChecklistVersion.objects.filter(fiscal_year=2026).exists()
    assert AuditEvent.objects.filter(action="guideline.checklist.load").exists()


def test_a_bad_file_changes_nothing(client: Any) -> None:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    bad = YAML_2026.replace("new-item", "security-manager")
    upload = SimpleUploadedFile("r8.yaml", bad.encode(), content_type="application/yaml")
    page = client.post(reverse("guideline:checklist_list"), {"file": upload})
    assert "重複しています" in page.content.decode()
    assert not ChecklistVersion.objects.filter(fiscal_year=2026).exists()
