"""Registry searches for the staff screens: members and facilities by number, name and kana.

Every read is scoped with ``visible_to(user)``. Queries are normalised once (:func:`normalise`)
so that 「やまだ」, 「ﾔﾏﾀﾞ」 and 「ヤマダ」 all look for ヤマダ, and 「０３－３９４６」 for 03-3946.
The kana conditions are written so the (family_name_kana, given_name_kana) and name_kana
indexes can serve them: prefixes and equalities only, never a function of the column.

A search returns :class:`SearchResults`: its matches as consecutive parts, each an ordered
queryset that one index range scan answers in order on PostgreSQL (the prefix indexes use
``varchar_pattern_ops``, whose order is the byte order: ``ORDER BY … USING ~<~``, SQLite's
own order of text). A page reads at most its 50 rows from the index instead of sorting every
match (75,000 for a four-digit code prefix on the national registry). Orders shown:

- members by reading: in kana order (the readings' character codes: 姓, then 名, then id);
  by a name in kanji: the members whose 姓 is exactly the text first, then the others,
  each in kana order;
- facilities by reading: the readings that begin with the text first, then the names that
  contain it, each in kana order; by name (not kana): in kana order;
- numbers: members by 医籍番号 (the one exact match) first, then by membership number;
  facilities by medical-institution code, then by 介護保険事業所番号, then the facilities
  whose phone number contains the digits, in kana order.

The page says so (templates registry/staff/*_search.html).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import jaconv
import mojimoji
from django.core.paginator import Paginator
from django.db.models import (
    F,
    Lookup,
    Model,
    OrderBy,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Facility, FacilityManagement, FacilityStaff, Member

PAGE_SIZE = 50

#: Matches counted at most: past this the page says 「10,000件以上」. Counting every row a
#: short code prefix or a two-kana reading matches (100,000+ on the national registry) cost
#: more than the page itself, and no one pages through them.
COUNT_CAP = 10_000


class ByteOrder(OrderBy):
    """Ascending in the byte order of the text (code point order for UTF-8), read from the
    column's prefix index.

    On PostgreSQL ``ORDER BY col USING ~<~``: the order of the ``varchar_pattern_ops`` index
    that serves the column's prefix search, so the index returns the matches in order (a plain
    ``ORDER BY col`` uses the database's collation, which that index cannot give). SQLite
    compares text by its bytes anyway. For a part whose condition is a prefix of that column.
    """

    #: Django looks for "ASC"/"DESC" in each ORDER BY term to drop repeated terms: the
    #: comment is there for it ("USING" and "ASC" exclude each other in PostgreSQL's syntax).
    postgresql_template = "%(expression)s USING ~<~ /* ASC */"

    def __init__(self, field: str) -> None:
        super().__init__(F(field))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        order = self.copy()
        order.template = self.postgresql_template
        return order.as_sql(compiler, connection)


class SortedByteOrder(ByteOrder):
    """The same order, sorted after the matches are found — never by walking an index.

    For parts found through other indexes (kanji names, trigrams, several name splits): given
    the column's order, PostgreSQL would walk the whole kana index and filter, betting that
    matches are spread evenly in kana order; those of 「三浦」 all read ミウラ (90 ms instead
    of 3). ``convert_to(…, 'UTF8')`` compares byte by byte like ``~<~`` and no index has it.
    """

    postgresql_template = "convert_to(%(expression)s, 'UTF8') ASC"


class SortsAfter(Lookup):  # type: ignore[type-arg]
    """``lhs`` sorts after ``rhs`` in byte order: on PostgreSQL ``~>~``, which the
    ``varchar_pattern_ops`` indexes answer as a range (a plain ``>`` uses the collation)."""

    lookup_name = "sorts_after"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "~>~" if connection.vendor == "postgresql" else ">"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


class SearchResults:
    """A search's matches as consecutive parts: every row of the first part in its order,
    then the second part's, … No row is in two parts.

    Each part is an ordered queryset; slicing reads only the rows asked for, part by part,
    and prefetches the current founders/managers of those rows in one query. ``count``
    counts part by part (or ``whole``, every match in one queryset) and stops at ``at_most``.
    """

    ordered = True  # for Paginator: the order is defined

    def __init__(
        self,
        parts: Sequence[QuerySet[Any]],
        prefetch: Callable[[], Prefetch] | None = None,
        *,
        whole: QuerySet[Any] | None = None,
    ) -> None:
        self.parts = list(parts)
        self._prefetch = prefetch
        # Every match in one queryset, counted instead of the parts one by one when the parts'
        # index look-ups overlap (a name containing デイサービス mostly reads デイサービス…).
        self._whole = whole
        self._exact: dict[int, int] = {}  # part → its number of rows
        self._at_least: dict[int, int] = {}  # part → a lower bound

    def _size(self, part: int, at_most: int | None) -> int:
        """The rows of one part, or ``at_most`` when it has that many or more."""
        if part in self._exact:
            return self._exact[part] if at_most is None else min(self._exact[part], at_most)
        if at_most is not None and self._at_least.get(part, 0) >= at_most:
            return at_most
        queryset = self.parts[part]
        limit = at_most
        if any(isinstance(term, SortedByteOrder) for term in queryset.query.order_by):
            # Its first page sorts every match anyway, so counting them all costs no more;
            # and under a LIMIT PostgreSQL bets on a sequential scan stopping early, which it
            # does not for a part that is small or empty (170 ms for 「でいさーびす」).
            limit = None
        rows = queryset.order_by()
        found = rows.count() if limit is None else rows[:limit].count()
        if limit is None or found < limit:
            self._exact[part] = found
        else:
            self._at_least[part] = found
        return found if at_most is None else min(found, at_most)

    def count(self, *, at_most: int | None = None) -> int:
        if self._whole is not None:
            rows = self._whole.order_by()
            return rows.count() if at_most is None else rows[:at_most].count()
        total = 0
        for part in range(len(self.parts)):
            total += self._size(part, None if at_most is None else at_most - total)
            if at_most is not None and total >= at_most:
                break
        return total

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            if index < 0:
                raise IndexError("negative indexes are not supported")
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop or 0) < 0:
            raise ValueError("only forward slices from a non-negative start")
        return self._rows(index.start or 0, index.stop)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows(0, None))

    def _rows(self, start: int, stop: int | None) -> list[Any]:
        rows: list[Model] = []
        skip = start  # rows still to pass over before the first one returned
        for part, queryset in enumerate(self.parts):
            wanted = None if stop is None else stop - start - len(rows)
            if wanted is not None and wanted <= 0:
                break
            if skip:
                size = self._size(part, skip)
                if size < skip:
                    skip -= size
                    continue
            rows += queryset[skip : None if wanted is None else skip + wanted]
            skip = 0
        if rows and self._prefetch is not None:
            prefetch_related_objects(rows, self._prefetch())
        return rows


class SearchPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP`` matches (``capped`` says whether more)."""

    capped = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, SearchResults):
            found = rows.count(at_most=COUNT_CAP + 1)
        elif isinstance(rows, QuerySet):
            found = rows.order_by()[: COUNT_CAP + 1].count()
        else:
            return super().count
        self.capped = found > COUNT_CAP
        return min(found, COUNT_CAP)


