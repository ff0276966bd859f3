"""Who may call what: the specification the matrix tests hold the server to.

One row per route of the served OpenAPI document and one column per caller (CALLERS), each
cell the exact status of the valid request in requests_sent.py. A 404 or 409 where the
caller is allowed means the request reached the use case (nothing to delete, ticket not
in that state); a 404 where a caller is refused hides whether the object exists.
Run ``python -m tests.authority.table`` to print the Markdown for docs/reliability.md.
"""

from __future__ import annotations

from tests.authority.sockets import COLUMNS
from tests.authority.world import CALLER_NAMES, CALLERS

# admin, manager, manager_other, teller, teller_other, kiosk, display, revoked, none, garbage
HTTP: dict[str, str] = {
    "GET /healthz": "200 200 200 200 200 200 200 200 200 200",
    "POST /api/v1/auth/login": "200 200 200 200 200 200 200 200 200 200",
    "POST /api/v1/auth/logout": "204 204 204 204 204 204 204 204 204 204",
    "GET /api/v1/auth/me": "200 200 200 200 200 200 200 401 401 401",
    "GET /api/v1/users": "200 200 200 403 403 403 403 401 401 401",
    "POST /api/v1/users": "201 201 403 403 403 403 403 401 401 401",
    "GET /api/v1/users/{user_id}": "200 200 404 403 403 403 403 401 401 401",
    "PATCH /api/v1/users/{user_id}": "200 200 403 403 403 403 403 401 401 401",
    "POST /api/v1/users/{user_id}/unlock": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/alerts": "200 200 403 403 403 403 403 401 401 401",
    "POST /api/v1/alerts/{alert_id}/ack": "404 404 404 403 403 403 403 401 401 401",
    "GET /api/v1/branches": "200 200 200 200 200 200 200 401 401 401",
    "POST /api/v1/branches": "201 403 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}": "200 200 403 200 403 200 200 401 401 401",
    "PATCH /api/v1/branches/{branch_id}": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/policy": "200 200 403 200 403 403 403 401 401 401",
    "PUT /api/v1/branches/{branch_id}/policy": "200 200 403 403 403 403 403 401 401 401",
    "POST /api/v1/branches/{branch_id}/policy/preview": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/services": "200 200 403 200 403 200 200 401 401 401",
    "POST /api/v1/branches/{branch_id}/services": "201 201 403 403 403 403 403 401 401 401",
    "GET /api/v1/services/{service_id}": "200 200 403 200 403 200 200 401 401 401",
    "PATCH /api/v1/services/{service_id}": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/counters": "200 200 403 200 403 403 200 401 401 401",
    "POST /api/v1/branches/{branch_id}/counters": "201 201 403 403 403 403 403 401 401 401",
    "GET /api/v1/counters/{counter_id}": "200 200 403 200 403 403 200 401 401 401",
    "PATCH /api/v1/counters/{counter_id}": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/devices": "200 200 403 403 403 403 403 401 401 401",
    "POST /api/v1/branches/{branch_id}/devices": "201 201 403 403 403 403 403 401 401 401",
    "DELETE /api/v1/branches/{branch_id}/devices/{device_id}": "204 204 403 403 403 403 403 401 401 401",
    "POST /api/v1/devices/pair": "403 403 403 403 403 201 201 401 401 401",
    "POST /api/v1/branches/{branch_id}/tickets": "201 201 403 201 403 201 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/tickets": "200 200 403 200 403 403 403 401 401 401",
    "GET /api/v1/tickets/{ticket_id}": "200 200 403 200 403 403 403 401 404 401",
    "GET /api/v1/branches/{branch_id}/queue": "200 200 403 200 403 200 200 401 401 401",
    "POST /api/v1/counters/{counter_id}/open": "200 200 403 200 403 403 403 401 401 401",
    "POST /api/v1/counters/{counter_id}/pause": "200 200 403 200 403 403 403 401 401 401",
    "POST /api/v1/counters/{counter_id}/close": "200 200 403 200 403 403 403 401 401 401",
    "POST /api/v1/counters/{counter_id}/call-next": "409 409 403 409 403 403 403 401 401 401",
    "POST /api/v1/counters/{counter_id}/call": "409 409 403 409 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/recall": "409 409 403 409 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/start": "409 409 403 409 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/finish": "409 409 403 409 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/no-show": "409 409 403 409 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/cancel": "200 200 403 200 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/transfer": "409 409 403 409 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/feedback": "409 409 403 403 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/reprint": "202 202 403 202 403 403 403 401 401 401",
    "GET /api/v1/rating-pad": "403 403 403 403 403 403 403 401 401 401",
    "GET /api/v1/counters/{counter_id}/waiting": "200 200 403 200 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/my-day": "200 200 403 200 403 403 403 401 401 401",
    "POST /api/v1/branches/{branch_id}/lobby/tickets": "201 201 403 403 403 403 403 401 401 401",
    "POST /api/v1/tickets/{ticket_id}/move": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/announcements/audio.wav": "200 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/prompts/audio.wav": "200 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/booking/branches": "200 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/languages": "200 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/branches/{branch_id}/slots": "200 200 200 200 200 200 200 200 200 200",
    "POST /api/v1/appointments": "201 201 201 201 201 201 201 201 201 201",
    "GET /api/v1/appointments/{code}": "200 200 200 200 200 200 200 200 200 200",
    "PATCH /api/v1/appointments/{code}": "200 200 200 200 200 200 200 200 200 200",
    "DELETE /api/v1/appointments/{code}": "200 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/appointments/{code}.ics": "200 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/appointments/{code}/qr.svg": "200 200 200 200 200 200 200 200 200 200",
    "POST /api/v1/branches/{branch_id}/check-in": "409 409 403 409 403 409 403 401 404 401",
    "GET /api/v1/branches/{branch_id}/booking-settings": "200 200 403 403 403 403 403 401 401 401",
    "PATCH /api/v1/branches/{branch_id}/services/{service_id}/booking-settings": (
        "200 200 403 403 403 403 403 401 401 401"
    ),
    "GET /api/v1/branches/{branch_id}/closures": "200 200 403 403 403 403 403 401 401 401",
    "PUT /api/v1/branches/{branch_id}/closures/{day}": "200 200 403 403 403 403 403 401 401 401",
    "DELETE /api/v1/branches/{branch_id}/closures/{day}": "404 404 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/appointments": "200 200 403 200 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/notifications": "200 200 403 403 403 403 403 401 401 401",
    "POST /api/v1/branches/{branch_id}/notifications/{notification_id}/retry": (
        "404 404 403 403 403 403 403 401 401 401"
    ),
    "GET /api/v1/branches/{branch_id}/stats": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/stats.csv": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/eligibility": "200 200 403 403 403 403 403 401 401 401",
    "PUT /api/v1/branches/{branch_id}/eligibility/rules": "200 200 403 403 403 403 403 401 401 401",
    "POST /api/v1/branches/{branch_id}/eligibility/entries": "201 201 403 403 403 403 403 401 401 401",
    "DELETE /api/v1/branches/{branch_id}/eligibility/entries/{entry_id}": "404 404 403 403 403 403 403 401 401 401",
    "POST /api/v1/branches/{branch_id}/media": "422 422 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/media": "200 200 403 403 403 403 200 401 401 401",
    "DELETE /api/v1/branches/{branch_id}/media/{media_id}": "404 404 403 403 403 403 403 401 401 401",
    "GET /api/v1/media/{name}": "404 404 404 404 404 404 404 404 404 404",
    "GET /api/v1/join/{branch_code}": "200 200 200 200 200 200 200 200 200 200",
    "POST /api/v1/branches/{branch_id}/remote-tickets": "202 202 202 202 202 202 202 202 202 202",
    "POST /api/v1/remote-tickets/{verification_id}/verify": "201 201 201 201 201 201 201 201 201 201",
    "POST /api/v1/tickets/{ticket_id}/arrived": "409 409 403 409 403 409 403 401 404 401",
    "POST /api/v1/tickets/{ticket_id}/remote": "200 200 200 200 200 200 200 200 200 200",
    "GET /api/v1/branches/{branch_id}/remote-settings": "200 200 403 403 403 403 403 401 401 401",
    "PATCH /api/v1/branches/{branch_id}/remote-settings": "200 200 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/remote-figures": "200 200 403 403 403 403 403 401 401 401",
    "POST /api/v1/branches/{branch_id}/webhooks": "201 201 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/webhooks": "200 200 403 403 403 403 403 401 401 401",
    "DELETE /api/v1/branches/{branch_id}/webhooks/{webhook_id}": "404 404 403 403 403 403 403 401 401 401",
    "GET /api/v1/branches/{branch_id}/webhook-deliveries": "200 200 403 403 403 403 403 401 401 401",
}

