"""``medcyber demo``: load the demo data set into the current database and print its accounts.

Contract (architecture.md): loads the demo data into the current database; running it twice
changes nothing; prints the demo accounts. ``--if-empty`` loads only into a database without
members (``make run``).

Every record is matched by its natural key (see :mod:`medcyber.registry.demo_data`) and saved
only when something differs, so a second run writes no rows and no audit events. Demo accounts
whose password, e-mail verification or TOTP secret were changed are put back as documented.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from medcyber.accounts.models import RoleGrant, User
from medcyber.accounts.services import grant_role
from medcyber.claims import demo as claims_demo
from medcyber.core import audit
from medcyber.desk import demo as desk_demo
from medcyber.guideline import demo as guideline_demo
from medcyber.incidents import demo as incidents_demo
from medcyber.portal import demo as portal_demo
from medcyber.registry import demo_data as data
from medcyber.registry.models import (
    DistrictAssociation,
    Facility,
    FacilityManagement,
    FacilityStaff,
    Member,
    PrefecturalAssociation,
)
from medcyber.registry.services import assign_manager, link_staff
from medcyber.training import demo as training_demo

ACTOR_LABEL = "system:demo"


class Loader:
    """Brings the database in line with the demo data; counts what it created and updated."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.users: dict[str, User] = {}

    # --- helpers -------------------------------------------------------------------------------
    def _sync(self, obj: models.Model, values: dict[str, Any]) -> None:
        """Save ``obj`` with ``values`` only when one of them differs from what is stored."""
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            return
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        self.updated[obj._meta.label] += 1

    def _create(self, model: type[models.Model], values: dict[str, Any]) -> Any:
        obj = model(**values)
        obj.full_clean()
        obj.save()
        self._count_created(obj)
        return obj

    def _count_created(self, obj: models.Model) -> None:
        self.created[obj._meta.label] += 1

    # --- the data set --------------------------------------------------------------------------
    def run(self) -> None:
        prefectural = self.load_prefectural()
        districts = self.load_districts(prefectural)
        self.load_accounts()
        members = self.load_members(prefectural, districts)
        facilities = self.load_facilities()
        self.load_managements(facilities, members)
        self.load_staff_links(facilities)
        self.created.update(desk_demo.load())
        incidents_demo.load(self.created, self.users)
        training_demo.load(self.created)
        self.created.update(guideline_demo.load())
        portal_demo.load(self.created)
        claims_demo.load(self.created, self.users)

    def load_prefectural(self) -> PrefecturalAssociation:
        spec = data.PREFECTURAL
        found = PrefecturalAssociation.objects.filter(prefecture=spec.prefecture).first()
        if found is None:
            return self._create(
                PrefecturalAssociation, {"prefecture": spec.prefecture, "name": spec.name}
            )
        self._sync(found, {"name": spec.name})
        return found

    def load_districts(self, prefectural: PrefecturalAssociation) -> dict[str, DistrictAssociation]:
        out: dict[str, DistrictAssociation] = {}
        for spec in data.DISTRICTS:
            found = DistrictAssociation.objects.filter(
                prefectural=prefectural, name=spec.name
            ).first()
            if found is None:
                found = self._create(
                    DistrictAssociation,
                    {"prefectural": prefectural, "name": spec.name, "name_kana": spec.name_kana},
                )
            else:
                self._sync(found, {"name_kana": spec.name_kana})
            out[spec.name] = found
        return out

    def load_members(
        self, prefectural: PrefecturalAssociation, districts: dict[str, DistrictAssociation]
    ) -> dict[str, Member]:
        linked = {
            a.membership_number: self.users[a.email] for a in data.ACCOUNTS if a.membership_number
        }
        out: dict[str, Member] = {}
        for spec in data.MEMBERS:
            values: dict[str, Any] = {
                "family_name": spec.family_name,
                "given_name": spec.given_name,
                "family_name_kana": spec.family_name_kana,
                "given_name_kana": spec.given_name_kana,
                "member_class": spec.member_class,
                "prefectural_association": prefectural,
                "district_association": districts[spec.district],
                "status": spec.status,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "email": spec.email,
                "phone": spec.phone,
            }
            if spec.membership_number in linked:
                values["user"] = linked[spec.membership_number]
            found = Member.unscoped.filter(membership_number=spec.membership_number).first()
            if found is None:
                found = self._create(
                    Member, {"membership_number": spec.membership_number, **values}
                )
            else:
                self._sync(found, values)
            out[spec.membership_number] = found
        return out

    def load_facilities(self) -> dict[str, Facility]:
        out: dict[str, Facility] = {}
        for spec in data.FACILITIES:
            values: dict[str, Any] = {
                "name": spec.name,
                "name_kana": spec.name_kana,
                "kind": spec.kind,
                "postal_code": spec.postal_code,
                "prefecture": spec.prefecture,
                "address": spec.address,
                "phone": spec.phone,
                "status": spec.status,
            }
            if spec.medical_institution_code:
                found = Facility.unscoped.filter(
                    medical_institution_code=spec.medical_institution_code
                ).first()
            else:
                found = Facility.unscoped.filter(
                    name=spec.name, kind=spec.kind, medical_institution_code=""
                ).first()
            if found is None:
                found = self._create(
                    Facility, {"medical_institution_code": spec.medical_institution_code, **values}
                )
            else:
                self._sync(found, values)
            out[spec.name] = found
        return out

    def load_managements(self, facilities: dict[str, Facility], members: dict[str, Member]) -> None:
        for spec in data.MANAGEMENTS:
            facility = facilities[spec.facility]
            member = members[spec.membership_number]
            found = FacilityManagement.unscoped.filter(
                facility=facility, member=member, valid_from=spec.valid_from
            ).first()
            if found is None:
                link = assign_manager(
                    facility=facility,
                    member=member,
                    valid_from=spec.valid_from,
                    valid_to=spec.valid_to,
                    relation=spec.relation,
                )
                self._count_created(link)
            else:
                self._sync(found, {"valid_to": spec.valid_to, "relation": spec.relation})

    def load_staff_links(self, facilities: dict[str, Facility]) -> None:
        for spec in data.ACCOUNTS:
            if not spec.facility:
                continue
            facility = facilities[spec.facility]
            user = self.users[spec.email]
            found = FacilityStaff.unscoped.filter(
                facility=facility, user=user, valid_from=data.STAFF_LINKS_FROM
            ).first()
            if found is None:
                link = link_staff(
                    facility=facility,
                    user=user,
                    role=spec.facility_role,
                    valid_from=data.STAFF_LINKS_FROM,
                )
                self._count_created(link)
            else:
                self._sync(found, {"role": spec.facility_role, "valid_to": None})

    # --- accounts --------------------------------------------------------------------------------
    def load_accounts(self) -> None:
        for spec in data.ACCOUNTS:
            user = self.load_user(spec)
            self.users[spec.email] = user
            if not RoleGrant.objects.filter(user=user, role=spec.role).exists():
                self._count_created(grant_role(user=user, role=spec.role))
            self.load_email_address(user)
            if spec.totp_secret:
                self.load_totp(user, spec.totp_secret)

    def load_user(self, spec: data.AccountData) -> User:
        values = {
            "display_name": spec.display_name,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        }
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(spec.email, data.DEMO_PASSWORD, **values)
            self._count_created(user)
            return user
        self._sync(user, values)
        if not user.check_password(data.DEMO_PASSWORD):
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.updated["accounts.User.password"] += 1
        return user

    def load_email_address(self, user: User) -> None:
        """Demo addresses count as verified: sign-in asks for verified e-mail."""
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            address = EmailAddress.objects.create(
                user=user, email=user.email, verified=True, primary=True
            )
            self._count_created(address)
        elif not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
            self.updated[address._meta.label] += 1

    def load_totp(self, user: User, secret: str) -> None:
        """One TOTP authenticator per staff account, with the documented secret."""
        found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if found is None:
            self._count_created(TOTP.activate(user, secret).instance)
            action = "accounts.mfa_added"
        elif decrypt(found.data.get("secret", "")) != secret:
            found.data = {**found.data, "secret": encrypt(secret)}
            found.save(update_fields=["data"])
            action = "accounts.mfa_reset"
            self.updated[found._meta.label] += 1
        else:
            return
        user.forget_cached_permissions()
        audit.record("auth", action, user, changes={"type": Authenticator.Type.TOTP.value})


