"""Kiosk and display health: what devices report, and telling the manager when it is bad."""

from __future__ import annotations

from typing import Any

from server import protocol
from server.domain.records import Principal
from server.services.context import Deps, found

BAD_PRINTER = ("paper_out", "offline", "error")


def report_status(deps: Deps, principal: Principal, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Store the device's latest report; raise an ``alert`` when a printer or voice fails."""
    now = deps.clock()
    status = str(data.get("status", ""))[:32]
    detail = str(data.get("detail", ""))[:300]
    with deps.store.write() as uow:
        device = found(uow.devices.get(principal.id), "device")
        before = device.status.get(kind, {}).get("status")
        state = device.status | {kind: {"status": status, "detail": detail, "at": now.isoformat()}}
        if kind == "print_result":
            state["print_result"]["job_id"] = str(data.get("job_id", ""))[:64]
            state["print_result"]["ok"] = bool(data.get("ok"))
        uow.devices.update(device.id, {"status": state, "last_seen_at": now})
        if (_is_bad(kind, status, data) and before != status) or (kind == "print_result" and not data.get("ok")):
            uow.emit(
                device.branch_id,
                protocol.ALERT,
                {
                    "kind": f"{kind}_{status or 'failed'}",
                    "device_id": device.id,
                    "device_name": device.name,
                    "detail": detail,
                    "job_id": data.get("job_id"),
                },
                now,
            )
    deps.commit_and_publish(uow)
    return dict(state)


def _is_bad(kind: str, status: str, data: dict[str, Any]) -> bool:
    if kind == "printer":
        return status in BAD_PRINTER
    if kind == "speech":
        return status != "ok"
    return False
