"""The normalised names known-exploited flaws are matched on: pure functions of the maker's and
product's names (no ORM), shared by the models, the catalogue loader and the benchmark's data."""

from __future__ import annotations

import re
import unicodedata

_SPLIT = re.compile(r",|/|\band\b|&", re.IGNORECASE)
_NOISE = re.compile(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]+")
#: Words that say nothing about which product is meant.
_GENERIC = frozenset({"multipleproducts", "products", "firmware"})
#: Width of the stored keys. A catalogue entry's keys are cut to fit ``KevEntry`` (vendor 200,
#: all product keys together 400), so a longer asset key stored as its first 400 characters
#: still equals no entry key, as the full key would not.
KEY_LENGTH = 400


def name_key(text: str) -> str:
    """``"Pulse Connect Secure"`` → ``"pulseconnectsecure"``: width, case, spaces and marks
    do not matter (ＦｏｒｔｉＯＳ, FortiOS and forti-os are one product)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = re.sub(r"\([^)]*\)", "", folded)  # "Endpoint Manager (EPM)" → "endpoint manager"
    return _NOISE.sub("", folded)


def product_keys(product: str) -> list[str]:
    """A catalogue product's keys: the whole name and each product it lists ("FortiOS and
    FortiProxy" → fortiosandfortiproxy, fortios, fortiproxy)."""
    keys = [name_key(part) for part in _SPLIT.split(product)]
    return [k for k in dict.fromkeys([name_key(product), *keys]) if k and k not in _GENERIC]


def asset_keys(vendor: str, product: str) -> tuple[str, str]:
    """An asset's (vendor key, product key), as stored on it for the match."""
    return name_key(vendor)[:KEY_LENGTH], name_key(product)[:KEY_LENGTH]


def split_product_keys(stored: str) -> list[str]:
    """``KevEntry.product_keys`` (``|fortios|fortiproxy|``) back to its distinct keys."""
    return list(dict.fromkeys(k for k in stored.split("|") if k))
