"""Tests of the Salesforce extractor against a stubbed API.

Whole-module rules do not apply to test files: the ``print`` below is fine here.
"""

import pytest
from osiris.core.driver import DriverRegistry

from .salesforce_extractor_driver import SalesforceExtractorDriver

CONFIG = {
    "soql": "SELECT Id, Name FROM Account",
    "resolved_connection": {"instance_url": "https://example.my.salesforce.com", "token": "test-token"},
}


class FakeResponse:
    def __init__(self, payload: dict) -> None:
        self.payload = payload

    def raise_for_status(self) -> None:
        """A stubbed page never fails."""

    def json(self) -> dict:
        return self.payload


@pytest.fixture
def registered(osiris_registry):
    DriverRegistry.register("salesforce.extractor", SalesforceExtractorDriver())
    return osiris_registry


def test_reads_every_page(registered, osiris_ctx, monkeypatch):
    pages = iter([
        {"records": [{"attributes": {}, "Id": "1", "Name": "Acme"}], "nextRecordsUrl": "/next"},
        {"records": [{"attributes": {}, "Id": "2", "Name": "Globex"}]},
    ])
    monkeypatch.setattr("requests.Session.get", lambda self, url, **kwargs: FakeResponse(next(pages)))

    result = registered.get("salesforce.extractor").run("accounts", CONFIG, None, osiris_ctx)

    print(result["df"])
    assert list(result["df"]["Name"]) == ["Acme", "Globex"]
    assert osiris_ctx.metric_values("rows_read") == [2]
