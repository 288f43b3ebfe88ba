"""``medcyber claims export-batch --output FILE``: approved claims into a batch and its file."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from medcyber.accounts.roles import Role
from medcyber.claims import batches, services
from medcyber.claims.models import Claim, ClaimStatus, PaymentBatch, PaymentTransfer
from tests import factories
from tests.claims import factories as cf
from tests.claims import zengin_reader as reader
from tests.claims.test_quote_command import _console

pytestmark = pytest.mark.django_db

#: Friday 2024-04-05, 10:00 in Tokyo: the transfer goes on Monday 2024-04-08.
FRIDAY = dt.datetime(2024, 4, 5, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def approved(settings: Any, tmp_path: Path) -> list[Claim]:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    claims = []
    names = ["医療法人社団 さくらかい", "ｻﾄｳ ｼﾞｮｰｼﾞ", "Ｄｒ．ヤマダ"]
    for n, name in enumerate(names):
        user, _member, facility = factories.member_with_facility()
        account = services.Account("0005", "001", "1", f"765432{n}", name)
        incident = cf.ransomware(facility, user, closed=n + 1)
        claims.append(cf.approved(cf.submitted(incident, user, account=account)))
    return claims


def export(output: Path) -> str:
    err = StringIO()
    with time_machine.travel(FRIDAY, tick=False):
        call_command("claims", "export-batch", "--output", str(output), stderr=err)
    return err.getvalue()


def test_every_approved_claim_goes_into_one_batch_and_reads_back(
    approved: list[Claim], tmp_path: Path
) -> None:
    output = tmp_path / "transfer.txt"
    message = export(output)
    batch = PaymentBatch.objects.get()
    assert "3件" in message and "¥900,000" in message
    parsed = reader.read(output.read_bytes())
    assert reader.check_totals(parsed) == {"count": 3, "total": 900_000}
    assert parsed.header["transfer_date"] == "0408"
    rows = [
        (
            reader.text(d["recipient_name"]),
            reader.number(d["amount"]),
            d["account_number"],
            d["customer_codes"][:10],
        )
        for d in parsed.data
    ]
    assert rows == [
        ("ｲ)ｻｸﾗｶｲ", 200_000, "7654320", f"{approved[0].pk:010d}"),
        ("ｻﾄｳ ｼﾞﾖ-ｼﾞ", 300_000, "7654321", f"{approved[1].pk:010d}"),
        ("DR.ﾔﾏﾀﾞ", 400_000, "7654322", f"{approved[2].pk:010d}"),
    ]
    assert batches.batch_file(batch) == output.read_bytes()
    for claim in approved:
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.BATCHED
        assert claim.transfer is not None and claim.transfer.batch == batch


def test_nothing_to_pay_writes_no_file(approved: list[Claim], tmp_path: Path) -> None:
    export(tmp_path / "first.txt")
    second = tmp_path / "second.txt"
    with pytest.raises(CommandError, match="振込する支払いがありません"):
        export(second)
    assert not second.exists()
    assert PaymentBatch.objects.count() == 1


def test_paid_and_failed_transfers_move_the_claims(approved: list[Claim], tmp_path: Path) -> None:
    export(tmp_path / "first.txt")
    batch = PaymentBatch.objects.get()
    clerk = factories.staff_user(Role.CLAIMS_APPROVER)
    failed = PaymentTransfer.unscoped.get(batch=batch, position=2)
    services.mark_transfer_failed(transfer=failed, by=clerk, reason="口座解約済み")
    services.mark_batch_paid(batch=batch, by=clerk)
    statuses = [Claim.unscoped.get(pk=c.pk).status for c in approved]
    assert statuses == [ClaimStatus.PAID, ClaimStatus.APPROVED, ClaimStatus.PAID]
    export(tmp_path / "again.txt")  # the failed one goes into the next batch
    parsed = reader.read((tmp_path / "again.txt").read_bytes())
    assert reader.check_totals(parsed) == {"count": 1, "total": 300_000}


def test_an_unwritable_output_leaves_no_batch(approved: list[Claim], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="フォルダ"):
        export(tmp_path / "missing" / "transfer.txt")
    assert not PaymentBatch.objects.exists()
    assert Claim.unscoped.filter(status=ClaimStatus.APPROVED).count() == 3


def test_the_console_script_with_nothing_to_pay(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    assert _console(["migrate", "--no-input", "-v", "0"], data_dir).returncode == 0
    output = tmp_path / "transfer.txt"
    done = _console(["claims", "export-batch", "--output", str(output)], data_dir)
    assert done.returncode != 0
    assert "振込する支払いがありません" in done.stderr
    assert not output.exists()
