"""Extracts HubSpot CRM objects (contacts, companies, deals)."""

from osiris.core.driver import DriverRegistry

from .http_extractor_driver import BaseHttpExtractorDriver


class HubspotExtractorDriver(BaseHttpExtractorDriver):
    base_url = "https://api.hubapi.com"

    def endpoint(self, cfg: dict) -> str:
        return f"/crm/v3/objects/{cfg.get('object', 'contacts')}"

    def records(self, payload: dict) -> list[dict]:
        return [{"id": item["id"], **item["properties"]} for item in payload.get("results", [])]

    def next_page(self, payload: dict) -> str | None:
        return payload.get("paging", {}).get("next", {}).get("link")


DriverRegistry.register("hubspot.extractor", HubspotExtractorDriver())
