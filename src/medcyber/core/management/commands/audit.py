"""``medcyber audit verify``: walk the hash chain and report the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medcyber.core import audit


class Command(BaseCommand):
    help = "Audit trail tools. verify: check every link of the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{verify}")
        sub.add_parser("verify", help="check the hash chain; exit 1 at the first broken link")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = audit.verify()
            if not result.ok:
                raise CommandError(
                    f"audit trail broken at event #{result.broken_seq}: {result.reason} "
                    f"({result.checked} events read)"
                )
            self.stdout.write(f"audit trail intact: {result.checked} events verified")
