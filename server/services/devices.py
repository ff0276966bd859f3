"""Kiosk and display health: what devices report, and telling the manager when it is bad."""

from __future__ import annotations

from typing import Any

from server import protocol
from server.domain.records import Principal
from server.services.context import Deps, found

BAD_PRINTER = ("paper_out", "offline", "error")


def report_status(deps: Deps, principal: Principal, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Store the device's latest report; raise an ``alert`` when a printer or voice fails or a printer is back."""
    now = deps.clock()
    status = _text(data.get("status", ""), 32)
    detail = _text(data.get("detail", ""), 300)
    job_id = _text(data.get("job_id", ""), 64)
    with deps.store.write() as uow:
        device = found(uow.devices.get(principal.id), "device")
        before = device.status.get(kind, {}).get("status")
        state = device.status | {kind: {"status": status, "detail": detail, "at": now.isoformat()}}
        if kind == "print_result":
            state["print_result"]["job_id"] = job_id
            state["print_result"]["ok"] = bool(data.get("ok"))
        uow.devices.update(device.id, {"status": state, "last_seen_at": now})
        if alert := _alert_kind(kind, status, before, data):
            uow.emit(
                device.branch_id,
                protocol.ALERT,
                {
                    "kind": alert,
                    "device_id": device.id,
                    "device_name": device.name,
                    "detail": detail,
                    "job_id": job_id or None,
                },
                now,
            )
    deps.commit_and_publish(uow)
    return dict(state)


def _text(value: Any, limit: int) -> str:
    """A device's words as storable text: no NUL (PostgreSQL refuses it), at most ``limit``."""
    return str(value).replace("\x00", "")[:limit]


def _alert_kind(kind: str, status: str, before: str | None, data: dict[str, Any]) -> str | None:
    """``printer_offline``, ``print_result_paper_out``, … on trouble; ``printer_online`` when it is over."""
    if kind == "print_result":
        return None if data.get("ok") else f"{kind}_{status or 'failed'}"
    if _is_bad(kind, status, data):
        return f"{kind}_{status or 'failed'}" if before != status else None
    # The kiosk and the manager clear their printer warning on this, rather than guessing.
    recovered = kind == "printer" and status == "online" and before in BAD_PRINTER
    return "printer_online" if recovered else None


def _is_bad(kind: str, status: str, data: dict[str, Any]) -> bool:
    if kind == "printer":
        return status in BAD_PRINTER
    if kind == "speech":
        return status != "ok"
    return False


def seen(deps: Deps, device_ids: list[int]) -> None:
    """The devices are connected now: their heartbeat (``last_seen``) moves on."""
    if device_ids:
        with deps.store.write() as uow:
            uow.devices.seen(device_ids, deps.clock())
