"""Extracts the issues of a GitHub repository."""

import pandas as pd
import requests
from osiris.core.driver import DriverRegistry


class GithubExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            issues = []
            with requests.Session() as session:
                session.headers.update({
                    "Authorization": f"Bearer {cfg['token']}",
                    "Accept": "application/vnd.github+json",
                })
                url = f"https://api.github.com/repos/{cfg['repository']}/issues"
                params = {"state": cfg["state"], "per_page": 100}
                while url:
                    response = session.get(url, params=params, timeout=30)
                    response.raise_for_status()
                    issues.extend(response.json())
                    ctx.logger.debug("fetched %d issues so far", len(issues))
                    url, params = response.links.get("next", {}).get("url"), None
                remaining = response.headers.get("X-RateLimit-Remaining")
                ctx.log(f"GitHub rate limit remaining: {remaining}")
            df = pd.json_normalize(issues)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        connection = config.get("resolved_connection") or {}
        if not config.get("repository") or not connection.get("token"):
            raise ValueError("github.extractor needs config['repository'] ('owner/name') and a connection with a 'token'")
        return {"repository": config["repository"], "state": config.get("state", "all"), "token": connection["token"]}


DriverRegistry.register("github.extractor", GithubExtractorDriver())
