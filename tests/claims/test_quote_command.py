"""``medcyber claims quote``: the contract, through call_command and the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

CLINIC = {
    "kind": "cyber_attack",
    "occurred_on": "2024-03-10",
    "closure_days": 3,
    "insider": False,
    "member_class": "A1",
    "facility_kind": "clinic",
    "reports": ["jma"],
}


def quote(stdin: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    monkeypatch.setattr("sys.stdin", StringIO(stdin))
    out, err = StringIO(), StringIO()
    call_command("claims", "quote", stdout=out, stderr=err)
    assert err.getvalue() == ""
    return json.loads(out.getvalue()), out.getvalue()


def test_the_ransomware_clinic_qualifies_for_400000_yen(monkeypatch: pytest.MonkeyPatch) -> None:
    result, text = quote(json.dumps(CLINIC), monkeypatch)
    assert text.count("\n") == 1  # one object, one line
    assert list(result) == ["entitlement", "payable", "lines", "unmet", "refusals", "rules_version"]
    assert result["entitlement"] == 400_000 and result["payable"] is True
    assert [(x["code"], x["amount"]) for x in result["lines"]] == [
        ("base", 100_000),
        ("closure_per_day", 300_000),
    ]
    assert all(set(line) == {"code", "label", "amount"} for line in result["lines"])
    assert result["rules_version"] == "cyber_attack-2023-06-01"


def test_an_insider_crime_is_refused_with_nothing_to_pay(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = {**CLINIC, "insider": True, "reports": []}
    result, _text = quote(json.dumps(facts), monkeypatch)
    assert (result["entitlement"], result["payable"]) == (0, False)
    assert result["refusals"] == ["insider"]
    assert result["unmet"] == ["report_mhlw_or_jma"]


def test_a_missing_report_leaves_the_entitlement_but_not_payable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facts = {**CLINIC, "kind": "data_leak", "closure_days": 0, "reports": ["ppc"]}
    result, _text = quote(json.dumps(facts), monkeypatch)
    assert (result["entitlement"], result["payable"]) == (50_000, False)
    assert result["unmet"] == ["notice_individuals"]


@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        ("", "標準入力をJSONとして読めません"),
        ("{kind: cyber_attack}", "標準入力をJSONとして読めません"),
        (json.dumps({**CLINIC, "kind": "flood"}), "kind の値「flood」は使えません"),
        (json.dumps({**CLINIC, "member_class": "A2"}), "member_class の値「A2」"),
        (json.dumps({**CLINIC, "occurred_on": "2024-02-30"}), "存在しません"),
        (json.dumps({**CLINIC, "occurred_on": "2026-12-01"}), "未来の日付です"),
        (json.dumps({**CLINIC, "closure_days": -2}), "負の数です"),
        (json.dumps({k: v for k, v in CLINIC.items() if k != "insider"}), "insider"),
    ],
)
@time_machine.travel("2026-11-30 09:00 +09:00", tick=False)
def test_invalid_input_is_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, stdin: str, reason: str
) -> None:
    monkeypatch.setattr("sys.stdin", StringIO(stdin))
    out = StringIO()
    with pytest.raises(CommandError, match=reason):
        call_command("claims", "quote", stdout=out)
    assert out.getvalue() == ""


def _console(args: list[str], data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MEDCYBER_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [str(Path(sys.executable).parent / "medcyber"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )


def test_the_console_script_on_a_freshly_migrated_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    assert _console(["migrate", "--no-input", "-v", "0"], data_dir).returncode == 0
    done = _console(["claims", "quote"], data_dir, json.dumps(CLINIC))
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["entitlement"] == 400_000
    refused = _console(["claims", "quote"], data_dir, json.dumps({**CLINIC, "closure_days": -1}))
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert "closure_days（休業日数）が負の数です: -1" in refused.stderr