class Command(BaseCommand):
    help = (
        "Load the demo data set (Tokyo Medical Association, members, facilities and one "
        "account per role) into the current database and print the demo accounts. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only when the database has no members yet (used by `make run`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Member.unscoped.exists():
            self.stdout.write("demo data skipped: the database already has members")
            return
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "refusing to load the demo data into a production database: its accounts "
                "have published passwords and TOTP secrets"
            )
        loader = Loader()
        with audit.acting_as(audit.AuditContext(actor_label=ACTOR_LABEL)), transaction.atomic():
            loader.run()
        self.print_accounts()
        self.print_summary(loader)

    # --- output ----------------------------------------------------------------------------------
    def print_accounts(self) -> None:
        adapter = get_mfa_adapter()
        header = ("e-mail", "role", "password", "TOTP secret")
        rows = [
            (a.email, str(a.role), data.DEMO_PASSWORD, a.totp_secret or "-", a.description)
            for a in data.ACCOUNTS
        ]
        widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
            return "  " + "  ".join([*padded, *cells[len(widths) :]]).rstrip()

        self.stdout.write("Demo accounts (one password for all; staff sign in with TOTP too):")
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write("TOTP of the staff accounts (add to an authenticator app):")
        for spec in data.ACCOUNTS:
            if spec.totp_secret:
                uri = adapter.build_totp_url(User(email=spec.email), spec.totp_secret)
                self.stdout.write(f"  {uri}")
        self.stdout.write("")

    def print_summary(self, loader: Loader) -> None:
        if not loader.created and not loader.updated:
            self.stdout.write("Nothing to change: the demo data is already loaded.")
            return
        for title, counts in (("Created", loader.created), ("Updated", loader.updated)):
            if counts:
                parts = ", ".join(f"{label} {n}" for label, n in counts.items())
                self.stdout.write(f"{title}: {parts}")
