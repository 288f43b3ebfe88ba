"""TRAIN-2: no value typed into a training form is ever stored, logged or audited.

Even a client that sends named fields (the page's inputs have none) leaves no trace: the view
never reads the body, so the values reach neither the database, nor any log, nor the trail.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from medcyber.core.models import AuditEvent
from medcyber.training.models import Message

from .conftest import Clinic, approved_campaign

pytestmark = pytest.mark.django_db

SECRET_USER = "kanri-user-7Q3xZ"
SECRET_PASSWORD = "Himitsu-Pa55-9vLk"


def _every_stored_value() -> str:
    """Every row of every table in the database, as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_typed_values_reach_no_database_log_or_audit(
    clinic: Clinic, caplog: Any, monkeypatch: Any
) -> None:
    campaign = approved_campaign(clinic, "authority-notice")
    message = Message.unscoped.filter(campaign=campaign).first()
    assert message is not None

    def must_not_read(self: HttpRequest) -> None:
        raise AssertionError("the submitted form was read")

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", must_not_read)
    caplog.set_level(logging.DEBUG)
    response = Client().post(
        reverse("training:submit", args=[message.token]),
        {"username": SECRET_USER, "password": SECRET_PASSWORD, "user": SECRET_USER},
    )
    assert response.status_code == 302

    message.refresh_from_db()
    assert message.submitted_at is not None and message.submit_count == 1
    stored = _every_stored_value()
    assert message.token in stored  # the dump really holds the tracking rows
    assert SECRET_USER not in stored and SECRET_PASSWORD not in stored
    assert SECRET_USER not in caplog.text and SECRET_PASSWORD not in caplog.text
    for event in AuditEvent.objects.all():
        text = repr(event.changes) + event.object_repr
        assert SECRET_USER not in text and SECRET_PASSWORD not in text
