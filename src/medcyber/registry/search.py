"""Registry searches for the staff screens: members and facilities by number, name and kana.

Every read is scoped with ``visible_to(user)``. Queries are normalised once (:func:`normalise`)
so that 「やまだ」, 「ﾔﾏﾀﾞ」 and 「ヤマダ」 all look for ヤマダ, and 「０３－３９４６」 for 03-3946.
The kana conditions are written so the (family_name_kana, given_name_kana) and name_kana
indexes can serve them: prefixes and equalities only, never a function of the column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import jaconv
import mojimoji
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Facility, FacilityManagement, FacilityStaff, Member

PAGE_SIZE = 50

#: Matches counted at most: past this the page says 「10,000件以上」. Counting every row a
#: short code prefix or a two-kana reading matches (100,000+ on the national registry) cost
#: more than the page itself, and no one pages through them.
COUNT_CAP = 10_000


class SearchPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP`` matches (``capped`` says whether more)."""

    capped = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        found = rows.order_by()[: COUNT_CAP + 1].count()
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
def _name_prefix(text: str, family: str, given: str) -> Q:
    """Family-name prefix, "姓 名" prefixes, or a full name typed without a space — prefix
    matches only, so an index serves them on the national registry."""
    if " " in text:
        family_part, given_part = text.split(" ", 1)
        return Q(**{f"{family}__startswith": family_part, f"{given}__startswith": given_part})
    condition = Q(**{f"{family}__startswith": text})
    for cut in range(1, min(len(text), MAX_NAME_SPLIT + 1)):
        condition |= Q(**{family: text[:cut], f"{given}__startswith": text[cut:]})
    return condition


def _kana_name(kana: str) -> Q:
    return _name_prefix(kana, "family_name_kana", "given_name_kana")


def _kanji_name(text: str) -> Q:
    condition = _name_prefix(text, "family_name", "given_name")
    if " " not in text:  # a given name alone, written in kanji, is distinctive enough
        condition |= Q(given_name__startswith=text)
    return condition


def search_members(user: Any, filters: dict[str, Any]) -> QuerySet[Member]:
    """Members matching the search form's cleaned data, in kana order."""
    members = Member.objects.visible_to(user).select_related(
        "prefectural_association", "district_association"
    )
    query = normalise(filters.get("q") or "")
    if query.digits:
        condition = Q(membership_number__startswith=query.digits)
        if len(query.digits) <= MEDICAL_REGISTRATION_DIGITS:  # 医籍番号: the whole number
            condition |= Q(medical_registration_number=query.digits)
        members = members.filter(condition)
    elif query.is_kana:
        members = members.filter(_kana_name(query.kana))
    elif query.text:
        condition = _kanji_name(query.text)
        if query.kana != query.text:  # names written partly in hiragana, stored either way
            condition |= _kanji_name(query.kana)
        members = members.filter(condition)
    if member_class := filters.get("member_class"):
        members = members.filter(member_class=member_class)
    if prefecture := filters.get("prefecture"):
        members = members.filter(prefectural_association__prefecture=prefecture)
    if status := filters.get("status"):
        members = members.filter(status=status)
    current = (
        FacilityManagement.objects.visible_to(user)
        .current(timezone.localdate())
        .select_related("facility")
        .order_by("facility__name_kana")
    )
    return members.prefetch_related(
        Prefetch("managements", queryset=current, to_attr="current_managements")
    ).order_by("family_name_kana", "given_name_kana", "pk")


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
def _facility_text(query: SearchText) -> Q:
    condition = Q()
    # A reading of one or two kana is matched at the start of the name's reading only: inside
    # names it matches a large share of the registry and no trigram index can serve it.
    if not query.is_kana or len(query.kana) >= MIN_NAME_FRAGMENT:
        condition |= Q(name__icontains=query.text)
        if query.kana != query.text:
            condition |= Q(name__icontains=query.kana)
    if query.is_kana:
        condition |= Q(name_kana__startswith=query.kana)
        if " " in query.kana:  # stored kana may separate words with a full-width space
            condition |= Q(name_kana__startswith=query.kana.replace(" ", "\u3000"))
    return condition


def search_facilities(user: Any, filters: dict[str, Any]) -> QuerySet[Facility]:
    """Facilities matching the search form's cleaned data, in kana order, with their current
    founder/manager prefetched (``current_managements``)."""
    facilities = Facility.objects.visible_to(user)
    query = normalise(filters.get("q") or "")
    if query.digits:
        condition = Q(medical_institution_code__startswith=query.digits) | Q(
            care_provider_number__startswith=query.digits
        )
        if len(query.digits) >= MIN_PHONE_DIGITS:
            facilities = facilities.alias(phone_digits=Replace(F("phone"), Value("-"), Value("")))
            condition |= Q(phone_digits__contains=query.digits)
        facilities = facilities.filter(condition)
    elif query.text:
        facilities = facilities.filter(_facility_text(query))
    if kind := filters.get("kind"):
        facilities = facilities.filter(kind=kind)
    if prefecture := filters.get("prefecture"):
        facilities = facilities.filter(prefecture=prefecture)
    if status := filters.get("status"):
        facilities = facilities.filter(status=status)
    current = (
        FacilityManagement.objects.visible_to(user)
        .current(timezone.localdate())
        .select_related("member")
        .order_by("-valid_from")
    )
    return facilities.prefetch_related(
        Prefetch("managements", queryset=current, to_attr="current_managements")
    ).order_by("name_kana", "pk")


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
