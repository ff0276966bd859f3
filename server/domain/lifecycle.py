"""Which ticket transitions are legal.

waiting -> called -> serving -> done; called -> no_show; waiting/called -> cancelled;
called/serving -> waiting (transfer); called -> called (recall).
"""

from __future__ import annotations

from server.domain.classes import TicketStatus
from server.domain.errors import Conflict

S = TicketStatus

ACTIONS: dict[str, tuple[frozenset[TicketStatus], TicketStatus]] = {
    "call": (frozenset({S.WAITING}), S.CALLED),
    "recall": (frozenset({S.CALLED}), S.CALLED),
    "start": (frozenset({S.CALLED}), S.SERVING),
    "finish": (frozenset({S.SERVING}), S.DONE),
    "no_show": (frozenset({S.CALLED}), S.NO_SHOW),
    "cancel": (frozenset({S.WAITING, S.CALLED}), S.CANCELLED),
    "transfer": (frozenset({S.CALLED, S.SERVING}), S.WAITING),
}


def allowed_from(action: str) -> frozenset[TicketStatus]:
    return ACTIONS[action][0]


def target_status(action: str, current: TicketStatus) -> TicketStatus:
    """The status after ``action``; raises Conflict if it is illegal from ``current``."""
    sources, target = ACTIONS[action]
    if current not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        raise Conflict(
            f"ticket_not_{'_or_'.join(sorted(s.value for s in sources))}",
            f"cannot {action.replace('_', '-')} a ticket that is {current.value} (allowed from: {allowed})",
            "status",
        )
    return target
