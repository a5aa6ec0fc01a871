"""What a piece of SQL text does, judged by the words of each statement with comments
and quoted text removed (never by substrings: ``SELECT updated_at FROM t`` does not
update anything)."""

from __future__ import annotations

import re

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/|#[^\n]*", re.DOTALL)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\$(\w*)\$.*?\$\1\$", re.DOTALL)
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")

# Statements that leave the data and the schema as they were.
_READING = frozenset({"SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "VALUES", "TABLE",
                      "SET", "RESET", "USE", "PRAGMA"})
_TRANSACTION = frozenset({"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})
_DATA_CHANGING = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})


def statements(sql: str) -> list[list[str]]:
    """The upper-cased words of each statement."""
    text = _QUOTED.sub(" ", _COMMENTS.sub(" ", sql))
    return [words for part in text.split(";") if (words := [w.upper() for w in _WORD.findall(part)])]


def changes_database(sql: str) -> bool:
    """Whether any statement writes data or schema. ``CREATE ... IF NOT EXISTS`` does not
    count (re-running it changes nothing), nor do session settings and transaction control."""
    return any(_changes(words) for words in statements(sql))


def transaction_control(sql: str) -> str | None:
    """``"COMMIT"`` or ``"ROLLBACK"`` when that is all the text says."""
    found = statements(sql)
    if len(found) == 1 and found[0][0] in ("COMMIT", "ROLLBACK"):
        return found[0][0]
    return None


def _changes(words: list[str]) -> bool:
    head = words[0]
    if head in _TRANSACTION:
        return False
    if head == "SELECT":
        return "INTO" in words  # SELECT ... INTO new_table / OUTFILE
    if head == "WITH":
        return bool(_DATA_CHANGING & set(words))  # WITH moved AS (DELETE ...) INSERT ...
    if head in _READING:
        return False
    if head == "COPY":
        return "STDOUT" not in words
    if head == "CREATE":
        return "IF NOT EXISTS" not in " ".join(words[:8])
    return True
