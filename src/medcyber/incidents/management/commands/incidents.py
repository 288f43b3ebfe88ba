"""``medcyber incidents``: ``obligations`` (the contract: JSON in on stdin, JSON out) and
``remind`` (enqueue today's reminder e-mails; run it daily)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from medcyber.incidents import contract


class Command(BaseCommand):
    help = "Incidents: compute the reports an incident needs; enqueue the reminder e-mails."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "obligations",
            help="read one JSON object on stdin (kind, discovered_on, persons, sensitive_data, "
            "financial_damage_risk, unlawful_purpose); write the reports it needs as JSON",
        )
        sub.add_parser("remind", help="enqueue the reminder e-mails for due and overdue reports")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "obligations":
            self.obligations()
        else:
            from medcyber.incidents.tasks import send_obligation_reminders

            result = send_obligation_reminders.enqueue()
            self.stdout.write(f"reminders enqueued: {result.id}")

    def obligations(self) -> None:
        try:
            data = json.loads(sys.stdin.read())
            out = contract.compute(data, today=timezone.localdate(), shipped_if_unmigrated=True)
        except json.JSONDecodeError as exc:
            self._fail(f"input is not JSON: {exc}")
        except contract.ContractError as exc:
            self._fail(str(exc))
        else:
            self.stdout.write(json.dumps(out, ensure_ascii=False))

    def _fail(self, reason: str) -> None:
        sys.stderr.write(reason + "\n")
        sys.exit(2)
