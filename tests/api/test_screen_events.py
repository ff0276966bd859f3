"""Events the terminals rely on to update without polling or guessing."""

from __future__ import annotations

from typing import Any

from server.domain.records import Principal
from server.services import devices
from tests.support.databases import ON_BOTH_DATABASES


def events_since(deps: Any, branch_id: int, seq: int) -> list[tuple[str, dict[str, Any]]]:
    with deps.store.read() as uow:
        return [(name, payload) for _seq, name, payload in uow.events.after(branch_id, seq)]


def last_seq(deps: Any, branch_id: int) -> int:
    with deps.store.read() as uow:
        return int(uow.branches.seq(branch_id))


def test_a_new_display_notice_reaches_the_screens_as_a_branch_event(client, deps, branch):
    before = last_seq(deps, branch.id)
    notice = {"notice": {"zh": "今天 16:00 后暂停对公业务", "en": "Business banking closes at 16:00"}}
    response = client.patch(
        f"/api/v1/branches/{branch.id}", json={"settings": notice}, headers=branch.headers("manager")
    )
    assert response.status_code == 200, response.json
    [(name, payload)] = events_since(deps, branch.id, before)
    assert name == "queue_changed" and payload["reason"] == "branch_changed"
    assert payload["branch"]["settings"] == notice and payload["branch"]["id"] == branch.id


def test_a_printer_back_online_after_trouble_raises_printer_online_once(deps, branch):
    kiosk = Principal("device", branch.devices["kiosk"], "kiosk", (branch.id,))
    before = last_seq(deps, branch.id)
    for status in ("online", "offline", "offline", "online", "online", "paper_low"):
        devices.report_status(deps, kiosk, "printer", {"status": status})
    alerts = [payload["kind"] for name, payload in events_since(deps, branch.id, before) if name == "alert"]
    assert alerts == ["printer_offline", "printer_online"]  # no alert for the first report or a repeat


@ON_BOTH_DATABASES
def test_a_device_report_with_a_nul_character_is_stored_and_alerted_without_it(deps, branch):
    kiosk = Principal("device", branch.devices["kiosk"], "kiosk", (branch.id,))
    before = last_seq(deps, branch.id)
    devices.report_status(deps, kiosk, "printer", {"status": "online"})
    state = devices.report_status(deps, kiosk, "printer", {"status": "offline", "detail": "cover\x00open"})
    assert state["printer"]["detail"] == "coveropen"
    [alert] = [payload for name, payload in events_since(deps, branch.id, before) if name == "alert"]
    assert alert["kind"] == "printer_offline" and alert["detail"] == "coveropen"
