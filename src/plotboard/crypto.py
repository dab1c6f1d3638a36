"""Encryption of secrets at rest (database passwords, LLM keys, token-signing secrets).

The Fernet key is derived from the server's secret key with HKDF, so one setting protects
everything; rotating the secret key means re-entering stored credentials.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DecryptionError(Exception):
    """A stored secret cannot be read with the current secret key."""


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"plotboard-at-rest", info=b"fernet-v1"
    ).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(secret_key: str, ciphertext: str) -> str:
    try:
        return _fernet(secret_key).decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as err:
        raise DecryptionError(
            "A stored secret could not be decrypted: PLOTBOARD_SECRET_KEY has changed since it "
            "was saved. Restore the old key or enter the credential again."
        ) from err
