"""``medcyber claims quote``: what the facts of an incident qualify for (PAY-1), as JSON.

    echo '{"kind": "cyber_attack", ...}' | medcyber claims quote

One JSON object on stdin (keys: kind, occurred_on, closure_days, insider, member_class,
facility_kind, reports), one JSON object on stdout (entitlement, payable, lines, unmet,
refusals, rules_version). Invalid input: exit status 1, the reason on stderr in Japanese,
nothing on stdout. The schedules are read from the database (the migration loads them).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.claims import queries, rules


class Command(BaseCommand):
    help = "Support payments. quote: read the facts of an incident as JSON, write the quote."
    # The system checks load every URL, view and API schema: most of a quote's start-up, and
    # nothing a quote depends on (``medcyber check`` and the server still run them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{quote}")
        sub.add_parser("quote", help="JSON facts on stdin, the quote as JSON on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        self._quote()

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
