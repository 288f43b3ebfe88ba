"""The claims of the demo data set (``medcyber demo``): claims in every state, three approved
claims waiting for a batch, one batch paid and one sent, and the demo clinic's ransomware
attack of 2024-03-10 (closed three days) left unclaimed, for the member to claim ¥400,000.

Each claim is made for its own incident, matched by facility and title: an incident that exists
is left as it is with its claim, so a second run changes nothing. The documents the claims need
are small PDFs written by this module (not uploads: there is nothing to scan).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from medcyber.core.documents import crypto
from medcyber.core.models import StoredDocument
from medcyber.incidents import services as incident_services
from medcyber.incidents.models import Incident, Obligation
from medcyber.registry import demo_data as registry_data
from medcyber.registry.models import Facility

from . import services
from .models import Claim, PaymentBatch

D = dt.date


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@dataclass(frozen=True)
class DemoClaim:
    facility: str
    title: str
    kind: str
    day: dt.date
    closed: int
    holder: str
    #: submitted, under_review, info_requested, recommended, approved, refused, batched, paid
    state: str
    insider: bool = False
    reason: str = ""
    account: tuple[str, str, str] = ("0005", "001", "1234567")
    duplicate: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


#: The demo clinic's attack: unclaimed, for the member's own claim (¥400,000).
WALKTHROUGH = DemoClaim(
    registry_data.DEMO_FACILITY,
    "受付PCからランサムウェアが拡大し電子カルテが停止",
    "ransomware",
    D(2024, 3, 10),
    3,
    "",
    "unclaimed",
)

CLAIMS: tuple[DemoClaim, ...] = (
    # the first batch (paid), then the second (sent to the bank, not yet confirmed)
    DemoClaim("新宿西口病院", "放射線部門サーバのランサムウェア感染", "ransomware",
              D(2024, 1, 22), 5, "イリョウホウジン　ニシグチカイ", "paid",
              account=("0009", "001", "2345678")),
    DemoClaim("グループホーム にしぐち", "介護記録システムへの不正アクセス",
              "unauthorised_access", D(2024, 8, 30), 0, "ｸﾞﾙｰﾌﾟﾎｰﾑ ﾆｼｸﾞﾁ", "batched",
              account=("0001", "001", "3456789")),
    # three approved claims waiting for a batch, with names to convert
    DemoClaim("白山診療所", "電子カルテのランサムウェア被害", "ransomware", D(2023, 4, 15), 2,
              "医療法人社団 はくさんかい", "approved", account=("0005", "001", "4567890")),
    DemoClaim("小石川こどもクリニック", "標的型メールによるマルウェア感染", "targeted_email",
              D(2024, 7, 8), 0, "コイシカワコドモクリニック　タカハシ　マコト", "approved",
              account=("0001", "001", "5678901")),
    DemoClaim("千駄木耳鼻咽喉科", "予約システムのランサムウェア被害", "ransomware",
              D(2024, 11, 2), 4, "Ｓｅｎｄａｇｉ　ＥＮＴ　クリニック", "approved",
              account=("0009", "001", "6789012")),
    # decided against, in review, waiting for information or for the reviewer
    DemoClaim("特別養護老人ホーム 文京さくら苑", "職員による利用者名簿の持ち出し", "device_loss",
              D(2024, 2, 14), 0, "ﾄｸﾍﾞﾂﾖｳｺﾞﾛｳｼﾞﾝﾎｰﾑ ﾌﾞﾝｷﾖｳｻｸﾗｴﾝ", "refused", insider=True,
              reason="職員による持ち出し（内部犯罪）のため支給対象外"),
    DemoClaim("文京中央病院", "外部からの不正アクセスによる検査システム停止",
              "unauthorised_access", D(2024, 5, 20), 2, "ｲﾘﾖｳﾎｳｼﾞﾝ ﾌﾞﾝｷﾖｳｶｲ", "recommended"),
    DemoClaim("本駒込訪問看護ステーション", "訪問記録を誤った宛先へメール送信", "mis_sent",
              D(2024, 9, 12), 0, "ホンコマゴメホウモンカンゴステーション", "info_requested",
              reason="ご本人への通知の控え（文面と送付日が分かるもの）を添付してください。"),
    DemoClaim("介護老人保健施設 こまごめの杜", "Emotetに感染し取引先へ不審メール", "emotet",
              D(2024, 6, 3), 1, "ｶｲｺﾞﾛｳｼﾞﾝﾎｹﾝｼｾﾂ ｺﾏｺﾞﾒﾉﾓﾘ", "submitted"),
)  # fmt: skip

#: A second claim for the hospital's incident, flagged as a duplicate.
DUPLICATE_OF = "外部からの不正アクセスによる検査システム停止"

REPORTS_DONE = ("mhlw", "ppc_final")  # recorded on the incidents; the rest come as documents


def load(created: Counter[str], users: dict[str, Any]) -> None:
    """Load the demo claims; counts what it created into ``created``."""
    domain = registry_data.DEMO_EMAIL_DOMAIN
    member = users[f"member@{domain}"]
    reviewer = users[f"reviewer@{domain}"]
    approver = users[f"approver@{domain}"]
    desk = users[f"tier1@{domain}"]
    _incident(WALKTHROUGH, member, created)
    made: dict[str, Claim] = {}
    for item in CLAIMS:
        if _exists(item):
            continue
        incident = _incident(item, member, created)
        claim = _submit(incident, item, desk)
        created[Claim._meta.label] += 1
        made[item.title] = claim
        _advance(claim, item, reviewer, approver, desk)
        if item.state == "paid":
            batch, _content = _batch(approver)
            services.mark_batch_paid(batch=batch, by=approver)
            created[PaymentBatch._meta.label] += 1
        elif item.state == "batched":
            _batch(approver)
            created[PaymentBatch._meta.label] += 1
    if DUPLICATE_OF in made:
        incident = made[DUPLICATE_OF].incident
        _submit(incident, next(c for c in CLAIMS if c.title == DUPLICATE_OF), member)
        created[Claim._meta.label] += 1


def _exists(item: DemoClaim) -> bool:
    return Incident.unscoped.filter(facility__name=item.facility, title=item.title).exists()


def _incident(item: DemoClaim, member: Any, created: Counter[str]) -> Incident:
    facility = Facility.unscoped.get(name=item.facility)
    found = Incident.unscoped.filter(facility=facility, title=item.title).first()
    if found is not None:
        return found
    incident, _changes = incident_services.create_incident(
        by=member,
        facility=facility,
        title=item.title,
        kind=item.kind,
        occurred_at=_at(item.day, 7),
        discovered_at=_at(item.day, 9),
        insider=item.insider,
        persons_affected=1 if item.kind in ("mis_sent", "device_loss") else 0,
        sensitive_data=item.kind in ("mis_sent", "device_loss"),
        closure_days=[item.day + dt.timedelta(days=n) for n in range(item.closed)],
        **item.extra,
    )
    created[Incident._meta.label] += 1
    if item.state != "unclaimed":
        for obligation in Obligation.unscoped.filter(incident=incident, code__in=REPORTS_DONE):
            incident_services.record_obligation(
                obligation=obligation,
                by=member,
                status=Obligation.Status.DONE,
                done_on=item.day + dt.timedelta(days=1),
                note="報告済み（デモデータ）",
            )
    return incident


def _submit(incident: Incident, item: DemoClaim, by: Any) -> Claim:
    bank, branch, number = item.account
    account = services.Account(bank, branch, "1", number, item.holder)
    _bank, converted = services.check_account(account)
    documents = {
        d.code: _document(incident.facility, f"{d.code}.pdf", d.code)
        for d in services.documents_needed(incident)
    }
    return services.submit_claim(
        incident=incident,
        by=by,
        account=account,
        confirmed_holder_name=converted,
        documents=documents,
    )


def _advance(claim: Claim, item: DemoClaim, reviewer: Any, approver: Any, desk: Any) -> None:
    def step(user: Any, function: Any, **kwargs: Any) -> None:
        nonlocal claim
        claim = function(claim=claim, by=user, version=claim.version, **kwargs)

    if item.state == "submitted":
        return
    if item.state == "info_requested":
        step(reviewer, services.request_information, reason=item.reason)
        return
    step(reviewer, services.start_review)
    if item.state == "under_review":
        return
    refuse = item.state == "refused"
    step(
        reviewer,
        services.recommend,
        recommendation="refuse" if refuse else "approve",
        reason=item.reason or "報告の写しと休業の記録を確認しました。",
    )
    if item.state == "recommended":
        return
    step(
        approver,
        services.decide,
        approve=not refuse,
        reason=item.reason or "支給要件を満たしています。",
    )


def _batch(by: Any) -> tuple[PaymentBatch, bytes]:
    return services.export_batch(by=by)


def _document(facility: Facility, name: str, what: str) -> StoredDocument:
    data = _pdf(f"medcyber demo document: {what} ({facility.pk})")
    return StoredDocument.unscoped.create(
        purpose="claim_document",
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_name=default_storage.save(
            f"documents/{uuid.uuid4().hex}", ContentFile(crypto.encrypt(data))
        ),
        scanned_at=timezone.now(),
        scan_result=StoredDocument.ScanResult.CLEAN,
        facility=facility,
    )


def _pdf(text: str) -> bytes:
    """A one-page PDF showing one line of ASCII text."""
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def states() -> Counter[str]:
    """How many demo claims there are in each state (for the tests and the demo's summary)."""
    return Counter(Claim.unscoped.values_list("status", flat=True))
