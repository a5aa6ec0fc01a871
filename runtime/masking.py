"""Keep secrets off disk and off the terminal.

A value is a secret when its key names one (``password``, ``api_key``,
``db_password``, ``clientSecret``...). Masking replaces such entries with
``***`` and every literal occurrence of a known secret value (also
percent-encoded, as it appears in connection URLs) inside any other string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"

# The secret names of contract rule OSD030, compared without case or separators.
SECRET_WORDS = (
    "password", "passwd", "pwd", "secret", "token",
    "apikey", "privatekey", "accesskey",
)

# user:password@ in any URL, even when the password is not a known value.
_URL_USERINFO = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s/]+@")


def is_secret_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    folded = re.sub(r"[^a-z0-9]", "", key.lower())
    return any(word in folded for word in SECRET_WORDS)


def secret_values(data: Any) -> set[str]:
    """Every string (or number) stored under a secret key, at any depth."""
    found: set[str] = set()
    if isinstance(data, Mapping):
        for key, value in data.items():
            if is_secret_key(key) and isinstance(value, (str, int, float)) and str(value):
                found.add(str(value))
            else:
                found |= secret_values(value)
    elif isinstance(data, (list, tuple)):
        for item in data:
            found |= secret_values(item)
    return found


class SecretMasker:
    """Masks a fixed set of secret values, plus secret keys and URL passwords anywhere."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = frozenset(s for s in secrets if s)
        variants = set()
        for secret in self._secrets:
            if secret:
                variants |= {secret, quote(secret, safe=""), quote_plus(secret)}
        # Longest first, so that a secret containing another one is masked whole.
        ordered = sorted(variants, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def add(self, secrets: Iterable[str]) -> SecretMasker:
        """A masker that also knows ``secrets``."""
        return SecretMasker(self._secrets | set(secrets))

    def text(self, value: str) -> str:
        if self._pattern is not None:
            value = self._pattern.sub(MASK, value)
        return _URL_USERINFO.sub(lambda m: m.group("head") + MASK + "@", value)

    def value(self, value: Any) -> Any:
        """A copy of ``value`` with secrets masked (dicts, lists, strings; others as is)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                key: MASK if is_secret_key(key) and item not in (None, "") else self.value(item)
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

