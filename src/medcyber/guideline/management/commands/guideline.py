"""``medcyber guideline load-checklist FILE [--dry-run]``: load a checklist version (GL-1).

Exit status 0 when the file was loaded (or, with ``--dry-run``, would be); 1 when anything is
wrong (the row-by-row report on stderr, in Japanese; nothing changed). Acts as ``system:cli``.

``medcyber guideline refresh-counts``: rebuild the association overview's counts (nightly, and
after registry changes such as a facility's prefecture or kind).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medcyber.core import audit
from medcyber.guideline import tallies
from medcyber.guideline.models import ChecklistVersion

CLI_ACTOR = audit.AuditContext(actor_label="system:cli")


class Command(BaseCommand):
    help = "Checklist versions and asset registers from files (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-checklist", help="load a checklist version (YAML/CSV/.xlsx)")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        assets = sub.add_parser("import-assets", help="import a facility's assets (CSV/.xlsx)")
        assets.add_argument("--facility", required=True, type=int, help="facility id")
        assets.add_argument("file", metavar="FILE")
        assets.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        kev = sub.add_parser("import-kev", help="load the CISA KEV catalogue (its JSON)")
        kev.add_argument("file", metavar="FILE")
        sub.add_parser(
            "refresh-counts",
            help="rebuild the association overview's counts of every version (nightly)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refresh-counts":
            for version in ChecklistVersion.objects.select_related("checklist"):
                rows = tallies.refresh(version)
                self.stdout.write(f"{version}: {rows} rows")
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: ファイルがありません。")
        with audit.acting_as(CLI_ACTOR):
            if options["action"] == "load-checklist":
                self._load_checklist(path, options["dry_run"])
            elif options["action"] == "import-kev":
                self._import_kev(path)
            else:
                self._import_assets(path, options["facility"], options["dry_run"])

    def _load_checklist(self, path: Path, dry_run: bool) -> None:
        from medcyber.guideline.loading import load
        from medcyber.guideline.report_text import format_report

        report = load(path, dry_run=dry_run)
        if not report.ok:
            self.stderr.write(format_report(report))
            raise CommandError("チェックリストを読み込めませんでした。", returncode=1)
        self.stdout.write(format_report(report))

    def _import_assets(self, path: Path, facility_id: int, dry_run: bool) -> None:
        from medcyber.guideline.assets import format_asset_report, import_assets
        from medcyber.registry.models import Facility

        facility = Facility.unscoped.filter(pk=facility_id).first()
        if facility is None:
            raise CommandError(f"施設ID {facility_id} は登録されていません。")
        report = import_assets(path, facility=facility, dry_run=dry_run)
        if not report.ok:
            self.stderr.write(format_asset_report(report))
            raise CommandError("資産台帳を取り込めませんでした。", returncode=1)
        self.stdout.write(format_asset_report(report))

    def _import_kev(self, path: Path) -> None:
        from medcyber.guideline.kev import import_catalogue

        report = import_catalogue(path)
        if report.problems:
            for problem in report.problems[:200]:
                self.stderr.write(problem)
            raise CommandError(
                "KEV カタログを読み込めませんでした（何も変更していません）。", returncode=1
            )
        self.stdout.write(
            f"{report.file_name}: {report.entries}件（新規 {report.added}件）、"
            f"新たに警告した資産 {report.findings}件、"
            f"ポータルの注意喚起の提案 {report.proposals}件"
        )
