"""Is a SQL string read-only? Judged on tokens, never on substrings.

Comments, string literals and quoted identifiers are removed, keywords are whole
words, and every statement of a multi-statement string is judged by its kind:
``SELECT updated_at, REPLACE(name, 'a', 'b') FROM t -- drop later`` is read-only,
``SELECT 1; DROP TABLE t`` is not. OSD031 uses this module, and the generated
drivers' runtime guard must agree with it, so it depends on nothing but ``re``.

Dialects disagree on lexing, so a string is lexed twice: the standard way
(PostgreSQL, SQLite, DuckDB: no backslash escapes, nested ``/* */``) and the MySQL
way (backslash escapes, ``#`` comments, ``/*! ... */`` executable comments). It is
read-only only if every way that lexes it completely finds only read-only statements.
"""

from __future__ import annotations

import re
from itertools import pairwise

STANDARD, MYSQL = "standard", "mysql"

# Statements that change data, schema, permissions or server state.
CHANGING = frozenset({
    "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "DROP", "CREATE",
    "ALTER", "TRUNCATE", "GRANT", "REVOKE", "COPY", "CALL", "EXEC", "EXECUTE", "DO",
    "ATTACH", "DETACH", "VACUUM", "RENAME", "COMMENT", "REINDEX", "CLUSTER", "REFRESH",
    "IMPORT", "EXPORT", "CHECKPOINT", "FLUSH", "KILL", "SHUTDOWN", "OPTIMIZE",
    "ANALYZE", "ANALYSE", "UNLOAD", "PURGE", "REPAIR", "SECURITY",
})
# Statements that read, or only set up the reading session. Anything else is not
# read-only.
READING = frozenset({
    "SELECT", "VALUES", "TABLE", "SHOW", "DESCRIBE", "DESC", "USE", "BEGIN", "START",
    "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "ABORT", "FETCH", "MOVE",
    "CLOSE", "LISTEN", "UNLISTEN", "DISCARD", "DEALLOCATE", "LOCK", "UNLOCK",
    "SUMMARIZE", "FROM", "PIVOT", "UNPIVOT", "HELP", "INSTALL", "CHECKSUM", "SET",
    "RESET", "PRAGMA", "EXPLAIN", "WITH", "PREPARE", "DECLARE", "LOAD",
})
_DATA_CHANGING = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})
_SERVER_SCOPES = frozenset({"GLOBAL", "PERSIST", "PERSIST_ONLY"})
_SERVER_RESETS = frozenset({"MASTER", "SLAVE", "REPLICA", "BINARY", "PERSIST", "QUERY"})
# PRAGMAs that take an argument to say what to read, not a value to set.
_QUERY_PRAGMAS = frozenset({
    "TABLE_INFO", "TABLE_XINFO", "TABLE_LIST", "INDEX_INFO", "INDEX_XINFO",
    "INDEX_LIST", "FOREIGN_KEY_LIST", "FOREIGN_KEY_CHECK", "INTEGRITY_CHECK",
    "QUICK_CHECK", "STORAGE_INFO",
})
_WRITING_PRAGMAS = frozenset({"OPTIMIZE", "INCREMENTAL_VACUUM", "WAL_CHECKPOINT"})
_TRUE = frozenset({"ON", "1", "TRUE", "YES"})
_FALSE = frozenset({"OFF", "0", "FALSE", "NO"})

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_NUMBER = re.compile(r"[0-9][0-9.]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_OBJECTS = frozenset({
    "TABLE", "VIEW", "INDEX", "SCHEMA", "DATABASE", "SEQUENCE", "FUNCTION", "PROCEDURE",
    "TRIGGER", "TEMP", "TEMPORARY", "UNIQUE", "MATERIALIZED", "OR", "IF", "EXTENSION",
    "TYPE", "ROLE", "USER", "COLUMN",
})
# Statement keywords, and the keywords one of which must follow for text to look like
# SQL (an empty set: the keyword alone is enough).
_CONFIRMED_BY: dict[str, frozenset[str]] = {
    "SELECT": frozenset({"FROM"}), "INSERT": frozenset({"INTO"}),
    "UPDATE": frozenset({"SET"}), "DELETE": frozenset({"FROM"}),
    "MERGE": frozenset({"INTO"}), "REPLACE": frozenset({"INTO"}),
    "UPSERT": frozenset({"INTO"}), "WITH": frozenset({"AS"}),
    "COPY": frozenset({"FROM", "TO"}),
    "CREATE": _OBJECTS, "DROP": _OBJECTS, "ALTER": _OBJECTS, "TRUNCATE": frozenset(),
    "GRANT": frozenset({"ON", "TO"}), "REVOKE": frozenset({"ON", "FROM"}),
    "PRAGMA": frozenset(), "ATTACH": frozenset({"AS", "DATABASE"}),
}
_VALUE = "'"  # the token left where a string literal or quoted identifier was
UNTERMINATED = "unterminated string or comment"


