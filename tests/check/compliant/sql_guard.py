"""Read-only validation shared by the compliant SQL extractors: judged on the
statement's words with comments and string literals removed, never on substrings."""

import re

FORBIDDEN = {"INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "DROP", "CREATE", "ALTER",
             "TRUNCATE", "GRANT", "REVOKE", "COPY", "CALL", "EXEC", "EXECUTE", "ATTACH", "DETACH",
             "VACUUM", "PRAGMA", "INTO", "SET"}
_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.S)


def validate_read_only(query: str) -> None:
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", _NOISE.sub(" ", query))
    if not words or words[0].upper() not in ("SELECT", "WITH"):
        raise ValueError("Only SELECT queries are allowed in an extractor")
    calls = set(re.findall(r"([A-Za-z_]+)\s*\(", _NOISE.sub(" ", query)))
    statements = {w.upper() for w in words if w not in calls} & FORBIDDEN
    if statements or ";" in _NOISE.sub(" ", query).strip().rstrip(";"):
        raise ValueError(f"Operation {sorted(statements) or ['multiple statements']} not allowed "
                         f"in an extractor: the query must only read")
