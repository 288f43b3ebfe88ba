"""Test data for the guideline app."""

from __future__ import annotations

from typing import Any

from medcyber.guideline.models import Assessment, ChecklistVersion
from tests import factories


def version(fiscal_year: int = 2025, code: str = "institution") -> ChecklistVersion:
    return ChecklistVersion.objects.get(checklist__code=code, fiscal_year=fiscal_year)


def assessment_for(
    facility: Any = None, *, fiscal_year: int = 2025, code: str = "institution", **kwargs: Any
) -> Assessment:
    facility = facility or factories.FacilityFactory()
    return Assessment.unscoped.create(
        facility=facility, version=version(fiscal_year, code), **kwargs
    )