class _Unterminated(Exception):
    pass


def changes(text: str) -> str | None:
    """What in ``text`` changes data, schema, permissions or server state (``"DROP"``,
    ``"SELECT ... INTO"``...), or None when every statement in it only reads."""
    lexed = []
    for dialect in (STANDARD, MYSQL):
        try:
            lexed.append(tokens(text, dialect))
        except _Unterminated:
            continue
    if not lexed:
        return UNTERMINATED
    for words in lexed:
        for statement in statements(words):
            if reason := statement_change(statement):
                return reason
    return None


def is_read_only(text: str) -> bool:
    return changes(text) is None


def parsed(text: str) -> list[list[str]]:
    """The statements of ``text`` as upper-cased tokens: lexed the standard way, or the
    MySQL way when only that completes; [] when neither does."""
    for dialect in (STANDARD, MYSQL):
        try:
            return statements(tokens(text, dialect))
        except _Unterminated:
            continue
    return []


def tokens(text: str, dialect: str = STANDARD) -> list[str]:
    """Words upper-cased, numbers, and punctuation one character at a time; comments
    dropped, each string literal or quoted identifier left as one ``'`` token.
    Raises ``_Unterminated`` for a string or comment that does not end."""
    return [token.upper() for token in _lex(text, dialect)]


def _lex(text: str, dialect: str) -> list[str]:
    """``tokens`` with the words as written."""
    mysql = dialect == MYSQL
    found: list[str] = []
    i, size, executable = 0, len(text), False
    while i < size:
        char = text[i]
        if char.isspace():
            i += 1
        elif text.startswith("--", i) or (mysql and char == "#"):
            end = text.find("\n", i)
            i = size if end < 0 else end + 1
        elif mysql and text.startswith("/*!", i):
            version = _NUMBER.match(text, i + 3)
            # MySQL runs what is inside /*! ... */
            i, executable = version.end() if version else i + 3, True
        elif mysql and executable and text.startswith("*/", i):
            i, executable = i + 2, False
        elif text.startswith("/*", i):
            i = _comment_end(text, i, nested=not mysql)
        elif char in "'\"`":
            i = _quoted_end(text, i, backslashes=mysql and char != "`")
            found.append(_VALUE)
        elif char == "$" and not mysql and (tag := _DOLLAR_TAG.match(text, i)):
            end = text.find(tag.group(0), tag.end())
            if end < 0:
                raise _Unterminated
            i = end + len(tag.group(0))
            found.append(_VALUE)
        elif word := _WORD.match(text, i):
            i = word.end()
            escaped = word.group(0) in ("E", "e") and text.startswith("'", i)
            if escaped:  # E'...' takes backslash escapes
                i = _quoted_end(text, i, backslashes=True)
                found.append(_VALUE)
            else:
                found.append(word.group(0))
        elif number := _NUMBER.match(text, i):
            i = number.end()
            found.append(number.group(0))
        else:
            found.append(char)
            i += 1
    return found


def _comment_end(text: str, start: int, nested: bool) -> int:
    depth, i = 0, start
    while i < len(text):
        if text.startswith("/*", i):
            depth = depth + 1 if nested or depth == 0 else depth
            i += 2
        elif text.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise _Unterminated


def _quoted_end(text: str, start: int, backslashes: bool) -> int:
    quote, i = text[start], start + 1
    while i < len(text):
        char = text[i]
        if backslashes and char == "\\":
            i += 2
        elif char == quote:
            if text.startswith(quote, i + 1):  # a doubled quote stands for itself
                i += 2
            else:
                return i + 1
        else:
            i += 1
    raise _Unterminated


def statements(words: list[str]) -> list[list[str]]:
    """The non-empty statements, split at ``;``."""
    found, current = [], []
    for word in words:
        if word == ";":
            if current:
                found.append(current)
            current = []
        else:
            current.append(word)
    if current:
        found.append(current)
    return found


