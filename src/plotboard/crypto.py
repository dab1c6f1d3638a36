"""Encryption of secrets at rest (database passwords, LLM keys, token-signing secrets).

The Fernet key is derived from the server's secret key with HKDF, so one setting protects
everything. To rotate the secret key, start every server with the new key as
`PLOTBOARD_SECRET_KEY` and the old one in `PLOTBOARD_SECRET_KEY_PREVIOUS` (`accept_previous_keys`
below), run `plotboard rotate-secret-key` once to re-encrypt what is stored, then drop the old key.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DecryptionError(Exception):
    """A stored secret cannot be read with the current secret key (nor a previous one)."""


# Previous secret keys still accepted for reading, per current key. Keyed by the current key so
# that two runtimes with different keys in one process (tests, tools) never mix keyrings.
_previous: dict[str, tuple[str, ...]] = {}
_previous_lock = threading.Lock()


def accept_previous_keys(secret_key: str, previous: Iterable[str]) -> None:
    """Let `decrypt(secret_key, ...)` also read secrets encrypted under `previous` keys.

    `encrypt` always uses `secret_key` itself. Call with no previous keys to stop accepting them.
    """
    keys = tuple(k for k in dict.fromkeys(previous) if k and k != secret_key)
    with _previous_lock:
        if keys:
            _previous[secret_key] = keys
        else:
            _previous.pop(secret_key, None)
        _keyring.cache_clear()


@lru_cache(maxsize=16)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"plotboard-at-rest", info=b"fernet-v1"
    ).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


@lru_cache(maxsize=8)
def _keyring(secret_key: str) -> MultiFernet:
    keys = (secret_key, *_previous.get(secret_key, ()))
    return MultiFernet([_fernet(k) for k in keys])


def encrypt(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(secret_key: str, ciphertext: str) -> str:
    try:
        return _keyring(secret_key).decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as err:
        raise DecryptionError(
            "A stored secret could not be decrypted: PLOTBOARD_SECRET_KEY has changed since it "
            "was saved. Restore the old key (or give it in PLOTBOARD_SECRET_KEY_PREVIOUS while "
            "rotating), or enter the credential again."
        ) from err


def reencrypt(secret_key: str, ciphertext: str) -> str:
    """`ciphertext` encrypted under `secret_key` itself, read with any accepted key.

    Raises:
        DecryptionError: no accepted key reads it.
    """
    try:
        rotated = _keyring(secret_key).rotate(ciphertext.encode("ascii"))
    except (InvalidToken, ValueError) as err:
        raise DecryptionError(
            "A stored secret could not be decrypted with PLOTBOARD_SECRET_KEY nor with the keys "
            "in PLOTBOARD_SECRET_KEY_PREVIOUS."
        ) from err
    return rotated.decode("ascii")
