"""The demo clinic's incidents: an open ransomware attack, some reports made, one overdue;
a closed mis-sent fax. Loading twice changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from medcyber.incidents import demo
from medcyber.incidents.models import Incident, JmaReport, Obligation

pytestmark = pytest.mark.django_db


def test_the_demo_clinic_has_its_incidents() -> None:
    call_command("demo", stdout=None)
    attack = Incident.unscoped.get(title=demo.RANSOMWARE["title"])
    fax = Incident.unscoped.get(title=demo.FAX["title"])
    assert attack.facility.name == "本駒込内科クリニック" and attack.status == "open"
    assert fax.status == "closed"
    statuses = dict(Obligation.unscoped.filter(incident=attack).values_list("code", "status"))
    assert statuses == {
        "mhlw": "done",
        "jma": "done",
        "police": "done",
        "ppc_preliminary": "open",
        "ppc_final": "open",
        "individuals": "open",
    }
    preliminary = Obligation.unscoped.get(incident=attack, code="ppc_preliminary")
    assert preliminary.due_on is not None and preliminary.due_on < timezone.localdate()
    assert JmaReport.unscoped.filter(incident=attack).count() == 1
    assert not Obligation.unscoped.filter(incident=fax, status="open").exists()
    call_command("demo", stdout=None)
    # (the claims' demo data adds incidents of its own, for other facilities and dates)
    titles = (demo.RANSOMWARE["title"], demo.FAX["title"])
    assert Incident.unscoped.filter(title__in=titles).count() == 2
    assert JmaReport.unscoped.count() == 1
