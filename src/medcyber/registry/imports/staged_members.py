"""Members files on PostgreSQL through the staging table (see ``staged.py``).

Duplicates (the first line of each membership number, then of each 医籍番号, by window
functions), prefectural and district associations (created in Python, a few dozen, and
joined), upsert against ``registry_member`` and ``--full`` (memberships missing from the
file ended) as set operations.
"""

# SQL here is built from this module's own temporary table names and model metadata; every
# value goes as a parameter or through COPY.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, ClassVar

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import MemberStatus
from ..models import DistrictAssociation, Member
from . import normalize
from .columns import Header
from .readers import RawRow
from .rows import MemberRecord, RowError
from .staged import StagedFile, _counter, _date_ok, choice_code, prefecture_code

if TYPE_CHECKING:  # pragma: no cover
    from .apply import MemberWriter


def registration_taken(membership_number: str) -> str:
    from .apply import registration_taken as message

    return message(membership_number)


class StagedMembers(StagedFile):
    """Members by membership number; see the module's docstring."""

    kind = "members"
    model = Member
    record = MemberRecord
    spelled: ClassVar[dict[str, Callable[[str], str | None]]] = {
        "member_class": normalize.normalize_member_class,
        "prefecture": prefecture_code,
        "status": choice_code("member_status"),
    }
    writer: MemberWriter

    def __init__(self, writer: MemberWriter, header: Header, full: bool) -> None:
        super().__init__(writer, header, full)
        self.places = f"registry_places_{next(_counter)}"

    # --- 2. clean rows in SQL
    def _clean_in_sql(self) -> None:
        length, text_ok, kana_ok = self.length, self.text_ok, self.kana_ok
        conditions = [
            "s.c_membership_number ~ '^[0-9]{1,20}$'",
            text_ok("s.c_family_name", length("family_name"), True),
            text_ok("s.c_given_name", length("given_name"), True),
            kana_ok("s.c_family_name_kana", length("family_name_kana")),
            kana_ok("s.c_given_name_kana", length("given_name_kana")),
            text_ok("s.c_district", length("name", DistrictAssociation), False),
            _date_ok("s.c_valid_from"),
            f"(s.c_valid_to = '' OR ({_date_ok('s.c_valid_to')} "
            "AND s.c_valid_to >= s.c_valid_from))",
            f"(s.c_email = '' OR (s.c_email ~ %(email)s AND char_length(s.c_email) <= "
            f"{length('email')}))",
            "(s.c_phone = '' OR s.c_phone ~ %(phone)s)",
            "(s.c_status = '' OR st.code IS NOT NULL)",
            "s.c_medical_registration_number ~ '^[0-9]{0,7}$'",
        ]
        sql = (
            f"INSERT INTO {self.clean} SELECT s.line, s.c_membership_number, s.c_family_name, "
            f"s.c_given_name, {self.kana('s.c_family_name_kana')}, "
            f"{self.kana('s.c_given_name_kana')}, cl.code, pr.code, "
            "s.c_district, coalesce(st.code, %(active)s), s.c_valid_from::date, "
            "nullif(s.c_valid_to, '')::date, s.c_email, s.c_phone, "
            "s.c_medical_registration_number "
            f"FROM {self.stage} s "
            f"JOIN {self.spelling} cl ON cl.tab = 'member_class' "
            "AND cl.spelling = s.c_member_class "
            f"JOIN {self.spelling} pr ON pr.tab = 'prefecture' AND pr.spelling = s.c_prefecture "
            f"LEFT JOIN {self.spelling} st ON st.tab = 'status' AND st.spelling = s.c_status "
            f"WHERE {' AND '.join(conditions)}"
        )
        # The casts in the select list see only the rows the WHERE kept (dates checked there
        # with CASE, which never casts an impossible one).
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.patterns(), "active": MemberStatus.ACTIVE.value})

    # --- 4. duplicates inside the file
    def _duplicates(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH k AS (SELECT line, membership_number AS key, true AS ok FROM "
                f"{self.clean} UNION ALL SELECT line, key, false FROM {self.rejected} "
                "WHERE key IS NOT NULL), f AS (SELECT line, ok, "
                "first_value(line) OVER w AS first, first_value(ok) OVER w AS first_ok "
                "FROM k WINDOW w AS (PARTITION BY key ORDER BY line)) "
                "SELECT line, first, first_ok FROM f WHERE ok AND line <> first ORDER BY line"
            )
            duplicates = cursor.fetchall()
        self.reject_duplicates(
            [(line, "会員番号", first if ok else 0) for line, first, ok in duplicates]
        )
        # A 医籍番号 belongs to one member: the first row that gives it keeps it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT line, first FROM (SELECT line, first_value(line) OVER (PARTITION BY "
                "medical_registration_number ORDER BY line) AS first FROM "
                f"{self.clean} WHERE medical_registration_number <> '') f "
                "WHERE line <> first ORDER BY line"
            )
            taken = cursor.fetchall()
        self.reject_duplicates([(line, "医籍番号", first) for line, first in taken])

    # --- 5. associations
    def _associations(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT prefecture, district, min(line) FROM {self.clean} "
                "GROUP BY prefecture, district ORDER BY min(line)"
            )
            places = cursor.fetchall()
            mapping = []
            for prefecture, district, _line in places:
                prefectural_id = self.writer.association(prefecture)
                mapping.append(
                    (
                        prefecture,
                        district,
                        prefectural_id,
                        self.writer.district(prefectural_id, district),
                    )
                )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.places} (prefecture text, district text, "
                "prefectural_id bigint, district_id bigint, PRIMARY KEY (prefecture, district)) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {self.places} FROM STDIN") as copy:
                for row in mapping:
                    copy.write_row(row)

    # --- 6. upsert
    def _upsert(self) -> None:
        fields = self.writer.fields  # the model fields the file's columns set
        quote = connection.ops.quote_name
        table = quote(Member._meta.db_table)
        source = (
            "SELECT c.line, c.membership_number, c.family_name, c.given_name, "
            "c.family_name_kana, c.given_name_kana, c.member_class, "
            "p.prefectural_id AS prefectural_association_id, "
            "p.district_id AS district_association_id, c.status, c.valid_from, c.valid_to, "
            "c.email, c.phone, c.medical_registration_number, m.id AS pk, "
            "CASE WHEN h.id IS DISTINCT FROM m.id THEN h.membership_number END AS holder "
            f"FROM {self.clean} c JOIN {self.places} p ON p.prefecture = c.prefecture AND "
            f"p.district = c.district LEFT JOIN {table} m ON "
            "m.membership_number = c.membership_number "
            # An equality join only: with more in the condition PostgreSQL chose a nested
            # loop over the whole table (minutes at national scale).
            f"LEFT JOIN {table} h ON "
            "h.medical_registration_number = nullif(c.medical_registration_number, '')"
        )
        changed = " OR ".join(f"m.{quote(name)} IS DISTINCT FROM v.{name}" for name in fields)
        changed = changed or "false"

        def merged(name: str) -> str:
            return f"v.{name}" if name in fields else f"m.{quote(name)}"

        bad_dates = (
            f"({merged('valid_to')} IS NOT NULL AND {merged('valid_to')} < {merged('valid_from')})"
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.clean}_v ON COMMIT DROP AS "
                f"SELECT v.*, (v.pk IS NOT NULL AND ({changed})) AS changed, "
                f"(v.holder IS NOT NULL OR (v.pk IS NOT NULL AND ({changed}) AND {bad_dates})) "
                f"AS bad FROM ({source}) v LEFT JOIN {table} m ON m.id = v.pk"
            )
            cursor.execute(f"SELECT line, holder FROM {self.clean}_v WHERE bad ORDER BY line")
            message = _("登録済みの終了日（退会日）が、開始日（入会日）より前になります。")
            for line, holder in cursor.fetchall():
                if holder is not None:
                    error = RowError(line, "医籍番号", registration_taken(holder), "")
                else:
                    error = RowError(line, self.writer.end_column, message, "")
                self.report.reject([error])
            self.write_merge(cursor, f"{self.clean}_v", table, fields, now)

    # --- 7. a complete file
    def _end_absent(self) -> None:
        today = self.writer.today
        quote = connection.ops.quote_name
        table = quote(Member._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS m SET valid_to = CASE WHEN m.valid_from > %(today)s "
                "THEN m.valid_from ELSE %(today)s END, status = CASE WHEN m.status IN "
                "(%(active)s, %(suspended)s) THEN %(withdrawn)s ELSE m.status END, "
                "updated_at = %(now)s WHERE (m.valid_to IS NULL OR m.valid_to > %(today)s) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.clean} c WHERE "
                "c.membership_number = m.membership_number) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.rejected} r WHERE "
                "r.key = m.membership_number)",
                {
                    "today": today,
                    "now": timezone.now(),
                    "active": MemberStatus.ACTIVE.value,
                    "suspended": MemberStatus.SUSPENDED.value,
                    "withdrawn": MemberStatus.WITHDRAWN.value,
                },
            )
            self.report.ended += cursor.rowcount

    def run(self, rows: Iterator[RawRow]) -> None:
        self.check(rows)
        self._duplicates()
        self._associations()
        self._upsert()

    def end_absent(self) -> None:
        self._end_absent()
