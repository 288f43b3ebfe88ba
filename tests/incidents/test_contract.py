"""``medcyber incidents obligations`` and ``POST /api/v1/incidents/obligations``: one JSON
object in, one out; bad input refused with the reason."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from medcyber.accounts.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

ATTACK = {
    "kind": "cyber_attack",
    "discovered_on": "2025-04-01",
    "persons": 1001,
    "sensitive_data": True,
    "financial_damage_risk": False,
    "unlawful_purpose": False,
}


def run(data: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(data)))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    try:
        call_command("incidents", "obligations", stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_an_attack_on_patient_data(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _err = run(ATTACK, monkeypatch)
    assert code == 0
    result = json.loads(out)
    assert result["ppc_report_required"] is True
    assert [(o["code"], o["due_on"]) for o in result["obligations"]] == [
        ("mhlw", None),
        ("jma", None),
        ("police", None),
        ("ppc_preliminary", "2025-04-07"),
        ("ppc_final", "2025-05-30"),
        ("individuals", None),
    ]
    assert all(o["basis"] for o in result["obligations"])


def test_a_small_leak_needs_no_ppc_report(monkeypatch: pytest.MonkeyPatch) -> None:
    data = {**ATTACK, "kind": "data_leak", "persons": 1000, "sensitive_data": False}
    code, out, _err = run(data, monkeypatch)
    assert code == 0
    assert json.loads(out) == {"ppc_report_required": False, "obligations": []}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kind": "earthquake"}, "kind"),
        ({"discovered_on": "2025/04/01"}, "YYYY-MM-DD"),
        ({"discovered_on": "2099-01-01"}, "未来"),
        ({"persons": -1}, "persons"),
        ({"persons": 1.5}, "persons"),
        ({"persons": True}, "persons"),
        ({"sensitive_data": "yes"}, "sensitive_data"),
        ({"persons": 0}, "0人なのに"),
        ({"extra": 1}, "unknown keys"),
    ],
)
def test_bad_input_fails_with_the_reason_on_stderr(
    change: dict[str, Any], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run({**ATTACK, **change}, monkeypatch)
    assert code != 0
    assert out == ""
    assert reason in err


def test_missing_keys_and_non_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run({"kind": "data_leak"}, monkeypatch)[2].startswith("missing keys")
    assert run([ATTACK], monkeypatch)[0] != 0


def test_the_console_script_reads_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "medcyber.cli", "incidents", "obligations"],
        input="not json",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0 and done.stdout == "" and "not JSON" in done.stderr


def test_the_api_gives_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    user, _member, _facility = factories.member_with_facility()
    _token, plain = ApiToken.issue(user=user, name="連携")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    response = client.post("/api/v1/incidents/obligations", ATTACK, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == json.loads(run(ATTACK, monkeypatch)[1])
    bad = client.post(
        "/api/v1/incidents/obligations", {**ATTACK, "persons": -1}, content_type="application/json"
    )
    assert bad.status_code == 422 and "persons" in bad.json()["detail"]
