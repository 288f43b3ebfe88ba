"""Downloads of staff lists as CSV that Excel opens correctly (UTF-8 with BOM)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: list[str], rows: Iterable[list[Any]]
) -> StreamingHttpResponse:
    """Stream rows as a CSV download, so a long list never sits in memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def audit_event_rows(events: Any) -> Iterator[list[Any]]:
    for event in events.iterator(chunk_size=2000):
        yield [
            event.seq,
            timezone.localtime(event.occurred_at).isoformat(),
            event.actor_label,
            event.kind,
            event.action,
            event.object_type,
            event.object_id,
            event.object_repr,
            event.facility_id or "",
            event.ip_address or "",
            event.request_id,
            event.hash,
        ]
