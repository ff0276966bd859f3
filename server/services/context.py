"""What every use case needs, passed in explicitly (no globals, no clock reads)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from server.domain.errors import Forbidden, NotFound
from server.domain.records import Principal
from server.services.forecasting import BranchForecasts
from server.services.ports import Store, UnitOfWork


def _inline(function: Callable[..., Any], *args: Any) -> Any:
    return function(*args)


@dataclass(frozen=True)
class Deps:
    # store.write() / store.read() yield a unit of work; its repositories and their methods
    # are the Protocols of server.services.ports
    store: Store
    clock: Callable[[], datetime]
    # pushes the committed events of these branches to subscribers, in seq order
    publish: Callable[[Iterable[int]], None]
    token_ttl_seconds: int = 12 * 3600
    # runs CPU-heavy work that holds no lock of ours (password hashing) where it cannot stall
    # the server's event loop: a thread of gevent's pool when serving, inline elsewhere
    offload: Callable[..., Any] = _inline
    # each branch's wait forecast, kept per process (server.services.forecasting.BranchForecasts)
    forecasts: BranchForecasts = field(default_factory=BranchForecasts)
    # keys digests of personal numbers (the VIP/green-channel list): a stolen table cannot be
    # reversed by trying every phone number without it
    secret_key: str = ""

    def commit_and_publish(self, uow: UnitOfWork) -> None:
        """Called after a write block closed cleanly."""
        if uow.touched:
            self.publish(sorted(uow.touched))


def changed_at(deps: Deps, uow: UnitOfWork, branch_id: int) -> datetime:
    """The time of a change to the branch's queue, read once the change holds the branch's
    write lock: a teller who waited for it stamps a later time than the one who went first,
    so stored times (issued, called, started, finished…) follow the order of the changes."""
    uow.branches.lock(branch_id)
    return deps.clock()


def audit(
    uow: UnitOfWork,
    branch_id: int,
    principal: Principal | None,
    at: datetime,
    action: str,
    detail: dict[str, Any],
    ticket_id: int | None = None,
) -> None:
    """A staff decision that changes who is served when: who, when, what, and the state it
    changed from and to (the why an auditor asks about), in the same transaction as the change."""
    uow.audit.record(
        {
            "branch_id": branch_id,
            "at": at,
            "actor": principal.name if principal else "",
            "action": action,
            "ticket_id": ticket_id,
            "detail": detail,
        }
    )


T = TypeVar("T")

STAFF_ROLES = ("admin", "manager", "teller")


def require(principal: Principal | None, roles: Iterable[str], branch_id: int | None = None) -> Principal:
    """The caller must hold one of ``roles`` and, for branch data, belong to that branch."""
    if principal is None:
        from server.domain.errors import Unauthorized

        raise Unauthorized("unauthorized", "log in or present a device token")
    if principal.role not in roles:
        raise Forbidden("forbidden_role", f"a {principal.role} may not do this")
    if branch_id is not None and not principal.can_see(branch_id):
        raise Forbidden("forbidden_branch", "this branch is not yours")
    return principal


def found(value: T | None, what: str, field: str | None = None) -> T:
    """``value``, or a 404 naming ``what`` (also for rows a foreign key promises: never a 500)."""
    if value is None:
        raise NotFound(f"{what}_not_found", f"no such {what.replace('_', ' ')}", field)
    return value
