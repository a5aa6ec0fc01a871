"""Errors the runtime reports to a person: each names the problem and the fix."""


class OsirisError(Exception):
    """Base for errors that are the user's to fix (the CLI exits 2 on them)."""


class RegistryError(OsirisError):
    """A registration or lookup in the driver registry went wrong."""


class DriverNotFoundError(RegistryError, LookupError):
    """No driver is registered under the requested key."""


class ConnectionsError(OsirisError):
    """The connections file is missing, malformed, or a reference cannot be resolved."""
