"""Every URL pattern and API route, for every role: another tenant's objects are refused.

The routes are discovered from the URL resolver, so a route added without a rule in
``ROUTE_RULES`` fails ``test_every_route_has_a_rule``. Each rule says how to point the route at
the *other* tenant's object and what each role must get.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from medcyber.accounts.models import ApiToken
from medcyber.accounts.roles import ALL_FACILITIES_ROLES, AUDIT_ROLES, TENANT_ROLES, Role
from medcyber.core.documents import crypto
from medcyber.core.models import StoredDocument
from medcyber.registry.choices import FacilityStaffRole
from medcyber.registry.models import ExportRun, ImportRun
from tests import factories

pytestmark = pytest.mark.django_db


# --- discovering routes ---
@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    namespace: str

    @property
    def qualified(self) -> str:
        return f"{self.namespace}:{self.name}" if self.namespace else self.name


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield Route(entry.name or "", prefix + str(entry.pattern), namespace)


def all_routes() -> list[Route]:
    # The admin's unnamed catch-all only redirects to its own login or answers 404.
    return [r for r in _walk(get_resolver().url_patterns) if r.name or r.namespace != "admin"]


# --- the two tenants and one user per role ---
@dataclass
class World:
    users: dict[str, Any]
    facility_a: Any
    facility_b: Any
    member_b: Any
    user_b: Any
    token_b: ApiToken
    authenticator_b: Authenticator
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def b_marker(self) -> str:
        return str(self.facility_b.name)


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    user_a, _member_a, facility_a = factories.member_with_facility()
    user_b, member_b, facility_b = factories.member_with_facility(family_name="佐藤")
    facility_b.name = "他院テスト病院"
    facility_b.save()
    users: dict[str, Any] = {Role.MEMBER: user_a}
    for role, link_role in (
        (Role.FACILITY_ADMIN, FacilityStaffRole.ADMIN),
        (Role.FACILITY_STAFF, FacilityStaffRole.STAFF),
    ):
        user = factories.UserFactory(roles=[role])
        factories.link_staff(facility_a, user, role=link_role)
        users[role] = user
    for role in Role:
        if role not in users:
            users[role] = factories.staff_user(role)
    token_b, _plain = ApiToken.issue(user=user_b, name="他院の連携")
    authenticator_b = Authenticator.objects.create(
        user=user_b, type=Authenticator.Type.WEBAUTHN, data={"name": "key"}
    )
    w = World(users, facility_a, facility_b, member_b, user_b, token_b, authenticator_b)
    for role, user in users.items():
        w.tokens[role] = ApiToken.issue(user=user, name="test")[1]
    return w


# --- rules ---
ALL_ROLES = frozenset(Role)
NO_ROLES: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """How to call a route and what each role must get.

    ``kwargs`` points the route at tenant B's object. ``allowed`` are the roles that may see it
    (200); every other signed-in role is refused with ``refused`` statuses. ``public`` routes
    need no sign-in. ``absent`` checks a page a role may open never shows tenant B's data.
    """

    kwargs: Callable[[World], dict[str, Any]] | None = None
    allowed: frozenset[str] = ALL_ROLES
    refused: tuple[int, ...] = (404,)
    method: str = "get"
    public: bool = False
    absent: bool = False
    api: bool = False
    ok: tuple[int, ...] = (200,)


def _facility_b(w: World) -> dict[str, Any]:
    return {"pk": w.facility_b.pk}


def _document_b(w: World) -> dict[str, Any]:
    """Tenant B's stored file: encrypted and saved as store_upload does (no scan needed)."""
    document = StoredDocument.unscoped.filter(facility=w.facility_b).first()
    if document is None:
        data = b"%PDF-1.4 tenant B"
        document = StoredDocument.unscoped.create(
            purpose="desk_attachment",
            original_name="他院の書類.pdf",
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_name=default_storage.save(
                f"documents/test/{uuid.uuid4().hex}", ContentFile(crypto.encrypt(data))
            ),
            scanned_at=timezone.now(),
            scan_result=StoredDocument.ScanResult.CLEAN,
            uploaded_by=w.user_b,
            facility=w.facility_b,
        )
    return {"public_id": document.public_id}


def _import_run_b(w: World) -> dict[str, Any]:
    """An import run (association admins' work, no tenant): its file stored as uploads are."""
    run = ImportRun.unscoped.first()
    if run is None:
        data = "会員番号,氏\r\n".encode("cp932")
        document = StoredDocument.unscoped.create(
            purpose="registry_import",
            original_name="会員一覧.csv",
            content_type="text/csv",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_name=default_storage.save(
                f"documents/test/{uuid.uuid4().hex}", ContentFile(crypto.encrypt(data))
            ),
            scanned_at=timezone.now(),
            scan_result=StoredDocument.ScanResult.CLEAN,
        )
        run = ImportRun.unscoped.create(kind="members", document=document, status="checked")
    return {"pk": run.pk}


def _case_b(w: World) -> dict[str, Any]:
    """A consultation from tenant B's facility (created as the desk would log it)."""
    from medcyber.desk.models import Case

    case = Case.unscoped.filter(facility=w.facility_b).first()
    if case is None:
        now = timezone.now()
        case = Case.unscoped.create(
            channel="web",
            facility=w.facility_b,
            member=w.member_b,
            reported_by=w.user_b,
            category="cyber_attack",
            severity="urgent",
            patient_data="yes",
            summary="他院の相談",
            received_at=now,
            first_response_due=now,
            resolution_due=now,
        )
    return {"pk": case.pk}


def _referral_b(w: World) -> dict[str, Any]:
    """A referral on tenant B's case, with the member's consent recorded."""
    from medcyber.desk.models import Case, Referral, ReferralPartner

    case = Case.unscoped.get(pk=_case_b(w)["pk"])
    referral = Referral.unscoped.filter(case=case).first()
    if referral is None:
        partner = ReferralPartner.objects.create(
            name="調査会社", kind="forensic", regions="全国", phone="03-0000-0000"
        )
        referral = Referral.unscoped.create(
            case=case,
            partner=partner,
            consent_method="phone",
            consent_note="院長が電話で同意",
            consent_recorded_at=timezone.now(),
            consent_recorded_by=w.users[Role.DESK_TIER2],
        )
    return {"pk": referral.pk}


