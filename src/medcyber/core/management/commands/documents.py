"""``medcyber documents rotate-keys``: re-encrypt stored documents with the newest file key.

Rotation: put a new key in front of ``MEDCYBER_FILE_KEYS`` (``medcyber documents
generate-key`` prints one), restart, run ``rotate-keys``, then drop the old key.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandParser

from medcyber.core import audit
from medcyber.core.documents import rotate_keys


class Command(BaseCommand):
    help = "Stored documents. rotate-keys: re-encrypt with the newest key; generate-key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{rotate-keys,generate-key}"
        )
        sub.add_parser("rotate-keys", help="re-encrypt every document not under the newest key")
        sub.add_parser("generate-key", help="print a new key for MEDCYBER_FILE_KEYS")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate-key":
            self.stdout.write(Fernet.generate_key().decode())
            return
        with audit.acting_as(audit.AuditContext(actor_label="system:cli")):
            result = rotate_keys()
        self.stdout.write(
            f"re-encrypted {result.rotated} documents with the newest key "
            f"({result.current} already used it)"
        )
