"""Staff passwords: the length policy, breached-password refusal and argon2id hashing."""

from __future__ import annotations

import functools
import gzip
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher()  # argon2id with the library's current defaults

#: Passwords long enough to pass the length rule that appear at the top of every
#: breached-password list. Compared case-insensitively.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "12345678901234", "123456789abc",
        "password1234", "password12345", "password123456", "passw0rd1234",
        "qwertyuiop12", "qwertyuiopasdf", "qwerty123456", "1q2w3e4r5t6y",
        "iloveyou1234", "letmein12345", "welcome12345", "administrator",
        "adminadmin12", "abcdefghijkl", "abc123456789", "aaaaaaaaaaaa",
        "111111111111", "000000000000", "changeme1234", "football1234",
        "baseball1234", "sunshine1234", "princess1234", "monkey123456",
        "dragon123456", "trustno11234", "superman1234", "starwars1234",
        "correcthorsebatterystaple", "passwordpassword", "visitprep123",
    }
)


#: The 100,000 most common passwords of a real breach corpus, plus its longer ones
#: (see data/README.md), case-folded, one a line. Checked offline, never sent anywhere.
BREACHED_LIST = Path(__file__).resolve().parent.parent / "data" / "breached-passwords.txt.gz"


@functools.cache
def breached_passwords() -> frozenset[str]:
    with gzip.open(BREACHED_LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())


def is_breached(password: str) -> bool:
    folded = password.lower()
    return folded in COMMON_PASSWORDS or folded in breached_passwords()


def password_problem(password: str) -> str | None:
    """A plain sentence saying what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if is_breached(password) or len(set(password)) < 4:
        return "This password is too common. Choose another."
    return None


def use_parameters(**parameters: int) -> None:
    """Hash new passwords with other argon2id costs (the tests' TestConfig makes them cheap).

    Existing hashes keep verifying: each carries its own parameters.
    """
    global _hasher
    _hasher = PasswordHasher(**parameters)
    dummy_hash.cache_clear()


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password at the current costs, checked when an email is unknown."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def one_time_password() -> str:
    """A random password for a new or reset account, to be changed at first login."""
    return secrets.token_urlsafe(12)
