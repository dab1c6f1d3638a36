"""Rotating the secret key: re-encrypt every stored secret under the current key.

Stored secrets are each organization's token-signing secret, data-source passwords and LLM API
keys. The server reads them with the current key or any key in `PLOTBOARD_SECRET_KEY_PREVIOUS`;
`rotate_stored_secrets` rewrites them all under the current key in one transaction, so that the
previous keys can then be dropped. The plain values do not change: tokens signed before the
rotation keep working until they expire, and connections are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from plotboard import audit
from plotboard.crypto import reencrypt
from plotboard.store.models import AISettings, DataSource, Organization

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


@dataclass(frozen=True)
class Rotation:
    """How many stored secrets were re-encrypted, by kind."""

    signing_secrets: int
    source_passwords: int
    llm_keys: int


def rotate_stored_secrets(runtime: Runtime, actor: str) -> Rotation:
    """Re-encrypt every stored secret under `runtime.secret_key`; all or nothing.

    Raises:
        DecryptionError: a secret that neither the current nor a previous key reads (nothing is
            changed then).
    """
    key = runtime.secret_key
    counts = {"orgs": 0, "sources": 0, "llm": 0}
    with runtime.store.session() as session:
        for org in session.scalars(sa.select(Organization)):
            org.signing_secret_enc = reencrypt(key, org.signing_secret_enc)
            counts["orgs"] += 1
        sources = session.execute(
            sa.select(DataSource.id, DataSource.password_enc, DataSource.updated_at)
        ).all()
        for source_id, encrypted, updated_at in sources:
            if encrypted is None:
                continue
            session.execute(
                sa.update(DataSource)
                .where(DataSource.id == source_id)
                # Keep updated_at: the source's settings did not change.
                .values(password_enc=reencrypt(key, encrypted), updated_at=updated_at)
            )
            counts["sources"] += 1
        settings = session.execute(
            sa.select(AISettings.org_id, AISettings.api_key_enc, AISettings.updated_at)
        ).all()
        for org_id, encrypted, updated_at in settings:
            if encrypted is None:
                continue
            session.execute(
                sa.update(AISettings)
                .where(AISettings.org_id == org_id)
                .values(api_key_enc=reencrypt(key, encrypted), updated_at=updated_at)
            )
            counts["llm"] += 1
        for org_id in session.scalars(sa.select(Organization.id)):
            audit.record(session, org_id, actor, "secret_key.rotated", "organization", org_id)
    return Rotation(counts["orgs"], counts["sources"], counts["llm"])