# Cells a change in flight still answers differently: strict, so they flip to passing when it lands.
PENDING: dict[tuple[str, str], str] = {}

SOCKET_CALLERS = (*CALLERS, "holder")
# connect, subscribe, subscribe other branch, sync, printer_status, speech_status, print_result,
# counter_terminal, agent_status
SOCKETS: dict[str, str] = {
    "admin": "ok ok ok ok 403 403 403 ok 403",
    "manager": "ok ok 403 ok 403 403 403 ok 403",
    "manager_other": "ok 403 ok 403 403 403 403 404 403",
    "teller": "ok ok 403 ok 403 403 403 ok 403",
    "teller_other": "ok 403 ok 403 403 403 403 404 403",
    "kiosk": "ok ok 403 ok ok ok ok 403 ok",
    "display": "ok ok 403 ok ok ok ok 403 ok",
    "revoked": "refused - - - - - - - -",
    "none": "refused - - - - - - - -",
    "garbage": "refused - - - - - - - -",
    "holder": "ok 401 401 401 403 403 403 401 403",
}


def http_cell(route: str, caller: str) -> int:
    return int(HTTP[route].split()[CALLERS.index(caller)])


def socket_cells(caller: str) -> list[str]:
    return SOCKETS[caller].split()


def _label(code: str) -> str:
    return {"200": "ok", "201": "ok", "202": "ok", "204": "ok"}.get(code, code)


def markdown() -> str:
    """The tables as docs/reliability.md shows them (ok = allowed; 4xx = that refusal)."""
    names = dict(CALLER_NAMES, holder="ticket holder")
    lines = ["| route | " + " | ".join(names[c] for c in CALLERS) + " |", "|---" * (len(CALLERS) + 1) + "|"]
    for route, row in HTTP.items():
        lines.append(f"| `{route}` | " + " | ".join(_label(code) for code in row.split()) + " |")
    lines += ["", "| Socket.IO caller | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for caller in SOCKET_CALLERS:
        lines.append(f"| {names[caller]} | " + " | ".join(socket_cells(caller)) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
