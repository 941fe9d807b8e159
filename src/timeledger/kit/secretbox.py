"""Secrets the server must read back (webhook signing secrets), encrypted at rest.

Unlike passwords and API keys, which are only ever compared and so are hashed, a signing
secret is needed in the clear to compute signatures. It is stored sealed with Fernet
(AES-128-CBC + HMAC-SHA256) under a key derived from the server's secret key, so a copy
of the database alone does not reveal it.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE = b"timeledger stored secrets v1"


class SecretBox:
    def __init__(self, server_secret_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
            server_secret_key.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        """The secret; ValueError when it was sealed under another server key."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError("sealed under another secret key") from None
