"""The columns each kind of file has, and reading a header row into them.

A header cell may be the Japanese name (会員番号), the English field name
(membership_number) or one of a few spellings seen in real files (氏（フリガナ）). Full- and
half-width forms and spaces do not matter. The export writes the Japanese names in this order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .normalize import to_half_width
from .readers import ImportFileError

KINDS = ("members", "facilities", "links")


@dataclass(frozen=True)
class Column:
    name: str  # the English field name, also accepted as a header
    label: str  # the Japanese header the export writes
    required: bool = False
    aliases: tuple[str, ...] = field(default=())


COLUMNS: dict[str, tuple[Column, ...]] = {
    "members": (
        Column("membership_number", "会員番号", required=True, aliases=("会員ID",)),
        Column("family_name", "氏", required=True, aliases=("姓",)),
        Column("given_name", "名", required=True),
        Column("family_name_kana", "氏カナ", required=True, aliases=("氏（フリガナ）", "姓カナ")),
        Column("given_name_kana", "名カナ", required=True, aliases=("名（フリガナ）",)),
        Column("member_class", "会員種別", required=True, aliases=("会員区分",)),
        Column("prefecture", "都道府県", required=True, aliases=("都道府県医師会",)),
        Column("district", "郡市区医師会"),
        Column("status", "状態"),
        Column("valid_from", "入会日", required=True),
        Column("valid_to", "退会日"),
        Column("email", "メールアドレス", aliases=("メール",)),
        Column("phone", "電話番号"),
        Column("medical_registration_number", "医籍番号", aliases=("医籍登録番号",)),
    ),
    "facilities": (
        Column("medical_institution_code", "医療機関コード"),
        Column("care_provider_number", "介護保険事業所番号", aliases=("事業所番号",)),
        Column("name", "施設名", required=True, aliases=("医療機関名",)),
        Column("name_kana", "施設名カナ", required=True, aliases=("施設名（フリガナ）",)),
        Column("kind", "施設種別", required=True),
        Column("postal_code", "郵便番号"),
        Column("prefecture", "都道府県", required=True),
        Column("address", "住所", required=True, aliases=("所在地",)),
        Column("phone", "電話番号"),
        Column("status", "状態"),
    ),
    "links": (
        Column("medical_institution_code", "医療機関コード"),
        Column("care_provider_number", "介護保険事業所番号", aliases=("事業所番号",)),
        Column("facility_id", "施設ID"),
        Column("membership_number", "会員番号", required=True),
        Column("relation", "関係"),
        Column("valid_from", "開始日", required=True),
        Column("valid_to", "終了日"),
    ),
}


def kind_label(kind: str) -> str:
    return {"members": _("会員"), "facilities": _("施設"), "links": _("開設者・管理者")}[kind]


def _header_key(text: str) -> str:
    return to_half_width(text).replace(" ", "").lower()


def _lookup(kind: str) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for spelling in (column.name, column.label, *column.aliases):
            table[_header_key(spelling)] = column
    return table


@dataclass(frozen=True)
class Header:
    """Which position of a row holds which column."""

    kind: str
    positions: dict[str, int]  # column name → index in the row

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.positions)

    def label(self, name: str) -> str:
        return next(column.label for column in COLUMNS[self.kind] if column.name == name)

    def values(self, cells: Sequence[str]) -> dict[str, str]:
        return {
            name: cells[index] if index < len(cells) else ""
            for name, index in self.positions.items()
        }


def read_header(kind: str, cells: Sequence[str]) -> Header:
    """Map a header row; unknown, duplicated or missing columns are refused with the reason."""
    lookup = _lookup(kind)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue  # an empty heading: the column is not read
        column = lookup.get(_header_key(cell))
        if column is None:
            unknown.append(cell.strip())
        elif column.name in positions:
            raise ImportFileError(
                _("見出し「%(name)s」が2回あります。列は1回ずつにしてください。")
                % {"name": column.label}
            )
        else:
            positions[column.name] = index
    if unknown:
        raise ImportFileError(
            _("見出し「%(names)s」は%(kind)sのファイルの列ではありません。使える列: %(known)s")
            % {
                "names": "」「".join(unknown),
                "kind": kind_label(kind),
                "known": "、".join(column.label for column in COLUMNS[kind]),
            }
        )
    _check_required(kind, positions)
    return Header(kind=kind, positions=positions)


def _check_required(kind: str, positions: dict[str, int]) -> None:
    missing = [c.label for c in COLUMNS[kind] if c.required and c.name not in positions]
    if missing:
        raise ImportFileError(
            _("必要な列「%(names)s」がありません。1行目に見出しを入れてください。")
            % {"names": "」「".join(missing)}
        )
    keys = {"medical_institution_code", "care_provider_number", "facility_id"}
    if kind == "links" and not keys & positions.keys():
        raise ImportFileError(
            _("「医療機関コード」「介護保険事業所番号」「施設ID」のどれかの列が必要です。")
        )
