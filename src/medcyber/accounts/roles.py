"""The roles a user can hold and what each one opens (REG-4). A user may hold several."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("会員")
    FACILITY_ADMIN = "facility_admin", _("施設管理者")
    FACILITY_STAFF = "facility_staff", _("施設職員")
    DESK_TIER1 = "desk_tier1", _("相談窓口（1次対応）")
    DESK_TIER2 = "desk_tier2", _("相談窓口（2次対応）")
    CLAIMS_REVIEWER = "claims_reviewer", _("支援金審査担当")
    CLAIMS_APPROVER = "claims_approver", _("支援金承認者")
    CONTENT_EDITOR = "content_editor", _("コンテンツ編集者")
    ASSOCIATION_ADMIN = "association_admin", _("医師会管理者")
    AUDITOR = "auditor", _("監査担当")


#: Roles of the people on the member side: they see their own facilities only.
TENANT_ROLES = frozenset({Role.MEMBER, Role.FACILITY_ADMIN, Role.FACILITY_STAFF})

#: The association's and the desk's people: MFA is required before they see any data.
STAFF_ROLES = frozenset(set(Role) - TENANT_ROLES)

#: Staff whose work needs every facility's registry data (to identify callers, review claims,
#: administer and audit the programme). Content editors work on public content only.
ALL_FACILITIES_ROLES = frozenset(
    {
        Role.DESK_TIER1,
        Role.DESK_TIER2,
        Role.CLAIMS_REVIEWER,
        Role.CLAIMS_APPROVER,
        Role.ASSOCIATION_ADMIN,
        Role.AUDITOR,
    }
)

#: Who may search the audit trail.
AUDIT_ROLES = frozenset({Role.ASSOCIATION_ADMIN, Role.AUDITOR})

#: Who may look people up in the member registry.
REGISTRY_ROLES = ALL_FACILITIES_ROLES
