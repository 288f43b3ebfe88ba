"""Checking one row of a file: clean values in a dataclass, or every problem of the row.

Pure functions (no database): whether a membership number or facility exists is the apply
step's question. A parser never raises on bad input; it returns a list of :class:`RowError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from .. import validators
from ..choices import FacilityKind, FacilityStatus, ManagementRelation, MemberStatus
from ..models import DistrictAssociation, Facility, Member
from . import normalize
from .columns import COLUMNS

_ASCII_DIGITS = frozenset("0123456789")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RowError:
    """One rejected value: the line of the file, the column's Japanese name and why."""

    line: int
    column: str
    message: str
    value: str = ""


@dataclass(frozen=True)
class MemberRecord:
    line: int
    membership_number: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    member_class: str
    prefecture: str
    district: str
    status: str
    valid_from: dt.date
    valid_to: dt.date | None
    email: str
    phone: str
    medical_registration_number: str = ""


@dataclass(frozen=True)
class FacilityRecord:
    line: int
    medical_institution_code: str
    care_provider_number: str
    name: str
    name_kana: str
    kind: str
    postal_code: str
    prefecture: str
    address: str
    phone: str
    status: str


@dataclass(frozen=True)
class LinkRecord:
    line: int
    medical_institution_code: str
    care_provider_number: str
    facility_id: int | None
    membership_number: str
    relation: str
    valid_from: dt.date
    valid_to: dt.date | None


Record = MemberRecord | FacilityRecord | LinkRecord


def _labels(choices: type[models.TextChoices]) -> str:
    with translation.override("ja"):
        return "、".join(str(label) for label in choices.labels)


_LABELS = {kind: {c.name: c.label for c in columns} for kind, columns in COLUMNS.items()}


