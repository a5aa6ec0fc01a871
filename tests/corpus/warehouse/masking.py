"""Masking of connection details before they reach a log line or an event."""

from urllib.parse import urlsplit, urlunsplit

MASK = "***"
SECRET_KEYS = frozenset({"password", "passwd", "pwd", "secret", "token", "api_key", "private_key"})


def mask_url(url: str) -> str:
    """The URL with its password, if it has one, replaced by the mask."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}{port}"))


def redact_connection(connection: dict) -> dict:
    """A copy of a resolved connection that is safe to put in an event."""
    return {key: MASK if key in SECRET_KEYS else value for key, value in connection.items()}
