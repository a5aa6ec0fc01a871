"""Which names hold secrets: the one reading of a key (``password``, ``db_pass``,
``apiKey``...) that the runtime masks by, osiris-lint's OSD030 follows, the check
looks for and the generated drivers' mask_secrets uses."""

from __future__ import annotations

import re

# Compared without case or separators: contained anywhere in the name ...
SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token", "apikey",
                "privatekey", "accesskey", "credential")
# ... or standing as a whole word of it (``pass``, ``db_auth``; not ``passenger``).
SECRET_KEY_PARTS = frozenset({"pass", "auth", "authorization"})
# Names that mention a secret but hold something else: token_count, password_file.
NOT_SECRET_ENDINGS = (
    "count", "file", "path", "name", "type", "len", "length", "url", "uri", "endpoint",
    "hash", "id", "expiry", "expires", "ttl", "env", "var", "field", "required", "set",
    "tokens", "secrets", "usage", "limit", "size", "timeout", "version", "format",
)


def is_secret_name(name: object) -> bool:
    """Whether a key or variable named ``name`` holds a secret."""
    if not isinstance(name, str):
        return False
    folded = re.sub(r"[^a-z0-9]", "", name.lower())
    if folded.endswith(NOT_SECRET_ENDINGS):
        return False
    if any(word in folded for word in SECRET_WORDS):
        return True
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    return any(part in SECRET_KEY_PARTS for part in re.split(r"[^a-z0-9]+", words))
