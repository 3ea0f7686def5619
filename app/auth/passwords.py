"""Password policy and hashing (argon2id). Plain Python, no Flask."""
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # long passphrases are welcome; the cap only stops hashing abuse

# Policy violations, as codes the forms translate.
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
COMMON = "common"
CONTAINS_NAME = "contains_name"
CONTAINS_EMAIL = "contains_email"

_COMMON_FILE = Path(__file__).with_name("data") / "common-passwords.txt"


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line and not line.startswith("#"))


def password_problems(password: str, display_name: str = "", email: str = "") -> list[str]:
    """What is wrong with a new password, as codes; empty when it is acceptable.

    No composition rules (NIST SP 800-63B): length, and not common or personal.
    """
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(TOO_LONG)
    lowered = password.lower()
    squeezed = "".join(lowered.split())
    if lowered in _common_passwords() or squeezed in _common_passwords() or len(set(lowered)) <= 2:
        problems.append(COMMON)
    name_parts = [p for p in display_name.lower().split() if len(p) >= 3]
    if any(part in lowered for part in name_parts):
        problems.append(CONTAINS_NAME)
    local_part = email.lower().split("@")[0]
    if len(local_part) >= 3 and local_part in lowered:
        problems.append(CONTAINS_EMAIL)
    return problems


class PasswordHashing:
    """argon2id hashing with parameters from configuration."""

    def __init__(self, time_cost: int | None = None, memory_cost: int | None = None, parallelism: int | None = None):
        """Unset parameters keep argon2-cffi's defaults (RFC 9106's low-memory choice: t=3, 64 MiB, p=4)."""
        kwargs = {}
        if time_cost:
            kwargs["time_cost"] = time_cost
        if memory_cost:
            kwargs["memory_cost"] = memory_cost
        if parallelism:
            kwargs["parallelism"] = parallelism
        self._hasher = PasswordHasher(**kwargs)  # argon2id is the default type

    def hash(self, password: str) -> str:
        """A new salted hash."""
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when the password matches; never raises on a bad or missing hash."""
        if not stored_hash:
            # Spend the same time as a real check so absent accounts are not revealed.
            self._hasher.hash(password)
            return False
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the stored hash used older parameters."""
        return self._hasher.check_needs_rehash(stored_hash)