def statement_change(words: list[str]) -> str | None:
    """Why one statement's tokens change something, or None if it only reads."""
    for before, after in pairwise(words):
        if before == "(" and after in _DATA_CHANGING:
            return f"{after} in a sub-statement"
    words = _without_leading_parens(words)
    if not words:
        return None
    verb = words[0]
    if not _WORD.fullmatch(verb):
        return f"a statement that starts with {verb!r}, not a keyword"
    if verb == "WITH":
        return _after_with(words)
    if verb == "EXPLAIN":
        return _explained(words)
    if verb in ("PREPARE", "DECLARE"):
        inner = _after_first(words, "AS" if verb == "PREPARE" else "FOR")
        return statement_change(inner) if inner else None
    if verb == "PRAGMA":
        return _pragma(words)
    if verb in ("SELECT", "VALUES", "TABLE", "FROM"):
        return _select_into(words)
    if _disables_read_only(words):
        return f"{verb} ... READ WRITE"
    if verb == "SET" and _SERVER_SCOPES & set(words):
        return "SET " + next(w for w in words if w in _SERVER_SCOPES)
    if verb == "RESET" and len(words) > 1 and words[1] in _SERVER_RESETS:
        return f"RESET {words[1]}"
    if verb == "LOAD":
        return "LOAD DATA" if "DATA" in words[1:3] else None
    if verb in CHANGING:
        return verb
    return None if verb in READING else f"{verb} (not a known read-only statement)"


def _without_leading_parens(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) and words[start] == "(":
        start += 1
    return words[start:]


def _after_first(words: list[str], keyword: str) -> list[str]:
    return words[words.index(keyword) + 1:] if keyword in words else []


def _after_with(words: list[str]) -> str | None:
    """``WITH [RECURSIVE] a [(cols)] AS [NOT] [MATERIALIZED] (...), b AS (...) <main>``:
    the main statement starts after a closing parenthesis at depth 0 that is
    followed by neither ``,`` nor ``AS``."""
    depth = 0
    for index, word in enumerate(words[1:], start=1):
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
            following = words[index + 1] if index + 1 < len(words) else ","
            if depth == 0 and following not in (",", "AS"):
                return statement_change(words[index + 1:])
    return None


def _explained(words: list[str]) -> str | None:
    """EXPLAIN only plans a statement, unless ANALYZE makes it run it."""
    analyses = False
    for index, word in enumerate(words[1:], start=1):
        if word in ("ANALYZE", "ANALYSE"):
            analyses = True
        elif word in CHANGING or word in ("SELECT", "WITH", "VALUES", "TABLE"):
            return statement_change(words[index:]) if analyses else None
    return None


def _pragma(words: list[str]) -> str | None:
    rest = words[1:]
    if len(rest) > 2 and rest[1] == ".":  # PRAGMA schema.name
        rest = rest[2:]
    if not rest:
        return None
    name, tail = rest[0], rest[1:]
    value = next((w for w in tail if w not in ("=", "(", ")", "-")), None)
    if name == "QUERY_ONLY" and tail:
        return None if value in _TRUE else "PRAGMA query_only off"
    if tail and tail[0] == "=":
        return f"PRAGMA {name.lower()} = ..."
    if tail and tail[0] == "(" and name not in _QUERY_PRAGMAS:
        return f"PRAGMA {name.lower()}(...)"
    return f"PRAGMA {name.lower()}" if name in _WRITING_PRAGMAS else None


def _select_into(words: list[str]) -> str | None:
    """``SELECT ... INTO new_table`` and ``INTO OUTFILE``; ``INTO @variable`` only sets
    a variable."""
    depth = 0
    for index, word in enumerate(words):
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
        elif word == "INTO":
            following = words[index + 1] if index + 1 < len(words) else ""
            if following in ("OUTFILE", "DUMPFILE"):
                return f"INTO {following}"
            if depth == 0 and following not in ("@", ":"):
                return "SELECT ... INTO"
    return None


def _disables_read_only(words: list[str]) -> bool:
    """``READ WRITE`` transactions, ``default_transaction_read_only = off``."""
    for index, word in enumerate(words[:-1]):
        if word == "READ" and words[index + 1] == "WRITE":
            return True
        if word.endswith("READ_ONLY"):
            rest = [w for w in words[index + 1:index + 3] if w not in ("=", "TO")]
            if rest and rest[0] in _FALSE:
                return True
    return False


def looks_like_statement(text: str) -> bool:
    """Whether ``text`` starts like a SQL statement: a statement keyword written all
    upper or all lower case (``SELECT``, ``select``; a sentence's ``Select`` is not
    one),
    followed somewhere by a keyword that confirms it (``SELECT ... FROM``,
    ``INSERT INTO``, ``UPDATE ... SET``, ``CREATE TABLE``...)."""
    try:
        words = _without_leading_parens(_lex(text, STANDARD))
    except _Unterminated:
        return False
    if not words or not (words[0].isupper() or words[0].islower()):
        return False
    verb = words[0].upper()
    if verb not in _CONFIRMED_BY:
        return False
    confirming = _CONFIRMED_BY[verb]
    return not confirming or any(word.upper() in confirming for word in words[1:])
