"""``medcyber claims quote``: what the facts of an incident qualify for (PAY-1), as JSON.
``medcyber claims export-batch --output FILE``: every approved claim not yet in a batch into a
new payment batch, its Zengin general-transfer file written to FILE (PAY-4).

    echo '{"kind": "cyber_attack", ...}' | medcyber claims quote
    medcyber claims export-batch --output 20240405.txt

With nothing to pay, export-batch writes no file and exits with status 1 and a message on
stderr. The file is written before the batch is committed: a file that cannot be written leaves
no batch behind.

One JSON object on stdin (keys: kind, occurred_on, closure_days, insider, member_class,
facility_kind, reports), one JSON object on stdout (entitlement, payable, lines, unmet,
refusals, rules_version). Invalid input: exit status 1, the reason on stderr in Japanese,
nothing on stdout. The schedules are read from the database (the migration loads them).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.claims import batches, queries, rules
from medcyber.core import audit

CLI_ACTOR = audit.AuditContext(actor_label="system:cli")


class Command(BaseCommand):
    help = "Support payments. quote: read the facts of an incident as JSON, write the quote."
    # The system checks load every URL, view and API schema: most of a quote's start-up, and
    # nothing a quote depends on (``medcyber check`` and the server still run them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{quote,export-batch}")
        sub.add_parser("quote", help="JSON facts on stdin, the quote as JSON on stdout")
        export = sub.add_parser(
            "export-batch", help="approved, unbatched claims into a new batch and its Zengin file"
        )
        export.add_argument("--output", required=True, help="the Zengin file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export-batch":
            self._export_batch(Path(options["output"]))
        else:
            self._quote()

    def _export_batch(self, output: Path) -> None:
        from medcyber.claims import services

        if not output.parent.is_dir():
            raise CommandError(_("出力先のフォルダ%(dir)sがありません。") % {"dir": output.parent})
        try:
            with audit.acting_as(CLI_ACTOR), transaction.atomic():
                batch, content = services.export_batch(by=None)
                _write_atomically(output, content)
        except batches.BatchError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(
                _("振込ファイルを書き込めません（振込バッチは作成していません）: %(error)s")
                % {"error": error}
            ) from None
        self.stderr.write(
            _("振込バッチ%(pk)s: %(count)d件、合計%(total)s、振込指定日%(day)s → %(file)s")
            % {
                "pk": batch.pk,
                "count": batch.transfer_count,
                "total": rules.yen(batch.total_amount),
                "day": rules.japanese_date(batch.transfer_date),
                "file": output,
            }
        )

    def _quote(self) -> None:
        text = sys.stdin.read()
        try:
            data = json.loads(text)
        except ValueError as error:
            raise CommandError(
                _("標準入力をJSONとして読めません: %(error)s") % {"error": error}
            ) from None
        try:
            facts = rules.parse_facts(data, today=timezone.localdate())
        except rules.InvalidFacts as error:
            raise CommandError(str(error)) from None
        try:
            schedules = queries.schedules()
        except DatabaseError as error:
            raise CommandError(
                _("支給基準を読めません（medcyber migrate は済んでいますか）: %(error)s")
                % {"error": error}
            ) from None
        result = rules.quote(facts, schedules)
        self.stdout.write(json.dumps(result.as_contract(), ensure_ascii=False))


def _write_atomically(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