def _answer(w: World) -> dict[str, Any]:
    """A published article of the answers library (no tenant)."""
    from medcyber.desk.models import Answer

    answer = Answer.objects.filter(published=True).first() or Answer.objects.create(
        title="身代金を要求されたら", body="支払わないでください。", published=True
    )
    return {"pk": answer.pk}


IMPORT_ADMINS = frozenset({Role.ASSOCIATION_ADMIN})
CASE_READERS = frozenset({Role.DESK_TIER1, Role.DESK_TIER2, Role.ASSOCIATION_ADMIN, Role.AUDITOR})
DESK_OPERATORS = frozenset({Role.DESK_TIER1, Role.DESK_TIER2})


def _case_action() -> Rule:
    """A change to a case: operators only (an empty form is refused back to the case page)."""
    return Rule(kwargs=_case_b, allowed=DESK_OPERATORS, refused=(403,), method="post", ok=(302,))


def _incident_b(w: World) -> dict[str, Any]:
    """Tenant B's incident (a ransomware attack: every report required)."""
    from medcyber.incidents.models import Incident
    from tests.incidents.factories import incident

    found = Incident.unscoped.filter(facility=w.facility_b).first()
    if found is None:
        found = incident(w.facility_b, w.user_b)
    return {"pk": found.pk}


#: Who edits incidents: the facility's people (scoped) and the desk; other staff read them.
INCIDENT_STAFF_WRITERS = frozenset({Role.DESK_TIER1, Role.DESK_TIER2, Role.ASSOCIATION_ADMIN})


def _training_b(w: World) -> dict[str, Any]:
    """Tenant B's training: a verified domain, a group of one, its own template, a campaign."""
    import datetime as dt

    from medcyber.training import models as tr

    campaign = tr.Campaign.unscoped.filter(facility=w.facility_b).first()
    if campaign is None:
        domain = tr.VerifiedDomain.unscoped.create(
            facility=w.facility_b,
            domain="b.example.jp",
            method="association",
            verified_at=timezone.now(),
        )
        group = tr.RecipientGroup.unscoped.create(facility=w.facility_b, name="他院の職員")
        recipient = tr.Recipient.unscoped.create(group=group, name="他院", email="x@b.example.jp")
        template = tr.MailTemplate.unscoped.create(
            facility=w.facility_b,
            name="他院の自作",
            kind="other",
            difficulty=1,
            sender_name="x",
            sender_local_part="x",
            subject="件名",
            body_text="{{ link }}",
            link_label="開く",
        )
        start = timezone.now() + dt.timedelta(days=1)
        campaign = tr.Campaign.unscoped.create(
            facility=w.facility_b,
            name="他院の訓練",
            group=group,
            template=template,
            state="scheduled",
            window_start=start,
            window_end=start + dt.timedelta(days=7),
            created_by=w.user_b,
        )
        tr.Message.unscoped.create(campaign=campaign, recipient=recipient, due_at=start)
    else:
        domain = tr.VerifiedDomain.unscoped.get(facility=w.facility_b)
        template = campaign.template
    return {
        "campaign": campaign.pk,
        "group": campaign.group_id,
        "domain": domain.pk,
        "template": template.pk,
    }


