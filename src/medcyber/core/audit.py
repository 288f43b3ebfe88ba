"""The audit trail (ADM-3): an append-only, hash-chained record of every change and of every
view of a person's data.

Writers call :func:`record` inside the transaction that makes the change, so the change and its
event commit or roll back together. Appends are serialised on the single chain-head row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway). On PostgreSQL the
append is one statement (:func:`_append_in_one_statement`): lock, hash, insert and head update
run in the server, so the lock is never held while Python waits for the CPU between statements
— with every look at a list audited, each operator's page is one append, and the head's lock is
what all of them queue on.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditContext:
    """Who is acting and from where; set per request by middleware, per command by the CLI."""

    actor_id: int | None = None
    actor_label: str = "system"
    ip_address: str | None = None
    request_id: str = ""


_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "medcyber_audit_context",
    default=AuditContext(),  # noqa: B039 - frozen, immutable default
)


def current_context() -> AuditContext:
    return _context.get()


def set_context(context: AuditContext) -> None:
    """Name the actor for the rest of this request (e.g. once an API token is read)."""
    _context.set(context)


@contextlib.contextmanager
def acting_as(context: AuditContext) -> Iterator[AuditContext]:
    token = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(token)


def context_for_user(user: Any, **extra: Any) -> AuditContext:
    if user is None or not getattr(user, "is_authenticated", False):
        return AuditContext(actor_label="anonymous", **extra)
    return AuditContext(actor_id=user.pk, actor_label=user.get_username(), **extra)


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def compute_hash(event: Any) -> str:
    """The hash of one event: every recorded column plus the previous link's hash."""
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "kind": event.kind,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "facility_id": event.facility_id,
        "changes": event.changes,
        "ip_address": event.ip_address,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical_json(payload).encode()).hexdigest()


def _lock_head() -> Any:
    from .models import AuditChainHead

    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
        except IntegrityError:
            pass
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def record_list_view(model: type[models.Model], ids: list[Any], **details: Any) -> Any:
    """Record that the current actor saw a list of people's records (ADM-3)."""
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    return record(
        "view",
        f"{label}.list",
        object_type=label,
        changes={"ids": [str(pk) for pk in ids], **details},
    )


