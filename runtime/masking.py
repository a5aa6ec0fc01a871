"""Keep secrets off disk and off the terminal.

A value is a secret by *place* (stored under a key that names one: ``password``,
``api_key``, ``db_password``, ``clientSecret``, ``pass``, ``auth``...) or by
*provenance* (an environment variable substituted into a connection: ``dsn:
"host=db password=${PGPASSWORD}"``). Masking replaces entries under secret keys with
``***``, and in any text every whole occurrence of a known secret value, in the forms it
takes on the way out (as is, URL-encoded, JSON-escaped, repr()-escaped), plus the
password of any ``user:password@`` URL and any ``password=...`` DSN entry.

It never damages the record: an occurrence inside a longer word is left alone (a
password ``postgres`` does not turn ``postgres.extractor`` into ``***.extractor``), so are
the pipeline's own identifiers, and values shorter than ``MIN_SECRET_LENGTH`` are masked
only by place. It runs in linear time: ``str.find`` per secret form and hand-written
scans for URLs and DSNs, no backtracking regular expression.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from ..contract.secrets import is_secret_name

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words; masked by place only

# Entries whose value is a secret, in text: key=value of DSNs and query strings, and
# 'key': value of a dict's repr() or JSON (so even a one-letter password is masked there).
_SECRET_NAME = r"(?:password|passwd|pwd|secret|token|api_?key|access_?key|private_?key)"
_SECRET_ENTRY = re.compile(
    rf"(?i)(?<![a-z0-9_])(?:{_SECRET_NAME}|pass)[ \t]*=[ \t]*"
    rf"|[\"'](?:[a-z0-9_-]*{_SECRET_NAME}[a-z0-9_-]*|pass|auth)[\"'][ \t]*:[ \t]*")
_DSN_VALUE_END = re.compile(r"[\s;&,'\"]")
_URL_USERINFO = re.compile(r"://[^/@\s?#:]*:([^/@\s?#]+)@")


def secret_values(data: Any) -> set[str]:
    """Every string (or number) stored under a secret key, at any depth."""
    found: set[str] = set()
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                if is_secret_name(key) and isinstance(value, (str, int, float)) and str(value):
                    found.add(str(value))
                else:
                    pending.append(value)
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    return found


def secret_forms(secret: str) -> set[str]:
    """The ways a secret is written on its way into a message or a record."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
            repr(secret)[1:-1], secret.encode("unicode_escape").decode("ascii")}


class SecretMasker:
    """Masks a fixed set of secret values, plus secret keys, URL passwords and DSN
    passwords anywhere; ``protected`` strings (the pipeline's identifiers) are never
    masked."""

    def __init__(self, secrets: Iterable[str] = (), protected: Iterable[str] = ()) -> None:
        self._secrets = frozenset(s for s in secrets if s)
        forms = {f for s in self._secrets if len(s) >= MIN_SECRET_LENGTH for f in secret_forms(s)}
        self._patterns = [_whole_word(form) for form in sorted(forms, key=len, reverse=True)]
        self._protected = frozenset(p for p in protected if p)

    def add(self, secrets: Iterable[str]) -> SecretMasker:
        """A masker that also knows ``secrets``."""
        return SecretMasker(self._secrets | set(secrets), self._protected)

    def protect(self, identifiers: Iterable[str]) -> SecretMasker:
        """A masker that also leaves ``identifiers`` whole."""
        return SecretMasker(self._secrets, self._protected | set(identifiers))

    def text(self, value: str) -> str:
        spans = [*self._secret_spans(value), *_userinfo_spans(value), *_entry_spans(value)]
        if not spans:
            return value
        pieces, position = [], 0
        for start, end in _merged(spans):
            pieces += [value[position:start], MASK]
            position = end
        pieces.append(value[position:])
        return "".join(pieces)

    def value(self, value: Any) -> Any:
        """A copy of ``value`` with secrets masked (dicts, lists, strings; others as is)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                key: MASK if is_secret_name(key) and item not in (None, "") else self.value(item)
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

    def _secret_spans(self, text: str) -> Iterator[tuple[int, int]]:
        shield: _Shield | None = None
        for pattern in self._patterns:
            for match in pattern.finditer(text):
                if shield is None:
                    shield = _Shield(text, self._protected)
                if not shield.covers(match.start(), match.end()):
                    yield match.span()


def _whole_word(form: str) -> re.Pattern[str]:
    """``form`` where no letter or digit is glued to an end that is itself one."""
    head = r"(?<![^\W_])" if form[0].isalnum() else ""
    tail = r"(?![^\W_])" if form[-1].isalnum() else ""
    return re.compile(head + re.escape(form) + tail)


class _Shield:
    """Where the protected identifiers stand in one text."""

    def __init__(self, text: str, words: frozenset[str]) -> None:
        self._spans = sorted(
            (start, start + len(word)) for word in words for start in _finds(text, word))
        self._starts = [start for start, _ in self._spans]
        self._longest = max(map(len, words), default=0)

    def covers(self, start: int, end: int) -> bool:
        low = bisect.bisect_left(self._starts, end - self._longest)
        high = bisect.bisect_right(self._starts, start)
        return any(e >= end for _, e in self._spans[low:high])


def _finds(text: str, word: str) -> Iterator[int]:
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)


def _userinfo_spans(text: str) -> Iterator[tuple[int, int]]:
    """The password of every ``scheme://user:password@``. Anchored on ``://`` with
    character classes that exclude what follows them, so no match attempt reads past
    the next URL delimiter: linear time, unlike a pattern that starts at the scheme."""
    for match in _URL_USERINFO.finditer(text):
        yield match.span(1)


def _entry_spans(text: str) -> Iterator[tuple[int, int]]:
    """The value of every secret entry (quoted, escapes honoured, or up to a separator);
    the search goes on after the value, so every character is read once."""
    entry = _SECRET_ENTRY.search(text)
    while entry:
        start = entry.end()
        if start < len(text) and text[start] in "'\"":
            end = _closing_quote(text, start)
            start += 1
        else:
            stop = _DSN_VALUE_END.search(text, start)
            end = stop.start() if stop else len(text)
        if end > start:
            yield start, end
        entry = _SECRET_ENTRY.search(text, max(end, entry.end()))


def _closing_quote(text: str, opening: int) -> int:
    """Where the string opened at ``opening`` closes (a quote not escaped by ``\\``)."""
    quote_char, position = text[opening], opening + 1
    while True:
        close = text.find(quote_char, position)
        if close == -1:
            return len(text)
        backslashes = 0
        while text[close - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return close
        position = close + 1


def _merged(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    spans.sort()
    start, end = spans[0]
    for s, e in spans[1:]:
        if s <= end:
            end = max(end, e)
        else:
            yield start, end
            start, end = s, e
    yield start, end
