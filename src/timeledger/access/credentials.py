"""Secrets: opaque tokens (API keys, session and reset tokens, OAuth codes, tokens and
client secrets) and passwords.

Tokens are `<kind prefix><id part><secret part>`: the id part finds the row (its `prefix`
column, unique), and only the SHA-256 of the whole token is stored and compared in
constant time. Tokens carry 192 random bits; SHA-256 suffices for such high-entropy
secrets, while passwords, which are guessable, get argon2id.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, partial

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from timeledger.kit.errors import Unprocessable
from timeledger.kit.uow import off_the_loop

ID_PART_LENGTH = 10
SECRET_BYTES = 24
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORD_COUNT = 1000
OWASP_MINIMUM_MEMORY_KIB = 19_456
OWASP_MINIMUM_TIME_COST = 2


class TokenKind(StrEnum):
    API_KEY = "tl_ak_"
    SESSION = "tl_st_"
    PASSWORD_RESET = "tl_pr_"  # noqa: S105 (a token prefix, not a password)
    OAUTH_CODE = "tl_oc_"
    OAUTH_ACCESS = "tl_oa_"
    OAUTH_REFRESH = "tl_or_"
    OAUTH_CLIENT_SECRET = "tl_os_"  # noqa: S105 (a token prefix, not a secret)
    KIOSK_DEVICE = "tl_kd_"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    prefix: str
    secret_hash: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(kind: TokenKind) -> IssuedToken:
    token = kind.value + secrets.token_urlsafe(SECRET_BYTES + ID_PART_LENGTH)
    return IssuedToken(token=token, prefix=token_prefix(token), secret_hash=token_hash(token))


def token_prefix(token: str) -> str:
    return token[: len(TokenKind.API_KEY.value) + ID_PART_LENGTH]


def token_kind(token: str) -> TokenKind | None:
    return next((kind for kind in TokenKind if token.startswith(kind.value)), None)


def token_matches(token: str, secret_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), secret_hash)


class PasswordHashing:
    """argon2id at no less than OWASP's minimum (m=19 MiB, t=2, p=1).

    A memory cost below `floor_kib` is raised to it. Only the tests lower the floor, to
    hash in microseconds, and the kiosks' PINs (see `kiosks.pins`); the application and
    the CLI pass the configured memory cost alone, so no setting reaches below OWASP's
    minimum for a password."""

    def __init__(
        self,
        memory_kib: int,
        *,
        floor_kib: int = OWASP_MINIMUM_MEMORY_KIB,
        time_cost: int = OWASP_MINIMUM_TIME_COST,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=max(memory_kib, floor_kib),
            parallelism=1,
            type=Type.ID,
        )
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return off_the_loop(partial(self._hasher.hash, password))

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Constant work whether or not the account exists: an unknown account is checked
        against a dummy hash, so timing does not reveal which emails exist."""
        return off_the_loop(partial(self._verify, password_hash, password))

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and bool(
                password_hash
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


@lru_cache
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORD_COUNT])


def check_password_strength(password: str, *, location: str = "body.password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Unprocessable(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            errors=[{"location": location, "message": "too short"}],
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Unprocessable(
            f"The password must have at most {MAX_PASSWORD_LENGTH} characters.",
            errors=[{"location": location, "message": "too long"}],
        )
    if password.lower() in common_passwords():
        raise Unprocessable(
            "The password is among the most common passwords; choose another.",
            errors=[{"location": location, "message": "too common"}],
        )


def generate_password() -> str:
    return secrets.token_urlsafe(15)