#: A full name typed without a space is tried at every split up to this length (kana
#: family names are short; the bound keeps the OR list small).
MAX_NAME_SPLIT = 12

_KATAKANA = re.compile(r"^[\u30A0-\u30FF ]+$")
_PHONE_OR_NUMBER = re.compile(r"^[0-9\- ()]+$")

#: Shorter digit strings would match nearly every phone number.
MIN_PHONE_DIGITS = 4
MIN_NAME_FRAGMENT = 3  # the shortest text a trigram index serves
MEDICAL_REGISTRATION_DIGITS = 7  # the longest 医籍番号


@dataclass(frozen=True)
class SearchText:
    """A staff member's query in the forms the registry stores."""

    text: str  # digits and letters half width, kana full width, single spaces
    kana: str  # ``text`` with hiragana turned into katakana
    digits: str  # the digits alone when the query is a number or a phone number, else ""

    @property
    def is_kana(self) -> bool:
        return bool(self.kana) and bool(_KATAKANA.match(self.kana))


def normalise(query: str) -> SearchText:
    """Width- and kana-normalise a query (pure: no database)."""
    text = mojimoji.zen_to_han(query, kana=False)  # ＡＢＣ１２３－ → ABC123-, 　 → space
    text = mojimoji.han_to_zen(text, digit=False, ascii=False)  # ﾔﾏﾀﾞ → ヤマダ
    text = " ".join(text.split())
    digits = re.sub(r"\D", "", text) if _PHONE_OR_NUMBER.match(text) else ""
    return SearchText(text=text, kana=jaconv.hira2kata(text), digits=digits)