class _Cells:
    """The values of one row, read column by column; problems are collected, not raised."""

    def __init__(self, kind: str, line: int, values: Mapping[str, str]) -> None:
        self.line = line
        self.values = values
        self.labels = _LABELS[kind]
        self.errors: list[RowError] = []

    def fail(self, name: str, message: str) -> None:
        raw = self.values.get(name, "")
        self.errors.append(RowError(self.line, self.labels[name], message, raw[:100]))

    def raw(self, name: str) -> str:
        return self.values.get(name, "") or ""

    def _clean(
        self,
        name: str,
        how: Callable[[str], str],
        *,
        required: bool = False,
        max_length: int | None = None,
        check: Callable[[str], None] | None = None,
    ) -> str:
        value = how(self.raw(name))
        if _CONTROL.search(value):
            self.fail(name, _("制御文字が含まれています。"))
            return ""
        if not value:
            if required:
                self.fail(name, _("入力されていません。"))
            return ""
        if max_length is not None and len(value) > max_length:
            self.fail(
                name,
                _("長すぎます（%(length)d文字）。%(max)d文字以内にしてください。")
                % {"length": len(value), "max": max_length},
            )
            return ""
        if check is not None:
            try:
                check(value)
            except ValidationError as error:
                self.fail(name, " ".join(error.messages))
                return ""
        return value

    def text(self, name: str, field: Any, *, required: bool = False) -> str:
        return self._clean(
            name, normalize.normalize_text, required=required, max_length=field.max_length
        )

    def kana(self, name: str, field: Any) -> str:
        return self._clean(
            name,
            normalize.normalize_kana,
            required=True,
            max_length=field.max_length,
            check=validators.validate_katakana,
        )

    def code(self, name: str, check: Callable[[str], None], *, required: bool = False) -> str:
        def ascii_digits(value: str) -> None:
            if not set(value) <= _ASCII_DIGITS:
                check("x")  # the validator's own message
            check(value)

        return self._clean(
            name, normalize.normalize_digits, required=required, max_length=20, check=ascii_digits
        )

    def phone(self, name: str = "phone") -> str:
        return self._clean(
            name, normalize.normalize_phone, max_length=20, check=validators.validate_phone
        )

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        text = normalize.normalize_text(self.raw(name))
        if not text:
            if required:
                self.fail(name, _("入力されていません。"))
            return None
        try:
            return normalize.parse_date(text)
        except normalize.InvalidValue as error:
            self.fail(name, str(error))
            return None

    def choice(
        self, name: str, table: str, choices: type[models.TextChoices], default: str | None
    ) -> str:
        text = normalize.normalize_text(self.raw(name))
        if not text and default is not None:
            return default
        code = normalize.lookup_choice(table, text) if text else None
        if code is None:
            self.fail(
                name,
                _("「%(value)s」は使えません。%(labels)s のいずれかを入力してください。")
                % {"value": text, "labels": _labels(choices)},
            )
            return ""
        return code

    def prefecture(self) -> str:
        text = normalize.normalize_text(self.raw("prefecture"))
        code = normalize.normalize_prefecture(text) if text else None
        if code is None:
            self.fail(
                "prefecture",
                _(
                    "都道府県が分かりません。「東京都」のような名前か「13」のようなコードを入力してください。"
                ),
            )
            return ""
        return code

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        valid_from = self.date("valid_from", required=True)
        valid_to = self.date("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.fail("valid_to", _("開始の日付より前になっています。"))
        return valid_from, valid_to


def _email(cells: _Cells) -> str:
    def check(value: str) -> None:
        validate_email(value)

    field = Member._meta.get_field("email")
    return cells._clean("email", normalize.normalize_text, max_length=field.max_length, check=check)


def parse_member(line: int, values: Mapping[str, str]) -> MemberRecord | list[RowError]:
    cells = _Cells("members", line, values)
    field = Member._meta.get_field
    number = cells.code("membership_number", validators.validate_membership_number, required=True)
    family_name = cells.text("family_name", field("family_name"), required=True)
    given_name = cells.text("given_name", field("given_name"), required=True)
    family_kana = cells.kana("family_name_kana", field("family_name_kana"))
    given_kana = cells.kana("given_name_kana", field("given_name_kana"))
    member_class = normalize.normalize_member_class(cells.raw("member_class"))
    if member_class is None:
        cells.fail(
            "member_class",
            _("会員種別が分かりません。A①、A②(B)、A②(C)、B、C のいずれかを入力してください。"),
        )
    prefecture = cells.prefecture()
    district = cells.text("district", DistrictAssociation._meta.get_field("name"))
    status = cells.choice("status", "member_status", MemberStatus, MemberStatus.ACTIVE)
    valid_from, valid_to = cells.period()
    email, phone = _email(cells), cells.phone()
    registration = cells.code(
        "medical_registration_number", validators.validate_medical_registration_number
    )
    if cells.errors or valid_from is None or member_class is None:
        return cells.errors
    return MemberRecord(
        line,
        number,
        family_name,
        given_name,
        family_kana,
        given_kana,
        member_class,
        prefecture,
        district,
        status,
        valid_from,
        valid_to,
        email,
        phone,
        registration,
    )


def parse_facility(line: int, values: Mapping[str, str]) -> FacilityRecord | list[RowError]:
    cells = _Cells("facilities", line, values)
    field = Facility._meta.get_field
    code = cells.code("medical_institution_code", validators.validate_institution_code)
    care = cells.code("care_provider_number", validators.validate_care_provider_number)
    name = cells.text("name", field("name"), required=True)
    name_kana = cells.kana("name_kana", field("name_kana"))
    kind = cells.choice("kind", "facility_kind", FacilityKind, None)
    postal = cells._clean(
        "postal_code",
        normalize.normalize_postal_code,
        max_length=8,
        check=validators.validate_postal_code,
    )
    prefecture = cells.prefecture()
    address = cells.text("address", field("address"), required=True)
    phone = cells.phone()
    status = cells.choice("status", "facility_status", FacilityStatus, FacilityStatus.ACTIVE)
    if cells.errors:
        return cells.errors
    return FacilityRecord(
        line, code, care, name, name_kana, kind, postal, prefecture, address, phone, status
    )


def _facility_id(cells: _Cells) -> int | None:
    text = normalize.normalize_digits(cells.raw("facility_id"))
    if not text:
        return None
    if not (set(text) <= _ASCII_DIGITS and len(text) <= 18 and int(text) > 0):
        cells.fail("facility_id", _("施設IDは半角数字で入力してください。"))
        return None
    return int(text)


def parse_link(line: int, values: Mapping[str, str]) -> LinkRecord | list[RowError]:
    cells = _Cells("links", line, values)
    code = cells.code("medical_institution_code", validators.validate_institution_code)
    care = cells.code("care_provider_number", validators.validate_care_provider_number)
    facility_id = _facility_id(cells)
    if not code and not care and facility_id is None and not cells.errors:
        cells.fail(
            "medical_institution_code",
            _("医療機関コード、介護保険事業所番号、施設IDのどれかを入力してください。"),
        )
    number = cells.code("membership_number", validators.validate_membership_number, required=True)
    relation = cells.choice(
        "relation", "relation", ManagementRelation, ManagementRelation.FOUNDER_MANAGER
    )
    valid_from, valid_to = cells.period()
    if cells.errors or valid_from is None:
        return cells.errors
    return LinkRecord(line, code, care, facility_id, number, relation, valid_from, valid_to)


PARSERS: dict[str, Callable[[int, Mapping[str, str]], Record | list[RowError]]] = {
    "members": parse_member,
    "facilities": parse_facility,
    "links": parse_link,
}
