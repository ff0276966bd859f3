"""The wire vocabulary shared by the server and the device agents (stdlib only).

Event names are snake_case, past-tense facts (Flask-SocketIO class namespaces dispatch
``on_<event>``). Every branch event carries ``branch_id`` and that branch's ``seq``;
messages for one ticket holder or one device carry no branch ``seq``.
"""

from __future__ import annotations

NAMESPACE = "/"

# Branch events (each with branch_id and seq)
TICKET_ISSUED = "ticket_issued"
TICKET_CALLED = "ticket_called"
TICKET_UPDATED = "ticket_updated"
QUEUE_CHANGED = "queue_changed"
COUNTER_CHANGED = "counter_changed"
ALERT = "alert"

BRANCH_EVENTS = (TICKET_ISSUED, TICKET_CALLED, TICKET_UPDATED, QUEUE_CHANGED, COUNTER_CHANGED, ALERT)

# Client -> server
SUBSCRIBE = "subscribe"  # {"branch_id"} -> ack {"snapshot": {..., "seq"}}
SYNC = "sync"  # {"branch_id", "since_seq"} -> ack {"events": [...]} or {"snapshot": {...}}

# Device jobs (server -> one device, no branch seq)
# {"job_id", "ticket": {...}, "branch": {"name", "timezone"}, "service": {"name"}, "languages": [codes],
#  "labels": {code: {label: text}}}: every word already rendered per language (kiosk/layout.py)
# A job id seen before is not printed again (the agent re-sends its result); a failed one may be resent.
PRINT_TICKET = "print_ticket"
# Device reports (device -> server)
PRINTER_STATUS = "printer_status"  # {"status": online|paper_low|paper_out|offline|error, "detail"}
PRINT_RESULT = "print_result"  # {"job_id", "ok": bool, "status", "detail"}
SPEECH_STATUS = "speech_status"  # {"status": ok|unavailable, "detail"}

PRINTER_STATES = ("online", "paper_low", "paper_out", "offline", "error")

# Presence. An agent connects with auth {"token", "agent": true}; a device page without it.
# server -> the device's pages, and the ack of the same name (page -> server, no data):
AGENT_STATUS = "agent_status"  # {"device_id", "online": bool}
# teller's /counter page -> server: this socket is the counter's terminal (its heartbeat)
COUNTER_TERMINAL = "counter_terminal"  # {"counter_id"} -> ack {"ok": true} or an error


def branch_room(branch_id: int) -> str:
    return f"branch:{branch_id}"


def branch_of_room(room: str) -> int | None:
    """The branch a room is for, or None for any other room."""
    prefix, _, rest = room.partition(":")
    return int(rest) if prefix == "branch" and rest.isdigit() else None


def ticket_room(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def device_room(device_id: int) -> str:
    return f"device:{device_id}"