# --- members ---------------------------------------------------------------------------------
KANA_ORDER = (ByteOrder("family_name_kana"), ByteOrder("given_name_kana"), "pk")
SORTED_KANA_ORDER = (SortedByteOrder("family_name_kana"), SortedByteOrder("given_name_kana"), "pk")


def _split_name(text: str, family: str, given: str) -> Q:
    """A full name typed without a space: 姓 exactly the start of the text, 名 beginning with
    the rest, at every split (the family name is then shorter than the text)."""
    condition = Q(pk__in=[])
    for cut in range(1, min(len(text), MAX_NAME_SPLIT + 1)):
        condition |= Q(**{family: text[:cut], f"{given}__startswith": text[cut:]})
    return condition


def _name_prefix(text: str, family: str, given: str) -> Q:
    """Family-name prefix, "姓 名" prefixes, or a full name typed without a space — prefix
    matches only, so an index serves them on the national registry."""
    if " " in text:
        family_part, given_part = text.split(" ", 1)
        return Q(**{f"{family}__startswith": family_part, f"{given}__startswith": given_part})
    return Q(**{f"{family}__startswith": text}) | _split_name(text, family, given)


def _kana_parts(members: QuerySet[Member], kana: str) -> list[QuerySet[Member]]:
    """A reading in kana order as two index range scans: the split full names first (their
    family name is a strict prefix of the text, so it sorts before every family name that
    begins with the text), then the family names beginning with the text."""
    family, given = "family_name_kana", "given_name_kana"
    if " " in kana:
        return [members.filter(_name_prefix(kana, family, given)).order_by(*KANA_ORDER)]
    return [
        members.filter(_split_name(kana, family, given)).order_by(*SORTED_KANA_ORDER),
        members.filter(family_name_kana__startswith=kana).order_by(*KANA_ORDER),
    ]


def _kanji_name(text: str) -> Q:
    condition = _name_prefix(text, "family_name", "given_name")
    if " " not in text:  # a given name alone, written in kanji, is distinctive enough
        condition |= Q(given_name__startswith=text)
    return condition


def _kanji_parts(members: QuerySet[Member], text: str) -> list[QuerySet[Member]]:
    """A name in kanji: the members whose 姓 is exactly the text first, in kana order (read
    in that order from the (family_name, family_name_kana, given_name_kana) index: 10,000
    佐藤 on the national registry), then every other match in kana order."""
    if " " in text:
        return [members.filter(_kanji_name(text)).order_by(*SORTED_KANA_ORDER)]
    others = (
        # longer 姓 beginning with the text: the index range past the text itself
        (Q(family_name__startswith=text) & Q(SortsAfter(F("family_name"), text)))
        | _split_name(text, "family_name", "given_name")
        | (Q(given_name__startswith=text) & ~Q(family_name=text))
    )
    return [
        members.filter(family_name=text).order_by(*KANA_ORDER),
        members.filter(others).order_by(*SORTED_KANA_ORDER),
    ]