def _training(key: str, **extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": _training_b(w)[key], **extra}


#: Facility administrators and managing members run their facilities' training; association
#: staff run and approve it for any facility; facility staff (the people trained) see none of it.
TRAINING_RUNNERS = frozenset({Role.MEMBER, Role.FACILITY_ADMIN, Role.ASSOCIATION_ADMIN})
TRAINING_STAFF = frozenset({Role.ASSOCIATION_ADMIN})
TRAINING_PAGE = Rule(allowed=TRAINING_RUNNERS, refused=(403,))


def _vendor_request_b(w: World) -> dict[str, Any]:
    """A link tenant B sent to its vendor."""
    from django.utils import timezone as tz

    from medcyber.guideline.models import Assessment, VendorRequest
    from medcyber.guideline.services import request_vendor_part

    _assessment_b(w)
    own = Assessment.unscoped.get(
        facility=w.facility_b,
        version__fiscal_year=2025,
        vendor_name="",
        version__checklist__code="institution",
    )
    found = VendorRequest.unscoped.filter(assessment__facility=w.facility_b).first()
    if found is None:
        found, _token = request_vendor_part(
            assessment=own, vendor_name="他院の保守業者", vendor_email="", by=None, now=tz.now()
        )
    return {"pk": w.facility_b.pk, "part_pk": found.assessment_id, "request_pk": found.pk}


def _vendor_part_b(w: World) -> dict[str, Any]:
    kwargs = _vendor_request_b(w)
    del kwargs["request_pk"]
    return kwargs


def _finding_b(w: World) -> dict[str, Any]:
    """A known-exploited-vulnerability warning on tenant B's VPN appliance."""
    import datetime as dt

    from medcyber.guideline.models import Asset, KevEntry, KevFinding

    entry, _created = KevEntry.objects.get_or_create(
        cve_id="CVE-2024-0001",
        defaults={
            "vendor_project": "Fortinet",
            "product": "FortiOS",
            "vulnerability_name": "x",
            "date_added": dt.date(2024, 1, 1),
            "vendor_key": "fortinet",
            "product_keys": "|fortios|",
        },
    )
    asset, _created = Asset.unscoped.get_or_create(
        facility=w.facility_b, name="他院VPN", defaults={"kind": "vpn"}
    )
    finding, _created = KevFinding.unscoped.get_or_create(asset=asset, entry=entry)
    return {"pk": w.facility_b.pk, "finding_pk": finding.pk}


def _asset_b(w: World) -> int:
    """Tenant B's registered server (the id of the asset)."""
    from medcyber.guideline.models import Asset

    asset, _created = Asset.unscoped.get_or_create(
        facility=w.facility_b, name="他院サーバ", defaults={"kind": "server"}
    )
    return int(asset.pk)


def _kev_proposal(w: World) -> dict[str, Any]:
    """A portal alert proposed for a widespread flaw (counts only), to be decided on."""
    from medcyber.guideline.models import KevAlertProposal

    _finding_b(w)
    proposal = KevAlertProposal.objects.first() or KevAlertProposal.objects.create(
        entry_id=_kev_entry_id(),
        facilities=1,
        threshold=1,
        title="注意喚起",
        body="本文",
        proposed_at=timezone.now(),
    )
    return {"pk": proposal.pk, "action": "dismiss"}


def _kev_entry_id() -> int:
    from medcyber.guideline.models import KevEntry

    return int(KevEntry.objects.get(cve_id="CVE-2024-0001").pk)


def _assessment_b_pk(w: World) -> int:
    from medcyber.guideline.models import Assessment

    _assessment_b(w)
    return int(Assessment.unscoped.get(facility=w.facility_b, vendor_name="").pk)


def _assessment_b(w: World) -> dict[str, Any]:
    """Tenant B's FY2025 self-assessment (answered yes to the opening question)."""
    from medcyber.guideline.models import Assessment, ChecklistVersion

    version = ChecklistVersion.objects.get(checklist__code="institution", fiscal_year=2025)
    Assessment.unscoped.get_or_create(
        facility=w.facility_b,
        version=version,
        vendor_name="",
        defaults={"has_medical_system": True},
    )
    return {"pk": w.facility_b.pk, "code": "institution", "year": 2025}


def _portal_item(w: World) -> dict[str, Any]:
    """A published public portal article (the association's content: no tenant)."""
    from medcyber.portal.models import ContentItem

    item = ContentItem.objects.filter(kind="article").first()
    if item is None:
        item = ContentItem.objects.create(
            kind="article", title="お知らせ", status="published", publish_at=timezone.now()
        )
    return {"pk": item.pk}


def _portal_journal(w: World) -> dict[str, Any]:
    """A published journal issue for members only, its PDF stored as uploads are."""
    from medcyber.portal.models import ContentItem

    item = ContentItem.objects.filter(kind="journal").first()
    if item is None:
        data = b"%PDF-1.4 journal"
        document = StoredDocument.unscoped.create(
            purpose="portal_journal",
            original_name="journal.pdf",
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_name=default_storage.save(
                f"documents/test/{uuid.uuid4().hex}", ContentFile(crypto.encrypt(data))
            ),
            scanned_at=timezone.now(),
            scan_result=StoredDocument.ScanResult.CLEAN,
        )
        item = ContentItem.objects.create(
            kind="journal", title="ジャーナル", status="published", publish_at=timezone.now(),
            audience="members", volume=1, number=1, pdf=document,
        )  # fmt: skip
    return {"pk": item.pk}


def _portal_chapter(w: World) -> dict[str, Any]:
    """A published practice text's first chapter (public, so every role may read it)."""
    from medcyber.portal.models import PracticeBook, PracticeChapter

    chapter = PracticeChapter.objects.first()
    if chapter is None:
        book = PracticeBook.objects.create(
            title="実践テキスト", audience="public", is_published=True
        )
        chapter = PracticeChapter.objects.create(book=book, number=1, title="第1章", body="本文")
    return {"pk": chapter.pk}


def _portal_book(w: World) -> dict[str, Any]:
    from medcyber.portal.models import PracticeChapter

    return {"pk": PracticeChapter.objects.get(pk=_portal_chapter(w)["pk"]).book_id}


CONTENT_EDITORS = frozenset({Role.CONTENT_EDITOR, Role.ASSOCIATION_ADMIN})
#: who reads members' items: the programme's members and staff (every staff role)
PORTAL_MEMBERS = frozenset(set(Role) - {Role.FACILITY_ADMIN, Role.FACILITY_STAFF, Role.MEMBER})


def _claim_b(w: World) -> dict[str, Any]:
    """Tenant B's support-payment claim for its incident."""
    from medcyber.claims.models import Claim
    from medcyber.incidents.models import Incident
    from tests.claims.factories import submitted

    found = Claim.unscoped.filter(facility=w.facility_b).first()
    if found is None:
        _incident_b(w)
        found = submitted(Incident.unscoped.filter(facility=w.facility_b).get(), w.user_b)
    return {"pk": found.pk}


def _claim_incident_b(w: World) -> dict[str, Any]:
    return {"incident_pk": _incident_b(w)["pk"]}


def _batch_b(w: World) -> dict[str, Any]:
    """A payment batch holding tenant B's approved claim (batches hold every tenant's)."""
    from medcyber.claims import services
    from medcyber.claims.models import Claim, PaymentBatch
    from tests.claims.factories import approved

    batch = PaymentBatch.objects.first()
    if batch is None:
        approved(Claim.unscoped.get(pk=_claim_b(w)["pk"]))
        batch, _content = services.export_batch(by=w.users[Role.CLAIMS_APPROVER])
    return {"pk": batch.pk}


def _transfer_b(w: World) -> dict[str, Any]:
    from medcyber.claims.models import PaymentTransfer

    return {"pk": PaymentTransfer.unscoped.get(batch_id=_batch_b(w)["pk"]).pk}


#: Who claims for members (the desk, the association's admins); who reviews claims; who pays.
CLAIM_DESK = frozenset({Role.DESK_TIER1, Role.DESK_TIER2, Role.ASSOCIATION_ADMIN})
CLAIM_REVIEWERS = frozenset({Role.CLAIMS_REVIEWER, Role.CLAIMS_APPROVER})
CLAIM_PAYERS = frozenset({Role.CLAIMS_APPROVER, Role.ASSOCIATION_ADMIN})

PAGE = Rule(absent=True)
# allauth's own pages: about the signed-in user only (some redirect when there is nothing to do)
ACCOUNT_PAGE = Rule(ok=(200, 302, 404), absent=True)


def _export_run_b(w: World) -> dict[str, Any]:
    """An export run (admins' and auditors' work, no tenant), still waiting for its task."""
    run = ExportRun.unscoped.first() or ExportRun.unscoped.create(kind="members")
    return {"pk": run.pk}


def _token_link(**kwargs: str) -> Rule:
    """Links with keys sent by e-mail: a bogus key is refused without error."""
    return Rule(kwargs=lambda w: kwargs, public=True, ok=(200, 302, 400, 404))


ROUTE_RULES: dict[str, Rule] = {
    "home": Rule(public=True),
    "ping": Rule(public=True),
    "set_language": Rule(public=True, method="post", ok=(302,)),
    "dashboard": PAGE,
    "facility_detail": Rule(kwargs=_facility_b, allowed=ALL_FACILITIES_ROLES),
    "document_download": Rule(kwargs=_document_b, allowed=ALL_FACILITIES_ROLES),
    "audit_search": Rule(allowed=AUDIT_ROLES, refused=(403,)),
    "api_tokens": PAGE,
    "api_token_revoke": Rule(
        kwargs=lambda w: {"pk": w.token_b.pk}, allowed=NO_ROLES, method="post"
    ),
    # staff registry screens: tenant roles hold no registry role, so the whole area is 403;
    # the staff who may search may see every tenant (no ``absent``), refused roles see nothing
    "registry:member_search": Rule(allowed=ALL_FACILITIES_ROLES, refused=(403,)),
    "registry:member_detail": Rule(
        kwargs=lambda w: {"pk": w.member_b.pk}, allowed=ALL_FACILITIES_ROLES, refused=(403,)
    ),
    "registry:facility_search": Rule(allowed=ALL_FACILITIES_ROLES, refused=(403,)),
    "registry:facility_detail": Rule(
        kwargs=_facility_b, allowed=ALL_FACILITIES_ROLES, refused=(403,)
    ),
    # the whole registry as a file (personal data leaving the system): admins and auditors only;
    # it holds every tenant by design, so no ``absent``
    "registry:export": Rule(
        kwargs=lambda w: {"kind": "members", "fmt": "csv"},
        allowed=frozenset({Role.ASSOCIATION_ADMIN, Role.AUDITOR}),
        refused=(403,),
    ),
    # Excel files of the whole registry written in the background: admins and auditors only
    "registry:export_list": Rule(
        allowed=frozenset({Role.ASSOCIATION_ADMIN, Role.AUDITOR}), refused=(403,)
    ),
    "registry:export_detail": Rule(
        kwargs=_export_run_b,
        allowed=frozenset({Role.ASSOCIATION_ADMIN, Role.AUDITOR}),
        refused=(403,),
    ),
    # imports from a file: association admins only (the runs belong to no tenant)
    "registry:import_list": Rule(allowed=IMPORT_ADMINS, refused=(403,)),
    "registry:import_detail": Rule(kwargs=_import_run_b, allowed=IMPORT_ADMINS, refused=(403,)),
    "registry:import_errors": Rule(kwargs=_import_run_b, allowed=IMPORT_ADMINS, refused=(403,)),
    "registry:import_confirm": Rule(
        kwargs=_import_run_b,
        allowed=IMPORT_ADMINS,
        refused=(403,),
        method="post",
        ok=(302,),
    ),
    # the consultation desk: operators and those who oversee them see every tenant's cases;
    # members and facility staff have their own pages, which never show another tenant's
    "desk:queue": Rule(allowed=CASE_READERS, refused=(403,)),
    "desk:breaches": Rule(allowed=CASE_READERS, refused=(403,)),
    "desk:phone_intake": Rule(allowed=DESK_OPERATORS, refused=(403,)),
    "desk:case": Rule(kwargs=_case_b, allowed=CASE_READERS, refused=(403,)),
    "desk:case_status": _case_action(),
    "desk:case_assign": _case_action(),
    "desk:case_escalate": _case_action(),
    "desk:case_deescalate": _case_action(),
    "desk:case_note": _case_action(),
    "desk:case_message": _case_action(),
    "desk:case_match": _case_action(),
    "desk:case_refer": _case_action(),
    "desk:referral_outcome": Rule(
        kwargs=_referral_b, allowed=DESK_OPERATORS, refused=(403,), method="post", ok=(302,)
    ),
    "desk:partners": Rule(allowed=CASE_READERS, refused=(403,)),
    # the answers library holds no tenant data: every signed-in user reads it
    "desk:answers": PAGE,
    "desk:answer": Rule(kwargs=_answer, ok=(200,)),
    "desk:my_cases": Rule(allowed=TENANT_ROLES, refused=(403,), absent=True),
    "desk:web_intake": Rule(allowed=TENANT_ROLES, refused=(403,), absent=True),
    "desk:my_case": Rule(kwargs=_case_b, allowed=NO_ROLES, refused=(403, 404)),
    "desk:my_case_reply": Rule(kwargs=_case_b, allowed=NO_ROLES, refused=(403, 404), method="post"),
    "desk:case_recategorise": _case_action(),
    "desk:case_attach": _case_action(),
    # incidents: lists show only what the role may see (tenants: their own, so ``refused=200``
    # with the other tenant absent); staff who see every facility see every incident
    "incidents:list": Rule(allowed=ALL_FACILITIES_ROLES, refused=(200,)),
    "incidents:create": Rule(
        allowed=TENANT_ROLES | INCIDENT_STAFF_WRITERS, refused=(403,), absent=True
    ),
    "incidents:detail": Rule(kwargs=_incident_b, allowed=ALL_FACILITIES_ROLES),
    "incidents:edit": Rule(kwargs=_incident_b, allowed=INCIDENT_STAFF_WRITERS, refused=(403, 404)),
    "incidents:status": Rule(
        kwargs=_incident_b,
        allowed=INCIDENT_STAFF_WRITERS,
        refused=(403, 404),
        method="post",
        ok=(302,),
    ),
    "incidents:obligation_update": Rule(
        kwargs=lambda w: {**_incident_b(w), "code": "mhlw"},
        allowed=INCIDENT_STAFF_WRITERS,
        refused=(403, 404),
        method="post",
        ok=(302,),
    ),
    "incidents:jma_report": Rule(
        kwargs=_incident_b, allowed=INCIDENT_STAFF_WRITERS, refused=(403, 404)
    ),
    "incidents:drafts": Rule(
        kwargs=_incident_b, allowed=INCIDENT_STAFF_WRITERS, refused=(403, 404)
    ),
    "incidents:draft_pdf": Rule(
        kwargs=lambda w: {**_incident_b(w), "which": "ppc"}, allowed=ALL_FACILITIES_ROLES
    ),
    "incidents:jma_report_list": Rule(allowed=ALL_FACILITIES_ROLES, refused=(403,)),
    # targeted-attack e-mail training: staff screens
    "training:campaign_list": TRAINING_PAGE,
    "training:campaign_create": TRAINING_PAGE,
    "training:group_list": TRAINING_PAGE,
    "training:domain_list": TRAINING_PAGE,
    "training:template_list": TRAINING_PAGE,
    "training:campaign_detail": Rule(
        kwargs=_training("campaign"), allowed=TRAINING_STAFF, refused=(403, 404)
    ),
    "training:campaign_action": Rule(
        kwargs=_training("campaign", action="pause"),
        allowed=TRAINING_STAFF,
        refused=(403, 404),
        method="post",
        ok=(302,),
    ),
    "training:campaign_export": Rule(
        kwargs=_training("campaign", fmt="csv"), allowed=TRAINING_STAFF, refused=(403, 404)
    ),
    "training:group_detail": Rule(
        kwargs=_training("group"), allowed=TRAINING_STAFF, refused=(403, 404)
    ),
    "training:domain_verify": Rule(
        kwargs=_training("domain"),
        allowed=TRAINING_STAFF,
        refused=(403, 404),
        method="post",
        ok=(302,),
    ),
    "training:template_detail": Rule(
        kwargs=_training("template"), allowed=TRAINING_STAFF, refused=(403, 404)
    ),
    # training: public tracking links, reached only with a recipient's unguessable token
    "training:open": Rule(kwargs=lambda w: {"token": "bogus"}, public=True),
    "training:click": Rule(kwargs=lambda w: {"token": "bogus"}, public=True, ok=(404,)),
    "training:submit": Rule(
        kwargs=lambda w: {"token": "bogus"}, public=True, method="post", ok=(404,)
    ),
    "training:learn": Rule(kwargs=lambda w: {"token": "bogus"}, public=True, ok=(404,)),
    "training:report": Rule(kwargs=lambda w: {"token": "bogus"}, public=True, ok=(404,)),
    "training:template_create": TRAINING_PAGE,
    "training:template_edit": Rule(
        kwargs=_training("template"), allowed=TRAINING_STAFF, refused=(403, 404)
    ),
    "training:campaign_report": Rule(
        kwargs=_training("campaign"), allowed=TRAINING_STAFF, refused=(403, 404)
    ),
    # guideline: facility pages (tenant B's facility is 404 for tenant roles), the vendor's
    # link (public, a bogus token is refused), the association's screens
    "guideline:home": Rule(ok=(200, 302), absent=True),
    "guideline:assessment": Rule(kwargs=_assessment_b, allowed=ALL_FACILITIES_ROLES),
    "guideline:assessment_print": Rule(kwargs=_assessment_b, allowed=ALL_FACILITIES_ROLES),
    "guideline:assessment_pdf": Rule(kwargs=_assessment_b, allowed=ALL_FACILITIES_ROLES),
    "guideline:assessment_xlsx": Rule(kwargs=_assessment_b, allowed=ALL_FACILITIES_ROLES),
    "guideline:vendor_request_create": Rule(
        kwargs=_assessment_b, allowed=NO_ROLES, refused=(403, 404), method="post"
    ),
    "guideline:asset_list": Rule(kwargs=_facility_b, allowed=ALL_FACILITIES_ROLES),
    "guideline:vendor_part": Rule(kwargs=_vendor_part_b, allowed=ALL_FACILITIES_ROLES),
    "guideline:vendor_request_revoke": Rule(
        kwargs=_vendor_request_b, allowed=NO_ROLES, refused=(403, 404), method="post"
    ),
    "guideline:asset_import": Rule(
        kwargs=_facility_b, allowed=NO_ROLES, refused=(403, 404), method="post"
    ),
    "guideline:finding_update": Rule(
        kwargs=_finding_b, allowed=NO_ROLES, refused=(403, 404), method="post"
    ),
    "guideline:vendor_fill": _token_link(token="bogus-token"),
    "guideline:checklist_list": Rule(allowed=IMPORT_ADMINS, refused=(403,)),
    "guideline:overview": Rule(allowed=ALL_FACILITIES_ROLES, refused=(403,)),
    "guideline:overview_csv": Rule(allowed=ALL_FACILITIES_ROLES, refused=(403,)),
    # guideline: asking the desk about an item is the facility's own action (staff: 403)
    "guideline:item_question": Rule(
        kwargs=lambda w: {**_assessment_b(w), "key": "cyber-bcp"},
        allowed=NO_ROLES,
        refused=(403, 404),
    ),
    # guideline: one asset at a time, the facility's own (staff read the register only)
    "guideline:asset_create": Rule(kwargs=_facility_b, allowed=NO_ROLES, refused=(403, 404)),
    "guideline:asset_edit": Rule(
        kwargs=lambda w: {"pk": w.facility_b.pk, "asset_pk": _asset_b(w)},
        allowed=NO_ROLES,
        refused=(403, 404),
    ),
    "guideline:asset_retire": Rule(
        kwargs=lambda w: {"pk": w.facility_b.pk, "asset_pk": _asset_b(w)},
        allowed=NO_ROLES,
        refused=(403, 404),
        method="post",
    ),
    # guideline: the association's comparison over fiscal years (counts only)
    "guideline:overview_trends": Rule(allowed=ALL_FACILITIES_ROLES, refused=(403,)),
    "guideline:overview_trend_csv": Rule(allowed=ALL_FACILITIES_ROLES, refused=(403,)),
    # guideline API: lists show only what the role may see; tenant B's facility, assessment
    # and warning answer 404 to tenant roles; writes are the facility's own (staff: 403),
    # called here without a body, so a role that reaches the handler is refused 400/422
    "api:list_guideline_assessments": Rule(api=True, absent=True),
    "api:get_guideline_assessment": Rule(
        api=True,
        kwargs=lambda w: {"assessment_id": _assessment_b_pk(w)},
        allowed=ALL_FACILITIES_ROLES,
    ),
    "api:list_guideline_assets": Rule(
        api=True, kwargs=lambda w: {"facility_id": w.facility_b.pk}, allowed=ALL_FACILITIES_ROLES
    ),
    "api:create_guideline_asset": Rule(
        api=True,
        method="post",
        kwargs=lambda w: {"facility_id": w.facility_b.pk},
        allowed=NO_ROLES,
        refused=(400, 403, 404),
    ),
    "api:list_guideline_kev_findings": Rule(
        api=True, kwargs=lambda w: {"facility_id": w.facility_b.pk}, allowed=ALL_FACILITIES_ROLES
    ),
    "api:mark_guideline_kev_finding": Rule(
        api=True,
        method="post",
        kwargs=lambda w: {"finding_id": _finding_b(w)["finding_pk"]},
        allowed=NO_ROLES,
        refused=(400, 403, 404),
    ),
    # guideline: a proposed KEV alert (association data, no tenant) is decided by those who
    # publish on the portal
    "guideline:kev_alert_decide": Rule(
        kwargs=_kev_proposal,
        allowed=CONTENT_EDITORS,
        refused=(403,),
        method="post",
        ok=(302,),
    ),
    # the portal: reading is public; members' items for members (tenant A is an A① facility)
    # and staff; editing for content editors; a facility admin links staff to *their* facility
    "portal:index": Rule(public=True, absent=True),
    "portal:item": Rule(kwargs=_portal_item, public=True, absent=True),
    "portal:journal_pdf": Rule(kwargs=_portal_journal, public=True, ok=(200, 404), absent=True),
    "portal:search": Rule(public=True, absent=True),
    "portal:feed": Rule(public=True, absent=True),
    "portal:signup": Rule(public=True, ok=(200, 302), absent=True),
    "portal:facility_staff": Rule(kwargs=_facility_b, allowed=NO_ROLES),
    "portal:quiz_results": Rule(kwargs=_facility_b, allowed=NO_ROLES),
    "portal:books": Rule(public=True, absent=True),
    "portal:book": Rule(kwargs=_portal_book, public=True, absent=True),
    "portal:chapter": Rule(kwargs=_portal_chapter, absent=True),
    "portal:editor_list": Rule(allowed=CONTENT_EDITORS, refused=(403,)),
    "portal:editor_new": Rule(
        kwargs=lambda w: {"kind": "article"}, allowed=CONTENT_EDITORS, refused=(403,)
    ),
    "portal:editor_edit": Rule(kwargs=_portal_item, allowed=CONTENT_EDITORS, refused=(403,)),
    "portal:editor_versions": Rule(kwargs=_portal_item, allowed=CONTENT_EDITORS, refused=(403,)),
    "portal:editor_action": Rule(
        kwargs=lambda w: {**_portal_item(w), "action": "review"},
        allowed=CONTENT_EDITORS,
        refused=(403,),
        method="post",
        ok=(302,),
    ),
    "portal:alert_new": Rule(allowed=CONTENT_EDITORS, refused=(403,)),
    # the language switch (a GET form): called without a language it is 404 for everyone
    "portal:language": Rule(public=True, ok=(404,)),
    # article images: served to the article's readers (a missing image is 404 for everyone);
    # editors upload them (sent empty: refused back to the edit page)
    "portal:image": Rule(kwargs=lambda w: {"pk": 999999}, public=True, ok=(404,)),
    "portal:editor_image": Rule(
        kwargs=_portal_item, allowed=CONTENT_EDITORS, refused=(403,), method="post", ok=(302,)
    ),
    # practice texts: a chapter's PDF for its book's readers; chapter editing for editors
    "portal:chapter_pdf": Rule(kwargs=_portal_chapter, public=True, absent=True),
    "portal:editor_texts": Rule(allowed=CONTENT_EDITORS, refused=(403,)),
    "portal:editor_chapter_new": Rule(kwargs=_portal_book, allowed=CONTENT_EDITORS, refused=(403,)),
    "portal:editor_chapter": Rule(kwargs=_portal_chapter, allowed=CONTENT_EDITORS, refused=(403,)),
    "portal:editor_chapter_versions": Rule(
        kwargs=_portal_chapter, allowed=CONTENT_EDITORS, refused=(403,)
    ),
    # alerts: the staff list, a draft to check and publish, ending one early (no such alert)
    "portal:alert_list": Rule(allowed=CONTENT_EDITORS, refused=(403,)),
    "portal:alert_draft": Rule(
        kwargs=lambda w: {"pk": 999999}, allowed=CONTENT_EDITORS, refused=(403,), ok=(404,)
    ),
    "portal:alert_end": Rule(
        kwargs=lambda w: {"pk": 999999},
        allowed=CONTENT_EDITORS,
        refused=(403,),
        method="post",
        ok=(404,),
    ),
    # claims: tenants see their own claims only; the desk claims for members; reviewers review
    "claims:list": Rule(allowed=ALL_FACILITIES_ROLES, refused=(200,)),
    "claims:create": Rule(kwargs=_claim_incident_b, allowed=CLAIM_DESK, refused=(403, 404)),
    "claims:preview": Rule(
        kwargs=_claim_incident_b, allowed=CLAIM_DESK, refused=(403, 404), method="post"
    ),
    "claims:detail": Rule(kwargs=_claim_b, allowed=ALL_FACILITIES_ROLES),
    "claims:review": Rule(
        kwargs=_claim_b, allowed=CLAIM_REVIEWERS, refused=(403, 404), method="post", ok=(302,)
    ),
    "claims:letter": Rule(
        kwargs=lambda w: {**_claim_b(w), "which": "acknowledgement"},
        allowed=ALL_FACILITIES_ROLES,
    ),
    "claims:supply": Rule(
        kwargs=_claim_b, allowed=CLAIM_DESK, refused=(403, 404), method="post", ok=(302,)
    ),
    # payment batches: every tenant's transfers, for those who pay; the posts are sent empty
    # (no reason, or a batch already paid by an earlier role's call): refused back to the page
    "claims:batch_list": Rule(allowed=CLAIM_PAYERS, refused=(403,)),
    "claims:batch_create": Rule(allowed=CLAIM_PAYERS, refused=(403,), method="post", ok=(302,)),
    "claims:batch_detail": Rule(kwargs=_batch_b, allowed=CLAIM_PAYERS, refused=(403,)),
    "claims:batch_file": Rule(kwargs=_batch_b, allowed=CLAIM_PAYERS, refused=(403,)),
    "claims:batch_paid": Rule(
        kwargs=_batch_b, allowed=CLAIM_PAYERS, refused=(403,), method="post", ok=(302,)
    ),
    "claims:transfer_failed": Rule(
        kwargs=_transfer_b, allowed=CLAIM_PAYERS, refused=(403,), method="post", ok=(302,)
    ),
    # allauth
    "account_login": Rule(public=True, ok=(200, 302)),
    "account_logout": ACCOUNT_PAGE,
    "account_inactive": Rule(public=True),
    "account_signup": Rule(public=True, ok=(200, 302, 403)),
    "account_reauthenticate": ACCOUNT_PAGE,
    "account_request_reauthentication_code": ACCOUNT_PAGE,
    "account_confirm_reauthentication_code": ACCOUNT_PAGE,
    # allauth 65.22 added re-authentication by e-mailed code (routes exist whether used or not)
    "account_email": ACCOUNT_PAGE,
    "account_email_verification_sent": Rule(public=True, ok=(200, 302)),
    "account_change_password": ACCOUNT_PAGE,
    "account_set_password": ACCOUNT_PAGE,
    "account_reset_password": Rule(public=True, ok=(200, 302)),
    "account_confirm_login_code": Rule(public=True, ok=(200, 302, 404)),
    "account_confirm_email": _token_link(key="bogus-key"),
    "account_reset_password_from_key": _token_link(uidb36="zz", key="bogus-key"),
    "account_reset_password_from_key_done": Rule(public=True, ok=(200, 302)),
    "account_reset_password_done": Rule(public=True, ok=(200, 302)),
    "mfa_index": ACCOUNT_PAGE,
    "mfa_authenticate": Rule(public=True, ok=(200, 302)),
    "mfa_reauthenticate": ACCOUNT_PAGE,
    "mfa_activate_totp": ACCOUNT_PAGE,
    "mfa_deactivate_totp": ACCOUNT_PAGE,
    "mfa_view_recovery_codes": ACCOUNT_PAGE,
    "mfa_generate_recovery_codes": ACCOUNT_PAGE,
    "mfa_download_recovery_codes": ACCOUNT_PAGE,
    "mfa_list_webauthn": ACCOUNT_PAGE,
    "mfa_add_webauthn": ACCOUNT_PAGE,
    "mfa_reauthenticate_webauthn": ACCOUNT_PAGE,
    "mfa_remove_webauthn": Rule(
        kwargs=lambda w: {"pk": w.authenticator_b.pk}, allowed=NO_ROLES, refused=(302, 404)
    ),
    "mfa_edit_webauthn": Rule(
        kwargs=lambda w: {"pk": w.authenticator_b.pk}, allowed=NO_ROLES, refused=(302, 404)
    ),
    "mfa_login_webauthn": Rule(public=True, ok=(200, 302, 400, 405)),
    # API
    "api:api-root": Rule(api=True, public=True, ok=(200, 404)),
    "api:openapi-json": Rule(api=True, public=True),
    "api:openapi-view": Rule(api=True, public=True),
    "api:me": Rule(api=True),
    "api:list_facilities": Rule(api=True, absent=True),
    # cases: the list never shows another tenant's case to a tenant. The writes are called
    # here with a body that is not JSON, which the API refuses (400) before anything else;
    # who may write what, with real bodies, is tests/desk/test_api.py
    "api:list_desk_cases": Rule(api=True, absent=True),
    "api:get_desk_case": Rule(
        api=True, kwargs=lambda w: {"case_id": _case_b(w)["pk"]}, allowed=CASE_READERS
    ),
    "api:create_desk_case": Rule(api=True, method="post", ok=(400,), absent=True),
    "api:add_desk_case_message": Rule(
        api=True,
        method="post",
        kwargs=lambda w: {"case_id": _case_b(w)["pk"]},
        ok=(400,),
        absent=True,
    ),
    "api:compute_obligations": Rule(api=True, method="post", ok=(200, 400, 422)),
    "api:list_incidents": Rule(api=True, allowed=ALL_FACILITIES_ROLES, refused=(200,)),
    "api:list_campaigns": Rule(api=True, absent=True),
    "api:get_campaign": Rule(
        api=True,
        kwargs=lambda w: {"campaign_id": _training_b(w)["campaign"]},
        allowed=TRAINING_STAFF,
    ),
    "api:get_facility": Rule(
        api=True, kwargs=lambda w: {"facility_id": w.facility_b.pk}, allowed=ALL_FACILITIES_ROLES
    ),
    # the support-payment calculator: no tenant data, every signed-in role; sent here without
    # a body, so reaching it means the empty body is refused (400); tests/claims covers the rest
    "api:quote": Rule(api=True, method="post", ok=(400, 422)),
}


# --- the tests ---
ADMIN_OBJECTS: dict[str, Callable[[World], Any]] = {
    "facility": lambda w: w.facility_b,
    "member": lambda w: w.member_b,
    "user": lambda w: w.user_b,
    "apitoken": lambda w: w.token_b,
}


def _admin_kwargs(route: Route, w: World) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if "object_id" in route.pattern:
        model_name = route.name.split("_")[-2] if route.name.count("_") >= 2 else ""
        obj = ADMIN_OBJECTS.get(model_name, lambda w: None)(w)
        kwargs["object_id"] = obj.pk if obj is not None else 999999
    if "<id>" in route.pattern:  # a user's password form
        kwargs["id"] = w.user_b.pk
    if "content_type_id" in route.pattern:
        from django.contrib.contenttypes.models import ContentType

        kwargs["content_type_id"] = ContentType.objects.get_for_model(w.facility_b).pk
    if "app_label" in route.pattern:
        kwargs["app_label"] = "registry"
    return kwargs


def _url(route: Route, w: World, rule: Rule | None) -> str:
    from django.urls import reverse

    if route.namespace == "admin":
        url = reverse(route.qualified, kwargs=_admin_kwargs(route, w) or None)
        if route.name == "autocomplete":  # the member search box on a facility's page
            url += "?app_label=registry&model_name=facilitymanagement&field_name=member&term=佐藤"
        return url
    assert rule is not None
    kwargs = rule.kwargs(w) if rule.kwargs else None
    return reverse(route.qualified, kwargs=kwargs)


def _call(client: Client, rule: Rule | None, url: str) -> Any:
    method = rule.method if rule else "get"
    return getattr(client, method)(url)


def _body(response: Any) -> str:
    return response.content.decode(errors="replace") if hasattr(response, "content") else ""


def _judge(role: str, route: Route, rule: Rule, client: Client, w: World) -> list[str]:
    """Call one route as one role; what went wrong, if anything."""
    response = _call(client, rule, _url(route, w, rule))
    may_see = role in rule.allowed
    expected = rule.ok if may_see else rule.refused
    problems = []
    if response.status_code not in expected:
        problems.append(f"{route.qualified}: {response.status_code}, expected {expected}")
    if (not may_see or rule.absent) and w.b_marker in _body(response):
        problems.append(f"{route.qualified}: shows the other tenant's facility")
    return problems


def test_every_route_has_a_rule() -> None:
    routes = [r for r in all_routes() if r.namespace != "admin"]
    unnamed = [r.pattern for r in routes if not r.name]
    assert not unnamed, f"routes without a name cannot be checked: {unnamed}"
    missing = sorted({r.qualified for r in routes} - set(ROUTE_RULES))
    stale = sorted(set(ROUTE_RULES) - {r.qualified for r in routes})
    assert not missing, f"routes without a scoping rule in ROUTE_RULES: {missing}"
    assert not stale, f"rules for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_roles_never_see_the_other_tenant(world: World, role: str) -> None:
    client = Client()
    client.force_login(world.users[role])
    failures = []
    for route in all_routes():
        if route.namespace == "admin":
            continue
        failures += _judge(role, route, ROUTE_RULES[route.qualified], client, world)
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", list(Role))
def test_api_tokens_never_reach_the_other_tenant(world: World, role: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[role]}")
    failures = []
    for route in all_routes():
        rule = ROUTE_RULES.get(route.qualified)
        if rule is None or not rule.api:
            continue
        failures += _judge(role, route, rule, client, world)
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", list(Role))
def test_admin_is_for_association_admins_only(world: World, role: str) -> None:
    client = Client()
    client.force_login(world.users[role])
    failures = []
    for route in all_routes():
        if route.namespace != "admin":
            continue
        response = client.get(_url(route, world, None))
        if role == Role.ASSOCIATION_ADMIN:
            # 403: read-only tables (audit events) and other apps' internals; 404: no such row
            if response.status_code not in (200, 302, 403, 404, 405):
                failures.append(f"{route.qualified}: {response.status_code}")
        elif response.status_code == 200 or world.b_marker in _body(response):
            failures.append(f"{route.qualified}: opened for {role} ({response.status_code})")
    assert not failures, f"{role}:\n" + "\n".join(failures)


SIGN_IN_PATHS = ("/accounts/login/", "/admin/login/")


def test_anonymous_visitors_see_only_public_routes(world: World) -> None:
    client = Client()
    failures = []
    for route in all_routes():
        rule = ROUTE_RULES.get(route.qualified)
        response = _call(client, rule, _url(route, world, rule))
        if rule is not None and rule.public:
            ok = response.status_code in rule.ok
        elif rule is not None and rule.api:
            ok = response.status_code == 401
        else:
            ok = response.status_code in (302, 404, 405)
            if response.status_code == 302:
                location = response["Location"]
                ok = location.startswith(SIGN_IN_PATHS) or location in ("/", "/admin/")
        if not ok or world.b_marker in _body(response):
            failures.append(f"{route.qualified}: {response.status_code}")
    assert not failures, "\n".join(failures)


STAFF_ONLY_ROLES = [r for r in Role if r not in TENANT_ROLES]


@pytest.mark.parametrize("role", STAFF_ONLY_ROLES)
def test_staff_without_a_second_factor_see_nothing(world: World, role: str) -> None:
    user = factories.staff_user(role, mfa=False)
    client = Client()
    client.force_login(user)
    token = ApiToken.issue(user=user, name="before-mfa")[1]
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    failures = []
    for route in all_routes():
        rule = ROUTE_RULES.get(route.qualified)
        url = _url(route, world, rule)
        if url.startswith(("/accounts/", "/i18n/", "/healthz")) or (rule and rule.public):
            continue
        response = _call(client, rule, url)
        if route.namespace == "admin" or (rule and not rule.api):
            ok = response.status_code == 302 and (
                "/accounts/2fa/totp/activate/" in response["Location"]
                or "/accounts/login/" in response["Location"]
            )
        else:
            ok = response.status_code == 403
            token_response = _call(api_client, rule, url)
            ok = ok and token_response.status_code == 403
        if not ok or world.b_marker in _body(response):
            failures.append(f"{route.qualified}: {response.status_code}")
    assert not failures, f"{role}:\n" + "\n".join(failures)
