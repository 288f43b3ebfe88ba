"""The ``medcyber`` console script: Django's management commands with the project's settings.

Project commands with sub-commands (``medcyber audit verify``, ``medcyber claims quote``) are
management commands whose first argument is the sub-command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcyber.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["medcyber", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
