"""``medcyber training list|send``: the training campaigns on the command line (contract).

medcyber training list --json          [{"id", "name", "state", "recipients"}, …]
medcyber training send --campaign ID   sends now every unsent message of an approved
                                       campaign (the code the task worker runs)
medcyber training read-reports         reads the report mailbox once over IMAP (the code the
                                       periodic task runs); one JSON object of counts
"""

from __future__ import annotations

import imaplib
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from medcyber.core import audit
from medcyber.training import reports, sending
from medcyber.training.models import Campaign, CampaignState

CLI_ACTOR = audit.AuditContext(actor_label="system:cli")
SENDABLE = (CampaignState.SCHEDULED, CampaignState.SENDING)


class Command(BaseCommand):
    help = "Training campaigns. list: every campaign. send: send an approved campaign now."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{list,send,read-reports}"
        )
        listing = sub.add_parser("list", help="list the campaigns")
        listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
        send = sub.add_parser("send", help="send every unsent message of an approved campaign")
        send.add_argument("--campaign", type=int, required=True, metavar="ID")
        sub.add_parser("read-reports", help="read the report mailbox over IMAP once")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.acting_as(CLI_ACTOR):
            if options["action"] == "list":
                self.list(as_json=options["json"])
            elif options["action"] == "read-reports":
                self.read_reports()
            else:
                self.send(options["campaign"])

    def list(self, *, as_json: bool) -> None:
        rows = [
            {"id": c.pk, "name": c.name, "state": c.state, "recipients": c.recipients}
            for c in Campaign.unscoped.annotate(recipients=Count("group__recipients")).order_by(
                "pk"
            )
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']:>6}  {row['state']:<18} {row['recipients']:>6}  {row['name']}"
            )

    def send(self, campaign_id: int) -> None:
        campaign = Campaign.unscoped.filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(f"no campaign {campaign_id}")
        if campaign.state not in SENDABLE:
            raise CommandError(
                f"campaign {campaign_id} is {campaign.state}: only an approved campaign "
                "(scheduled or sending) is sent"
            )
        counts = sending.send_campaign_now(campaign)
        campaign.refresh_from_db()
        self.stdout.write(
            f"sent {counts.sent}, retry later {counts.retried}, failed {counts.failed}; "
            f"campaign {campaign.pk} is {campaign.state}"
        )

    def read_reports(self) -> None:
        box = reports.MailboxSettings.from_settings()
        if not box.configured:
            raise CommandError(
                "no report mailbox: set TRAINING_REPORT_IMAP_HOST and TRAINING_REPORT_IMAP_USER"
            )
        try:
            counts = reports.read_mailbox(box)
        except (OSError, imaplib.IMAP4.error) as error:
            raise CommandError(f"the report mailbox could not be read: {error}") from error
        self.stdout.write(json.dumps(reports.summary(counts)))