def _current_facilities(user: Any) -> Prefetch:
    current = (
        FacilityManagement.objects.visible_to(user)
        .current(timezone.localdate())
        .select_related("facility")
        .order_by(ByteOrder("facility__name_kana"), "facility__pk")
    )
    return Prefetch("managements", queryset=current, to_attr="current_managements")


def search_members(user: Any, filters: dict[str, Any]) -> SearchResults:
    """Members matching the search form's cleaned data: by number in number order (an exact
    医籍番号 first), otherwise in kana order; each with ``current_managements``."""
    members = Member.objects.visible_to(user).select_related(
        "prefectural_association", "district_association"
    )
    if member_class := filters.get("member_class"):
        members = members.filter(member_class=member_class)
    if prefecture := filters.get("prefecture"):
        members = members.filter(prefectural_association__prefecture=prefecture)
    if status := filters.get("status"):
        members = members.filter(status=status)
    query = normalise(filters.get("q") or "")
    if query.digits:
        numbered = members.filter(membership_number__startswith=query.digits)
        parts: list[QuerySet[Member]] = []
        if len(query.digits) <= MEDICAL_REGISTRATION_DIGITS:  # 医籍番号: the whole number
            parts.append(members.filter(medical_registration_number=query.digits).order_by("pk"))
            numbered = numbered.exclude(medical_registration_number=query.digits)
        parts.append(numbered.order_by(ByteOrder("membership_number"), "pk"))
    elif query.is_kana:
        parts = _kana_parts(members, query.kana)
    elif query.kana != query.text:  # names written partly in hiragana, stored either way
        condition = _kanji_name(query.text) | _kanji_name(query.kana)
        parts = [members.filter(condition).order_by(*SORTED_KANA_ORDER)]
    elif query.text:
        parts = _kanji_parts(members, query.text)
    else:
        parts = [members.order_by(*KANA_ORDER)]
    return SearchResults(parts, lambda: _current_facilities(user))


@dataclass(frozen=True)
class ManagementRow:
    management: FacilityManagement
    current: bool


@dataclass(frozen=True)
class MemberPage:
    member: Member
    managements: list[ManagementRow]


def _rows(managements: QuerySet[FacilityManagement], today: dt.date) -> list[ManagementRow]:
    return [
        ManagementRow(m, m.valid_from <= today and (m.valid_to is None or m.valid_to >= today))
        for m in managements
    ]


def member_page(user: Any, pk: int) -> MemberPage:
    """A member with every facility they founded or managed, newest first.

    Raises ``Member.DoesNotExist`` when the member is not the user's to see.
    """
    member = (
        Member.objects.visible_to(user)
        .select_related("prefectural_association", "district_association", "user")
        .get(pk=pk)
    )
    managements = (
        FacilityManagement.objects.visible_to(user)
        .filter(member=member)
        .select_related("facility")
        .order_by("-valid_from", "-pk")
    )
    return MemberPage(member, _rows(managements, timezone.localdate()))


# --- facilities ------------------------------------------------------------------------------
def _reading_prefix(kana: str) -> Q:
    condition = Q(name_kana__startswith=kana)
    if " " in kana:  # stored kana may separate words with a full-width space
        condition |= Q(name_kana__startswith=kana.replace(" ", "\u3000"))
    return condition


def _name_contains(query: SearchText) -> Q | None:
    # A reading of one or two kana is matched at the start of the name's reading only: inside
    # names it matches a large share of the registry and no trigram index can serve it.
    if query.is_kana and len(query.kana) < MIN_NAME_FRAGMENT:
        return None
    condition = Q(name__icontains=query.text)
    if query.kana != query.text:
        condition |= Q(name__icontains=query.kana)
    return condition


FACILITY_KANA_ORDER = (ByteOrder("name_kana"), "pk")
SORTED_FACILITY_KANA_ORDER = (SortedByteOrder("name_kana"), "pk")


def _current_managers(user: Any) -> Prefetch:
    current = (
        FacilityManagement.objects.visible_to(user)
        .current(timezone.localdate())
        .select_related("member")
        .order_by("-valid_from", "pk")
    )
    return Prefetch("managements", queryset=current, to_attr="current_managements")


