"""Shared steps of the floor pages' browser tests: tickets through the API, a teller at a counter."""

from __future__ import annotations

from typing import Any

import requests

from tests.browser.conftest import Site, staff_login
from tests.support.builders import PASSWORD


def api(site: Site, method: str, path: str, who: str = "teller", body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {site.branch.tokens[who]}"}
    response = requests.request(method, f"{site.url}{path}", json=body, headers=headers, timeout=10)
    return response.json() if response.content else None


def issue(site: Site, prefix: str = "A", cls: str = "regular", language: str = "zh") -> dict[str, Any]:
    body = {"service_id": site.branch.services[prefix], "customer_class": cls, "language": language}
    return dict(api(site, "POST", f"/api/v1/branches/{site.branch.id}/tickets", "kiosk", body))


def teller_at_counter(new_page: Any, site: Site, number: int = 1, **options: Any) -> Any:
    page = new_page(1440, 900, **options)
    page.goto(f"{site.url}/counter")
    staff_login(page, "teller-b1", PASSWORD)
    page.click(f"#counters button >> nth={number - 1}")
    page.wait_for_selector("#work:not([hidden])")
    return page


def clear_queue(site: Site) -> None:
    """Every ticket still waiting or at a counter is cancelled, and the counters close: a clean floor."""
    for ticket in api(site, "GET", f"/api/v1/branches/{site.branch.id}/tickets?limit=500", "manager"):
        if ticket["status"] in ("waiting", "called"):
            api(site, "POST", f"/api/v1/tickets/{ticket['id']}/cancel", "manager", {})
        if ticket["status"] == "serving":
            api(site, "POST", f"/api/v1/tickets/{ticket['id']}/finish", "manager")
    for counter_id in site.branch.counters.values():
        api(site, "POST", f"/api/v1/counters/{counter_id}/close", "manager")
