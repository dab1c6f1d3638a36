"""Organizations and their admins: everything else is scoped to one organization."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.auth.passwords import hash_password, password_problem
from plotboard.crypto import encrypt
from plotboard.errors import PlotboardError, conflict, invalid
from plotboard.store.models import AdminUser, Organization


def create_organization(session: Session, secret_key: str, name: str) -> Organization:
    name = name.strip()
    if not name or len(name) > 200:
        raise invalid("name", "give the organization a name of 1 to 200 characters")
    org = Organization(name=name, signing_secret_enc=encrypt(secret_key, secrets.token_urlsafe(48)))
    session.add(org)
    session.flush()
    return org


def create_admin(session: Session, org_id: str, email: str, password: str) -> AdminUser:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise invalid("email", f"'{email}' is not an email address")
    problem = password_problem(password)
    if problem:
        raise invalid("password", problem)
    if session.scalar(sa.select(AdminUser.id).where(AdminUser.email == email)):
        raise conflict(f"An admin with the email {email} already exists.", "admin_exists")
    admin = AdminUser(org_id=org_id, email=email, password_hash=hash_password(password))
    session.add(admin)
    session.flush()
    return admin


def resolve_organization(session: Session, org_id: str | None) -> Organization:
    """The named organization, or the only one there is (for CLI commands)."""
    if org_id:
        org = session.get(Organization, org_id)
        if org is None:
            raise PlotboardError(f"There is no organization with id {org_id}.", "not_found", 404)
        return org
    orgs = list(session.scalars(sa.select(Organization).limit(2)))
    if not orgs:
        raise PlotboardError(
            "There is no organization yet. Create one with `plotboard admin create`.",
            "no_organization",
            404,
        )
    if len(orgs) > 1:
        raise PlotboardError(
            "There are several organizations: name one with --org.", "ambiguous_org", 400
        )
    return orgs[0]
