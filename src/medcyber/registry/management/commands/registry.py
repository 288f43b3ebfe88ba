"""``medcyber registry import|export``: the registry's files on the command line (REG-3).

    medcyber registry import --kind members|facilities|links FILE
                             [--dry-run] [--valid-only] [--full] [--report FILE.csv]
    medcyber registry export --kind members|facilities|links --output FILE(.csv|.xlsx)
    medcyber registry expire-exports   (daily, e.g. from cron: deletes old Excel exports)

Exit status: 0 when every row was read (and, unless ``--dry-run``, imported); 1 when the file
cannot be read, an option is wrong or any row was rejected (the reasons on stderr, in
Japanese); 2 for a malformed command line (argparse). The command acts as ``system:cli`` in
the audit trail.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models
from django.utils.translation import gettext as _

from medcyber.core import audit
from medcyber.registry.export_runs import expire_exports
from medcyber.registry.exports import export_file
from medcyber.registry.imports.apply import ImportFileError, ImportReport, import_file
from medcyber.registry.imports.columns import KINDS
from medcyber.registry.imports.report import format_text, save_error_csv
from medcyber.registry.models import Facility, FacilityManagement, Member

CLI_ACTOR = audit.AuditContext(actor_label="system:cli")

# argparse's own messages (English whatever the locale), in the order they are tried.
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"the following arguments are required: (?P<names>.+)"),
        lambda m: _("必要な引数がありません: %(names)s") % m.groupdict(),
    ),
    (
        re.compile(r"unrecognized arguments: (?P<args>.+)"),
        lambda m: _("使えない引数があります: %(args)s") % m.groupdict(),
    ),
    (
        re.compile(
            r"argument (?P<arg>\S+): invalid choice: '?(?P<value>.*?)'? "
            r"\(choose from (?P<choices>.+)\)"
        ),
        lambda m: (
            _("%(arg)s に「%(value)s」は指定できません。%(choices)s のいずれかを指定してください。")
            % {**m.groupdict(), "choices": m["choices"].replace("'", "")}
        ),
    ),
    (
        re.compile(r"argument (?P<arg>\S+): expected one argument"),
        lambda m: _("%(arg)s の後に値を1つ指定してください。") % m.groupdict(),
    ),
    (
        re.compile(r"argument (?P<arg>\S+): ignored explicit argument '(?P<value>.*)'"),
        lambda m: _("%(arg)s には値（%(value)s）を付けられません。") % m.groupdict(),
    ),
    (
        re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
        lambda m: (
            _("%(option)s は複数のオプション（%(matches)s）に当てはまります。") % m.groupdict()
        ),
    ),
)


def japanese_argparse_message(message: str) -> str:
    """A malformed command line explained in Japanese (the original kept when unknown)."""
    for pattern, say in _ARGPARSE_MESSAGES:
        if found := pattern.fullmatch(message):
            return say(found)
    return _("コマンドラインが正しくありません（%(message)s）。") % {"message": message}


class JapaneseCommandParser(CommandParser):
    """Django's parser, with argparse's errors in Japanese and a pointer to the help."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", _("使い方:"), 1)

    def error(self, message: str) -> NoReturn:
        text = japanese_argparse_message(message)
        if not self.called_from_command_line:
            raise CommandError(text)
        self.print_usage(sys.stderr)
        hint = _("使い方は medcyber registry --help で表示できます。")
        self.exit(
            2, _("%(prog)s: エラー: %(text)s") % {"prog": self.prog, "text": text} + f"\n{hint}\n"
        )


class Command(BaseCommand):
    help = (
        "Registry files. import: read members, facilities or founder/manager links from CSV "
        "or .xlsx (all or nothing). export: write them with the columns the import takes."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = JapaneseCommandParser  # the sub-commands' parsers follow its class
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{import,export,expire-exports}",
            parser_class=JapaneseCommandParser,
        )
        reading = sub.add_parser("import", help="import a CSV or .xlsx file")
        reading.add_argument("--kind", required=True, help="members | facilities | links")
        reading.add_argument("file", metavar="FILE")
        reading.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        reading.add_argument(
            "--valid-only", action="store_true", help="import the valid rows, skip the rejected"
        )
        reading.add_argument(
            "--full",
            action="store_true",
            help="members, facilities: the file is the complete list",
        )
        reading.add_argument("--report", metavar="FILE.csv", help="write the problems as CSV")
        writing = sub.add_parser("export", help="export to CSV or .xlsx")
        writing.add_argument("--kind", required=True, help="members | facilities | links")
        writing.add_argument("--output", required=True, metavar="FILE")
        sub.add_parser(
            "expire-exports",
            help="delete Excel exports older than REGISTRY_EXPORT_RETENTION_DAYS",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "expire-exports":
            with audit.acting_as(CLI_ACTOR):
                count = expire_exports()
            self.stdout.write(
                _("期限切れの書き出しファイルを %(n)d 件削除しました。") % {"n": count}
            )
            return
        if options["kind"] not in KINDS:
            raise CommandError(
                _("--kind には members、facilities、links のいずれかを指定してください。")
            )
        with audit.acting_as(CLI_ACTOR):
            if options["action"] == "import":
                self._import(options)
            else:
                self._export(options)

    def _import(self, options: dict[str, Any]) -> None:
        try:
            report = import_file(
                options["file"],
                kind=options["kind"],
                dry_run=options["dry_run"],
                valid_only=options["valid_only"],
                full=options["full"],
            )
        except ImportFileError as error:
            raise CommandError(
                _("取り込めません: %(reason)s（登録内容は変更していません）") % {"reason": error}
            ) from None
        self._write_report(report, options.get("report"))
        if not report.ok:
            self.stderr.write(format_text(report))
            message = (
                _("取り込めない %(n)d 行を除いて取り込みました。")
                if report.applied
                else _("取り込めない行が %(n)d 行あります。何も変更していません。")
            )
            raise CommandError(message % {"n": report.rejected_rows})
        self.stdout.write(format_text(report))

    def _write_report(self, report: ImportReport, path: str | None) -> None:
        if not path:
            return
        try:
            save_error_csv(report, path)
        except OSError as error:
            raise CommandError(
                _("報告の CSV を書き出せません（%(path)s）: %(reason)s")
                % {"path": path, "reason": error.strerror}
            ) from None

    def _export(self, options: dict[str, Any]) -> None:
        path = Path(options["output"])
        if path.suffix.lower() not in {".csv", ".xlsx"}:
            raise CommandError(_("--output のファイル名は .csv か .xlsx で終えてください。"))
        querysets: dict[str, models.QuerySet[Any]] = {
            "members": Member.unscoped.all(),
            "facilities": Facility.unscoped.all(),
            "links": FacilityManagement.unscoped.all(),
        }
        queryset = querysets[options["kind"]]
        try:
            count = export_file(options["kind"], queryset, path)
        except OSError as error:
            raise CommandError(
                _("ファイルに書き出せません（%(path)s）: %(reason)s")
                % {"path": path, "reason": error.strerror}
            ) from None
        # Personal data leaving the system is a view of it (ADM-3): one event for the file.
        audit.record(
            "view",
            "registry.export",
            object_type="registry.export",
            changes={"kind": options["kind"], "rows": count, "file": path.name},
        )
        self.stdout.write(_("%(n)d 件を %(path)s に書き出しました。") % {"n": count, "path": path})
