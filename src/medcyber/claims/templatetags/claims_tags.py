"""Amounts as the programme's letters write them (¥400,000)."""

from __future__ import annotations

from django import template

from medcyber.claims import rules

register = template.Library()


@register.filter
def yen(amount: int | None) -> str:
    return "" if amount is None else rules.yen(int(amount))
