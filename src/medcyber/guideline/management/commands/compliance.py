"""``medcyber compliance import-kev FILE``: the name the programme's notes use for loading the
CISA KEV catalogue; the same as ``medcyber guideline import-kev FILE``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from .guideline import Command as GuidelineCommand


class Command(GuidelineCommand):
    help = "Load the CISA Known Exploited Vulnerabilities catalogue (same as guideline import-kev)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        kev = sub.add_parser("import-kev", help="load the CISA KEV catalogue (its JSON)")
        kev.add_argument("file", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