def object_label(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    kind: str,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    facility_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    context: AuditContext | None = None,
) -> Any:
    """Append one event to the chain, inside the caller's transaction (or a new one)."""
    from .models import AuditEvent

    ctx = context or current_context()
    if obj is not None:
        object_type = object_type or object_label(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if facility_id is None:
            facility_id = getattr(obj, "audit_facility_id", lambda: None)()
    fields: dict[str, Any] = {
        "actor_id": ctx.actor_id,
        "actor_label": ctx.actor_label[:254],
        "kind": kind,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:200],
        "facility_id": facility_id,
        "changes": _jsonable(changes or {}),
        "ip_address": ctx.ip_address,
        "request_id": ctx.request_id,
    }
    if connection.vendor == "postgresql":
        appended = _append_in_one_statement(fields)
        if appended is not None:
            return appended
    with transaction.atomic():
        head = _lock_head()
        event = AuditEvent(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            prev_hash=head.last_hash,
            **fields,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


#: ``at`` as ``at.astimezone(UTC).isoformat()`` writes it (no fraction when it is zero).
_ISO_SQL = """(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN mod(date_part('microseconds', at)::bigint, 1000000) = 0 THEN ''
           ELSE '.' || to_char(at AT TIME ZONE 'UTC', 'US') END
        || '+00:00')"""

#: The append as one PostgreSQL statement: lock the head, take the time, hash the event as
#: :func:`compute_hash` does (the canonical JSON arrives from Python in three parts around
#: the values only the locked head gives: time, previous hash, sequence number), insert it,
#: move the head. It commits with the caller's transaction, or alone in autocommit.
_APPEND_SQL = """
WITH head AS (
    SELECT last_seq + 1 AS seq, last_hash AS prev, clock_timestamp() AS at
    FROM {head} WHERE id = 1 FOR UPDATE
), stamped AS (
    SELECT seq, prev, at, {iso} AS iso FROM head
), event AS (
    INSERT INTO {event} (seq, occurred_at, actor_id, actor_label, kind, action, object_type,
        object_id, object_repr, facility_id, changes, ip_address, request_id, prev_hash, hash)
    SELECT seq, at, %s::bigint, %s::text, %s::text, %s::text, %s::text, %s::text, %s::text,
        %s::bigint, %s::jsonb, %s::inet, %s::text, prev,
        encode(sha256(convert_to(
            %s::text || iso || %s::text || prev || %s::text || seq::text || '}}', 'UTF8'
        )), 'hex')
    FROM stamped
    RETURNING id, seq, occurred_at, prev_hash, hash
)
UPDATE {head} SET last_seq = event.seq, last_hash = event.hash FROM event WHERE {head}.id = 1
RETURNING event.id, event.seq, event.occurred_at, event.prev_hash, event.hash
"""


def _hash_text_parts(fields: dict[str, Any]) -> tuple[str, str, str]:
    """:func:`compute_hash`'s canonical JSON without the time, previous hash and sequence
    number, which sort after every other key: the text before each of them."""
    known = {
        name: fields[name]
        for name in (
            "actor_id",
            "actor_label",
            "kind",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "facility_id",
            "changes",
            "ip_address",
        )
    }
    before_time = _canonical_json(known)[:-1] + ',"occurred_at":"'
    before_seq = '","request_id":' + _canonical_json(fields["request_id"]) + ',"seq":'
    return before_time, '","prev_hash":"', before_seq


def _append_in_one_statement(fields: dict[str, Any]) -> Any:
    """Append on PostgreSQL in one round trip; ``None`` when the chain has no head yet."""
    from .models import AuditChainHead, AuditEvent

    sql = _APPEND_SQL.format(
        iso=_ISO_SQL,
        head=connection.ops.quote_name(AuditChainHead._meta.db_table),
        event=connection.ops.quote_name(AuditEvent._meta.db_table),
    )
    params = [
        fields["actor_id"],
        fields["actor_label"],
        fields["kind"],
        fields["action"],
        fields["object_type"],
        fields["object_id"],
        fields["object_repr"],
        fields["facility_id"],
        _canonical_json(fields["changes"]),
        fields["ip_address"],
        fields["request_id"],
        *_hash_text_parts(fields),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, seq, occurred_at, prev_hash, event_hash = row
    event = AuditEvent(
        pk=pk, seq=seq, occurred_at=occurred_at, prev_hash=prev_hash, hash=event_hash, **fields
    )
    event._state.adding = False
    event._state.db = connection.alias
    return event


def record_view(obj: models.Model, *, action: str = "", fields: list[str] | None = None) -> Any:
    """Record that the current actor saw a person's data (ADM-3).

    People looking at their own record are not logged: the trail is about access by others.
    """
    person = getattr(obj, "audit_person_user_id", None)
    if person is not None and person() is not None and person() == current_context().actor_id:
        return None
    return record(
        "view",
        action or f"{object_label(obj)}.view",
        obj,
        changes={"fields": fields} if fields else None,
    )


class AuditedModel(models.Model):
    """Every save and delete of a subclass writes its audit event in the same transaction.

    ``audit_exclude`` names fields whose values never enter the trail (secrets, hashes).
    Bulk ``QuerySet.update``/``delete`` bypass this: services that use them record an event
    of their own.
    """

    audit_exclude: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                record("create", f"{object_label(self)}.create", self, changes=self._audit_values())
            else:
                diff = self._audit_diff()
                if diff:
                    record("update", f"{object_label(self)}.update", self, changes=diff)
        self._audit_loaded = self._audit_raw()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        pk, label, text = self.pk, object_label(self), str(self)[:200]
        facility_id = self.audit_facility_id()
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            record(
                "delete",
                f"{label}.delete",
                object_type=label,
                object_id=str(pk),
                object_repr=text,
                facility_id=facility_id,
            )
        return result

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Any:
        instance = super().from_db(db, field_names, values, **kwargs)
        # Kept as loaded (cheap: lists of rows load many); turned into JSON only on save.
        instance._audit_loaded = {
            name: copy.deepcopy(value) if isinstance(value, dict | list) else value
            for name, value in zip(field_names, values, strict=True)
        }
        return instance

    def audit_facility_id(self) -> int | None:
        """The facility an event about this object belongs to, for searching the trail."""
        return getattr(self, "facility_id", None)

    def _audit_raw(self) -> dict[str, Any]:
        deferred = self.get_deferred_fields()
        return {
            f.attname: copy.deepcopy(getattr(self, f.attname))
            for f in self._meta.concrete_fields
            if f.attname not in deferred
        }

    def _audit_values(self, raw: dict[str, Any] | None = None) -> dict[str, Any]:
        """The recordable values (secrets left out) as JSON-ready data."""
        raw = self._audit_raw() if raw is None else raw
        excluded = {f.attname for f in self._meta.concrete_fields if f.name in self.audit_exclude}
        return _jsonable({name: value for name, value in raw.items() if name not in excluded})

    def _audit_diff(self) -> dict[str, Any]:
        before = self._audit_values(getattr(self, "_audit_loaded", {}))
        after = self._audit_values()
        # A bare "updated at" timestamp is not a change worth an event.
        stamps = {f.attname for f in self._meta.concrete_fields if getattr(f, "auto_now", False)}
        return {
            name: [before.get(name), value]
            for name, value in after.items()
            if name in before and before[name] != value and name not in stamps
        }


@dataclass
class VerifyResult:
    checked: int = 0
    broken_seq: int | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.problems


def verify(chunk_size: int = 2000) -> VerifyResult:
    """Walk the chain in order and report the first broken link."""
    from .models import AuditChainHead, AuditEvent

    result = VerifyResult()
    prev_hash = GENESIS_HASH
    expected_seq = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        result.checked += 1
        if event.seq != expected_seq:
            result.broken_seq = expected_seq
            result.reason = f"event #{expected_seq} is missing (next is #{event.seq})"
            return result
        if event.prev_hash != prev_hash:
            result.broken_seq = event.seq
            result.reason = f"event #{event.seq} does not follow the event before it"
            return result
        if compute_hash(event) != event.hash:
            result.broken_seq = event.seq
            result.reason = f"event #{event.seq} was altered after it was written"
            return result
        prev_hash = event.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        result.broken_seq = expected_seq
        result.reason = (
            f"the chain ends at #{expected_seq - 1} but #{head.last_seq} was written: "
            "events at the end were removed"
        )
    return result
