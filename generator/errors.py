"""Errors osiris-gen reports to a person: each names the problem and the way out."""


class GenerationError(Exception):
    """Base of the errors the CLI turns into a message and an exit code."""

    exit_code = 1


class UsageError(GenerationError):
    """A name, category or option the user typed is not acceptable (exit code 2)."""

    exit_code = 2


class BlockedError(GenerationError):
    """A file exists with other content, or another file already registers the key."""