def _number_parts(facilities: QuerySet[Facility], digits: str) -> list[QuerySet[Facility]]:
    """Digits: institution codes beginning with them in code order, then 介護保険事業所番号
    beginning with them in number order, then phone numbers containing them in kana order —
    each an index range scan (the phone numbers a trigram index)."""
    code = Q(medical_institution_code__startswith=digits)
    care = Q(care_provider_number__startswith=digits)
    parts = [
        facilities.filter(code).order_by(ByteOrder("medical_institution_code"), "pk"),
        facilities.filter(care).exclude(code).order_by(ByteOrder("care_provider_number"), "pk"),
    ]
    if len(digits) >= MIN_PHONE_DIGITS:
        phone = (
            facilities.alias(phone_digits=Replace(F("phone"), Value("-"), Value("")))
            .filter(phone_digits__contains=digits)
            .exclude(code)
            .exclude(care)
        )
        parts.append(phone.order_by(*SORTED_FACILITY_KANA_ORDER))
    return parts


def _text_parts(
    facilities: QuerySet[Facility], query: SearchText
) -> tuple[list[QuerySet[Facility]], QuerySet[Facility] | None]:
    """Kana: the readings that begin with it first, in kana order (one range of the reading's
    index, read in order: 7,000 readings begin with トクベツヨウゴ), then the other facilities
    whose name contains the text (three characters or more; trigram index), in kana order.

    Also every match in one queryset, for the count: the two look-ups mostly find the same
    facilities (names containing デイサービス mostly read デイサービス…): one query reads
    them once.
    """
    name = _name_contains(query)
    if not query.is_kana:
        assert name is not None  # only a short reading leaves the name alone
        return [facilities.filter(name).order_by(*SORTED_FACILITY_KANA_ORDER)], None
    reading = _reading_prefix(query.kana)
    order = SORTED_FACILITY_KANA_ORDER if " " in query.kana else FACILITY_KANA_ORDER
    parts = [facilities.filter(reading).order_by(*order)]
    if name is None:
        return parts, None
    parts.append(facilities.filter(name & ~reading).order_by(*SORTED_FACILITY_KANA_ORDER))
    return parts, facilities.filter(reading | name)


def search_facilities(user: Any, filters: dict[str, Any]) -> SearchResults:
    """Facilities matching the search form's cleaned data — by number in number order (see
    :func:`_number_parts`), otherwise in kana order — with their current founder/manager
    prefetched (``current_managements``)."""
    facilities = Facility.objects.visible_to(user)
    if kind := filters.get("kind"):
        facilities = facilities.filter(kind=kind)
    if prefecture := filters.get("prefecture"):
        facilities = facilities.filter(prefecture=prefecture)
    if status := filters.get("status"):
        facilities = facilities.filter(status=status)
    query = normalise(filters.get("q") or "")
    whole = None
    if query.digits:
        parts = _number_parts(facilities, query.digits)
    elif query.text:
        parts, whole = _text_parts(facilities, query)
    else:
        parts = [facilities.order_by(*FACILITY_KANA_ORDER)]
    return SearchResults(parts, lambda: _current_managers(user), whole=whole)


@dataclass(frozen=True)
class FacilityPage:
    facility: Facility
    managements: list[ManagementRow]
    staff: list[FacilityStaff]


def facility_page(user: Any, pk: int) -> FacilityPage:
    """A facility with every founder/manager over time (newest first) and its linked accounts.

    Raises ``Facility.DoesNotExist`` when the facility is not the user's to see.
    """
    facility = Facility.objects.visible_to(user).get(pk=pk)
    managements = (
        FacilityManagement.objects.visible_to(user)
        .filter(facility=facility)
        .select_related("member")
        .order_by("-valid_from", "-pk")
    )
    staff = (
        FacilityStaff.objects.visible_to(user)
        .filter(facility=facility)
        .select_related("user")
        .order_by("-valid_from", "user__email")
    )
    return FacilityPage(facility, _rows(managements, timezone.localdate()), list(staff))
