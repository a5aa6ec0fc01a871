"""Import failure (no rule code): the module needs a client library that is not installed."""

import osiris_check_no_such_client  # noqa: F401
