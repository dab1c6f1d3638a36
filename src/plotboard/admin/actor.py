"""Who is changing the set-up: the organization and the actor named in the audit log."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AdminActor:
    """An admin acting on one organization.

    `actor` is what the audit log records: an admin's email, ``api-key:<id>`` for the admin API
    with a key, or ``cli`` for the command line.
    """

    org_id: str
    actor: str
