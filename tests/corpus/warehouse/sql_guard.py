"""Read-only checks for SQL that extractors take from their configuration."""

import re

_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_WORD = re.compile(r"[A-Za-z_]+")

READ_STATEMENTS = frozenset({"SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN"})
WRITE_KEYWORDS = frozenset({
    "INSERT", "UPDATE", "DELETE", "MERGE", "DROP", "CREATE", "ALTER", "TRUNCATE",
    "GRANT", "REVOKE", "COPY", "CALL", "DO", "INTO", "LOCK", "VACUUM",
})


def statements(query: str) -> list[list[str]]:
    """The upper-cased words of each statement, with comments and string literals removed."""
    text = _STRING.sub(" ", _COMMENT.sub(" ", query))
    return [
        [word.upper() for word in _WORD.findall(statement)]
        for statement in text.split(";")
        if statement.strip()
    ]


def validate_read_only(query: str) -> None:
    """Raise ValueError unless every statement of ``query`` only reads data."""
    parsed = statements(query)
    if not parsed:
        raise ValueError("The query is empty.")
    for number, words in enumerate(parsed, start=1):
        if words[0] not in READ_STATEMENTS:
            raise ValueError(
                f"Statement {number} starts with {words[0]}: an extractor may only run SELECT queries."
            )
        forbidden = WRITE_KEYWORDS.intersection(words)
        if forbidden:
            raise ValueError(
                f"Statement {number} uses {', '.join(sorted(forbidden))}: an extractor may only read."
            )
