"""Shared steps of the floor pages' browser tests: tickets through the API, a teller at a counter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from server.settings import Settings
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


def audit_log(site: Site, ticket_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(action, detail) of the ticket's audit rows, read from the live server's database."""
    from server.web import create_app

    settings = Settings(database_url=site.server.database_url, secret_key="audit", instance_dir=site.instance)
    store = create_app(settings).extensions["branchq"].deps.store
    with store.read() as uow:
        rows = [(row["action"], row["detail"]) for row in uow.audit.for_ticket(ticket_id)]
    store.engine.dispose()
    return rows


def book_now(site: Site, name: str = "王芳") -> dict[str, Any]:
    """A booking of service A whose check-in window is open now (the branch is always open)."""
    branch, service = site.branch.id, site.branch.services["A"]
    rules = f"/api/v1/branches/{branch}/services/{service}/booking-settings"
    api(site, "PATCH", rules, "manager", {"reserved_share": 1.0})
    zone = ZoneInfo("Asia/Shanghai")
    today = datetime.now(UTC).astimezone(zone).date().isoformat()
    query = {"service_id": service, "date": today}
    slots = requests.get(f"{site.url}/api/v1/branches/{branch}/slots", params=query, timeout=10).json()
    soon = datetime.now(UTC) + timedelta(minutes=25)
    start = next(s["start"] for s in slots if s["available"] and datetime.fromisoformat(s["start"]) <= soon)
    body = {"branch_id": branch, "service_id": service, "start": start, "name": name, "phone": "13812345678"}
    body |= {"language": "zh", "consent": True}
    response = requests.post(f"{site.url}/api/v1/appointments", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return dict(response.json())
