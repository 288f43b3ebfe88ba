"""A reader of Zengin general-transfer files for the tests, written from regulations.md §5.

It shares no code with the writer: positions are 1-based and inclusive as the bank's format
sheet gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HEADER = {
    "data_type": (1, 1),
    "kind": (2, 3),
    "code_type": (4, 4),
    "requester_code": (5, 14),
    "requester_name": (15, 54),
    "transfer_date": (55, 58),
    "bank_code": (59, 62),
    "bank_name": (63, 77),
    "branch_code": (78, 80),
    "branch_name": (81, 95),
    "account_type": (96, 96),
    "account_number": (97, 103),
    "filler": (104, 120),
}
DATA = {
    "data_type": (1, 1),
    "bank_code": (2, 5),
    "bank_name": (6, 20),
    "branch_code": (21, 23),
    "branch_name": (24, 38),
    "clearing_house": (39, 42),
    "account_type": (43, 43),
    "account_number": (44, 50),
    "recipient_name": (51, 80),
    "amount": (81, 90),
    "new_code": (91, 91),
    "customer_codes": (92, 111),
    "transfer_kind": (112, 112),
    "edi_flag": (113, 113),
    "filler": (114, 120),
}
TRAILER = {"data_type": (1, 1), "count": (2, 7), "total": (8, 19), "filler": (20, 120)}
END = {"data_type": (1, 1), "filler": (2, 120)}
NUMERIC = {
    "requester_code",
    "transfer_date",
    "bank_code",
    "branch_code",
    "account_number",
    "clearing_house",
    "amount",
    "count",
    "total",
}


@dataclass
class TransferFile:
    header: dict[str, str]
    data: list[dict[str, str]] = field(default_factory=list)
    trailer: dict[str, str] = field(default_factory=dict)


def _fields(record: str, layout: dict[str, tuple[int, int]]) -> dict[str, str]:
    values = {name: record[start - 1 : end] for name, (start, end) in layout.items()}
    for name, value in values.items():
        if name in NUMERIC:
            assert value.isdigit() and value.isascii(), (
                f"{name} is not zero-filled digits: {value!r}"
            )
        if name == "filler":
            assert value.strip() == "", f"filler holds {value!r}"
    return values


def read(content: bytes, separator: bytes = b"\r\n") -> TransferFile:
    assert content.endswith(separator)
    raw_records = content[: -len(separator)].split(separator)
    for raw in raw_records:
        assert len(raw) == 120, f"a record of {len(raw)} bytes"
    records = [raw.decode("cp932") for raw in raw_records]
    kinds = "".join(r[0] for r in records)
    assert kinds[0] == "1" and kinds[-2:] == "89" and set(kinds[1:-2]) == {"2"}, kinds
    parsed = TransferFile(header=_fields(records[0], HEADER))
    parsed.data = [_fields(r, DATA) for r in records[1:-2]]
    parsed.trailer = _fields(records[-2], TRAILER)
    _fields(records[-1], END)
    return parsed


def text(value: str) -> str:
    """A C field's value: left-aligned, space-filled."""
    assert value == value.rstrip() + " " * (len(value) - len(value.rstrip()))
    return value.rstrip()


def number(value: str) -> int:
    return int(value)


def check_totals(parsed: TransferFile) -> dict[str, Any]:
    count, total = number(parsed.trailer["count"]), number(parsed.trailer["total"])
    assert count == len(parsed.data)
    assert total == sum(number(d["amount"]) for d in parsed.data)
    return {"count": count, "total": total}
