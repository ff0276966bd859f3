"""An in-memory store for fast service tests: the same ports as SqlStore, kept in dicts.

It holds the queue's core (branches, services, counters, staff, devices, tokens, tickets,
events, audit). Booking, alerts and login lockout live only in the SQL store: their
repositories here say so when a test reaches them, rather than answer wrongly.
A write that raises leaves the data as it was, as a rolled-back transaction would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from server.domain.appointments import Appointment, AppointmentStatus
from server.domain.classes import CustomerClass, TicketStatus
from server.domain.policy import Candidate
from server.domain.records import Branch, Counter, Device, Service, Ticket, User
from server.domain.statistics import TicketTimes
from server.store import mapping
from server.store.tables import (
    AuditRow,
    BranchRow,
    CounterRow,
    DeviceRow,
    FeedbackRow,
    ServiceRow,
    TicketRow,
    TokenRow,
    UserRow,
)

if TYPE_CHECKING:
    from server.services import ports

OPEN = (TicketStatus.CALLED.value, TicketStatus.SERVING.value)
WAITING = TicketStatus.WAITING.value


@dataclass
class Tables:
    """Rows by table, then by id; ``sequences`` is the numbering per (branch, service, day)."""

    rows: dict[str, dict[int, Any]] = field(default_factory=dict)
    sequences: dict[tuple[int, int, date], int] = field(default_factory=dict)
    events: list[tuple[int, int, str, dict[str, Any]]] = field(default_factory=list)

    def of(self, table: str) -> dict[int, Any]:
        return self.rows.setdefault(table, {})

    def insert(self, row_class: Any, values: dict[str, Any]) -> Any:
        table = self.of(row_class.__tablename__)
        row = row_class(**values)
        row.id = max(table, default=0) + 1
        table[row.id] = row
        return row

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> Any:
        row = self.of(table)[row_id]
        for key, value in values.items():
            setattr(row, key, value)
        return row

    def where(self, table: str, test: Callable[[Any], bool]) -> list[Any]:
        return [row for _, row in sorted(self.of(table).items()) if test(row)]


class _Repo:
    def __init__(self, tables: Tables) -> None:
        self.t = tables


class Branches(_Repo):
    def add(self, values: dict[str, Any]) -> Branch:
        return mapping.branch(self.t.insert(BranchRow, values))

    def get(self, branch_id: int) -> Branch | None:
        row = self.t.of("branch").get(branch_id)
        return mapping.branch(row) if row else None

    def by_code(self, code: str) -> Branch | None:
        rows = self.t.where("branch", lambda r: r.code == code)
        return mapping.branch(rows[0]) if rows else None

    def all(self, ids: Iterable[int] | None = None) -> list[Branch]:
        wanted = None if ids is None else set(ids)
        return [mapping.branch(r) for r in self.t.where("branch", lambda r: wanted is None or r.id in wanted)]

    def update(self, branch_id: int, values: dict[str, Any]) -> Branch:
        return mapping.branch(self.t.update("branch", branch_id, values))

    def lock(self, branch_id: int) -> None:
        """One writer at a time already (the store's write() is not reentrant across threads here)."""

    def seq(self, branch_id: int) -> int:
        return int(self.t.of("branch")[branch_id].last_seq)

    def seqs(self) -> dict[int, int]:
        return {i: int(r.last_seq) for i, r in self.t.of("branch").items()}

    def published_seq(self, branch_id: int) -> int:
        return int(self.t.of("branch")[branch_id].published_seq)


class Services(_Repo):
    def add(self, values: dict[str, Any]) -> Service:
        return mapping.service(self.t.insert(ServiceRow, values))

    def get(self, service_id: int) -> Service | None:
        row = self.t.of("service").get(service_id)
        return mapping.service(row) if row else None

    def for_branch(self, branch_id: int) -> list[Service]:
        return [mapping.service(r) for r in self.t.where("service", lambda r: r.branch_id == branch_id)]

    def prefix_taken(self, branch_id: int, prefix: str, except_id: int | None = None) -> bool:
        return bool(
            self.t.where("service", lambda r: r.branch_id == branch_id and r.prefix == prefix and r.id != except_id)
        )

    def update(self, service_id: int, values: dict[str, Any]) -> Service:
        return mapping.service(self.t.update("service", service_id, values))


class Counters(_Repo):
    def add(self, values: dict[str, Any]) -> Counter:
        return mapping.counter(self.t.insert(CounterRow, values))

    def get(self, counter_id: int) -> Counter | None:
        row = self.t.of("counter").get(counter_id)
        return mapping.counter(row) if row else None

    def for_branch(self, branch_id: int) -> list[Counter]:
        rows = sorted(self.t.where("counter", lambda r: r.branch_id == branch_id), key=lambda r: (r.number, r.id))
        return [mapping.counter(r) for r in rows]

    def number_taken(self, branch_id: int, number: int, except_id: int | None = None) -> bool:
        return bool(
            self.t.where("counter", lambda r: r.branch_id == branch_id and r.number == number and r.id != except_id)
        )

    def update(self, counter_id: int, values: dict[str, Any]) -> Counter:
        return mapping.counter(self.t.update("counter", counter_id, values))


class Users(_Repo):
    def add(self, values: dict[str, Any]) -> User:
        return mapping.user(self.t.insert(UserRow, values))

    def get(self, user_id: int) -> User | None:
        row = self.t.of("staff_user").get(user_id)
        return mapping.user(row) if row else None

    def credentials(self, username: str) -> tuple[User, str] | None:
        rows = self.t.where("staff_user", lambda r: r.username == username)
        return (mapping.user(rows[0]), rows[0].password_hash) if rows else None

    def all(self) -> list[User]:
        return [mapping.user(r) for r in self.t.where("staff_user", lambda r: True)]

    def update(self, user_id: int, values: dict[str, Any]) -> User:
        return mapping.user(self.t.update("staff_user", user_id, values))


class Devices(_Repo):
    def add(self, values: dict[str, Any]) -> Device:
        return mapping.device(self.t.insert(DeviceRow, values))

    def get(self, device_id: int) -> Device | None:
        row = self.t.of("device").get(device_id)
        return mapping.device(row) if row else None

    def for_branch(self, branch_id: int) -> list[Device]:
        return [mapping.device(r) for r in self.t.where("device", lambda r: r.branch_id == branch_id)]

    def update(self, device_id: int, values: dict[str, Any]) -> Device:
        return mapping.device(self.t.update("device", device_id, values))

    def seen(self, device_ids: list[int], at: datetime) -> None:
        for device_id in device_ids:
            self.t.update("device", device_id, {"last_seen_at": at})


class Tokens(_Repo):
    def add(self, values: dict[str, Any]) -> None:
        self.t.insert(TokenRow, values)

    def lookup(self, digest: str) -> Any:
        rows = self.t.where("api_token", lambda r: r.digest == digest)
        return copy.copy(rows[0]) if rows else None

    def _revoke(self, test: Callable[[Any], bool]) -> None:
        for row in self.t.where("api_token", test):
            row.revoked = True

    def revoke(self, digest: str) -> None:
        self._revoke(lambda r: r.digest == digest)

    def revoke_for_device(self, device_id: int) -> None:
        self._revoke(lambda r: r.device_id == device_id)

    def revoke_for_user(self, user_id: int, *, keep: str | None = None) -> None:
        self._revoke(lambda r: r.user_id == user_id and r.digest != keep)


class Events(_Repo):
    def append(self, branch_id: int, name: str, payload: dict[str, Any], at: datetime) -> int:
        branch = self.t.of("branch")[branch_id]
        branch.last_seq += 1
        self.t.events.append((branch_id, branch.last_seq, name, payload | {"seq": branch.last_seq}))
        return int(branch.last_seq)

    def after(self, branch_id: int, since_seq: int, upto: int | None = None) -> list[tuple[int, str, dict[str, Any]]]:
        return [
            (seq, name, payload)
            for b, seq, name, payload in self.t.events
            if b == branch_id and seq > since_seq and (upto is None or seq <= upto)
        ]

    def oldest_kept(self, branch_id: int) -> int | None:
        return min((seq for b, seq, _, _ in self.t.events if b == branch_id), default=None)

    def claim_unpublished(self, branch_id: int) -> tuple[int, int]:
        branch = self.t.of("branch")[branch_id]
        return int(branch.published_seq), int(branch.last_seq)

    def mark_published(self, branch_id: int, seq: int) -> None:
        self.t.update("branch", branch_id, {"published_seq": seq})

    def prune(self, branch_id: int, keep: int) -> int:
        last = self.seq_of(branch_id)
        before = len(self.t.events)
        self.t.events = [e for e in self.t.events if not (e[0] == branch_id and e[1] <= last - keep)]
        return before - len(self.t.events)

    def seq_of(self, branch_id: int) -> int:
        return int(self.t.of("branch")[branch_id].last_seq)


class Audit(_Repo):
    def record(self, values: dict[str, Any]) -> None:
        self.t.insert(AuditRow, values)

    def for_ticket(self, ticket_id: int) -> list[dict[str, Any]]:
        return [r.model_dump() for r in self.t.where("audit_log", lambda r: r.ticket_id == ticket_id)]

    def for_branch(self, branch_id: int) -> list[dict[str, Any]]:
        return [r.model_dump() for r in self.t.where("audit_log", lambda r: r.branch_id == branch_id)]


def _candidate(row: Any) -> Candidate:
    return Candidate(
        row.id,
        row.service_id,
        CustomerClass(row.customer_class),
        row.anchor_at.timestamp(),
        row.issued_at.timestamp(),
    )


class Tickets(_Repo):
    def next_sequence(self, branch_id: int, service_id: int, day: date) -> int:
        key = (branch_id, service_id, day)
        self.t.sequences[key] = self.t.sequences.get(key, 0) + 1
        return self.t.sequences[key]

    def add(self, values: dict[str, Any]) -> Ticket:
        return mapping.ticket(self.t.insert(TicketRow, values))

    def get(self, ticket_id: int) -> Ticket | None:
        row = self.t.of("ticket").get(ticket_id)
        return mapping.ticket(row) if row else None

    def transition(self, ticket_id: int, sources: Iterable[TicketStatus], values: dict[str, Any]) -> Ticket | None:
        row = self.t.of("ticket").get(ticket_id)
        if row is None or row.status not in {s.value for s in sources}:
            return None
        return mapping.ticket(self.t.update("ticket", ticket_id, values))

    def _waiting(self, test: Callable[[Any], bool] = lambda r: True) -> list[Any]:
        rows = self.t.where("ticket", lambda r: r.status == WAITING and test(r))
        return sorted(rows, key=lambda r: (r.anchor_at, r.id))

    def heads(self, service_ids: Sequence[int], *, by_arrival: bool = False) -> list[Candidate]:
        order = "issued_at" if by_arrival else "anchor_at"
        queues: dict[tuple[int, str], Any] = {}
        for row in self._waiting(lambda r: r.service_id in service_ids and r.target_counter_id is None):
            key = (row.service_id, row.customer_class)
            if key not in queues or (getattr(row, order), row.id) < (getattr(queues[key], order), queues[key].id):
                queues[key] = row
        # in the SQL store's order: per service as given, then per class
        keys = [(s, cls.value) for s in service_ids for cls in CustomerClass]
        return [_candidate(queues[key]) for key in keys if key in queues]

    def count_ahead(self, ticket: Ticket, thresholds: dict[CustomerClass, float], *, from_tail: bool = False) -> int:
        def ahead(row: Any) -> bool:
            limit = thresholds.get(CustomerClass(row.customer_class), float("-inf"))
            if row.id == ticket.id or row.service_id != ticket.service_id or limit == float("-inf"):
                return False
            if limit == float("inf"):
                return True
            if row.customer_class == ticket.customer_class.value:
                return bool((row.anchor_at, row.id) < (ticket.anchor_at, ticket.id))
            return bool(row.anchor_at < datetime.fromtimestamp(limit, UTC))

        return len(self._waiting(ahead))

    def transferred_to(self, counter_id: int) -> int | None:
        rows = self._waiting(lambda r: r.target_counter_id == counter_id)
        return int(rows[0].id) if rows else None

    def current_at_counter(self, counter_id: int) -> Ticket | None:
        rows = self.t.where("ticket", lambda r: r.counter_id == counter_id and r.status in OPEN)
        return mapping.ticket(max(rows, key=lambda r: r.called_at)) if rows else None

    def waiting_candidates(self, branch_id: int) -> list[Candidate]:
        return [_candidate(r) for r in self._waiting(lambda r: r.branch_id == branch_id)]

    def waiting(self, branch_id: int) -> list[Ticket]:
        return [mapping.ticket(r) for r in self._waiting(lambda r: r.branch_id == branch_id)]

    def waiting_summary(self, branch_id: int) -> dict[int, tuple[int, datetime | None]]:
        summary: dict[int, tuple[int, datetime | None]] = {}
        for row in self._waiting(lambda r: r.branch_id == branch_id):
            count, earliest = summary.get(row.service_id, (0, None))
            summary[row.service_id] = (count + 1, min(row.issued_at, earliest or row.issued_at))
        return summary

    def open_for_branch(self, branch_id: int) -> list[Ticket]:
        return [
            mapping.ticket(r) for r in self.t.where("ticket", lambda r: r.branch_id == branch_id and r.status in OPEN)
        ]

    def recent_calls(self, branch_id: int, limit: int = 10) -> list[Ticket]:
        rows = self.t.where("ticket", lambda r: r.branch_id == branch_id and r.called_at is not None)
        rows.sort(key=lambda r: (r.called_at, r.id), reverse=True)
        return [mapping.ticket(r) for r in rows[:limit]]

    def of_day(
        self,
        branch_id: int,
        day: date,
        *,
        status: str | None = None,
        number: str | None = None,
        service_id: int | None = None,
        limit: int = 100,
    ) -> list[Ticket]:
        wanted = {"status": status, "number": number, "service_id": service_id}

        def matches(row: Any) -> bool:
            narrowed = all(v is None or getattr(row, k) == v for k, v in wanted.items())
            return bool(row.branch_id == branch_id and row.business_date == day and narrowed)

        rows = sorted(self.t.where("ticket", matches), key=lambda r: (r.issued_at, r.id))
        return [mapping.ticket(r) for r in rows[:limit]]

    def add_feedback(self, values: dict[str, Any]) -> None:
        self.t.insert(FeedbackRow, values)

    def has_feedback(self, ticket_id: int) -> bool:
        return bool(self.t.where("feedback", lambda r: r.ticket_id == ticket_id))


class Appointments(_Repo):
    """No bookings are kept here: a branch's day has none (what the wait forecast asks); booking fails."""

    def for_branch_day(self, branch_id: int, day: date) -> list[Appointment]:
        return []

    def add(self, values: dict[str, Any]) -> Appointment:
        _not_kept("bookings")

    def by_code(self, code: str) -> Appointment | None:
        _not_kept("bookings")

    def code_taken(self, code: str) -> bool:
        _not_kept("bookings")

    def transition(
        self, appointment_id: int, sources: tuple[AppointmentStatus, ...], values: dict[str, Any]
    ) -> Appointment | None:
        _not_kept("bookings")

    def mark_once(self, appointment_id: int, column: str, now: datetime) -> bool:
        _not_kept("bookings")

    def lock_phone_day(self, branch_id: int, phone: str, day: date) -> None:
        _not_kept("bookings")

    def count_for_phone(self, branch_id: int, phone: str, day: date, except_id: int | None = None) -> int:
        _not_kept("bookings")

    def booked_starting(self, after: datetime | None, until: datetime, limit: int = 500) -> list[Appointment]:
        _not_kept("bookings")


class Stats(_Repo):
    def ticket_times(self, branch_id: int, first: date, last: date) -> list[TicketTimes]:
        scores = {r.ticket_id: r.score for r in self.t.of("feedback").values()}
        rows = self.t.where("ticket", lambda r: r.branch_id == branch_id and first <= r.business_date <= last)
        fields = (
            "service_id",
            "customer_class",
            "status",
            "business_date",
            "issued_at",
            "anchor_at",
            "called_at",
            "started_at",
            "finished_at",
            "served_by",
            "counter_id",
        )
        return [
            TicketTimes(**{f: getattr(r, f) for f in fields}, score=scores.get(r.id))
            for r in sorted(rows, key=lambda r: (r.issued_at, r.id))
        ]

    def usernames(self, user_ids: Iterable[int]) -> dict[int, str]:
        users = self.t.of("staff_user")
        return {i: users[i].username for i in set(user_ids) if i in users}


def _not_kept(what: str) -> NoReturn:
    raise NotImplementedError(f"the in-memory store keeps no {what}: test this against SqlStore")


class MemoryUnitOfWork:
    def __init__(self, tables: Tables) -> None:
        self.branches, self.services, self.counters = Branches(tables), Services(tables), Counters(tables)
        self.users, self.devices, self.tokens = Users(tables), Devices(tables), Tokens(tables)
        self.tickets, self.events, self.audit = Tickets(tables), Events(tables), Audit(tables)
        self.appointments, self.stats = Appointments(tables), Stats(tables)
        self.touched: set[int] = set()

    def emit(self, branch_id: int, name: str, payload: dict[str, Any], at: Any) -> int:
        self.touched.add(branch_id)
        return self.events.append(branch_id, name, {"branch_id": branch_id, **payload}, at)

    @property
    def login_failures(self) -> ports.LoginFailuresRepository:
        _not_kept("login failures")

    @property
    def alerts(self) -> ports.AlertsRepository:
        _not_kept("alerts")

    @property
    def slots(self) -> ports.SlotsRepository:
        _not_kept("booking slots")

    @property
    def booking_settings(self) -> ports.BookingSettingsRepository:
        _not_kept("booking settings")

    @property
    def closures(self) -> ports.ClosuresRepository:
        _not_kept("closures")

    @property
    def notifications(self) -> ports.NotificationsRepository:
        _not_kept("notifications")

    @property
    def eligibility(self) -> ports.EligibilityRepository:
        _not_kept("eligibility lists")

    @property
    def media(self) -> ports.MediaRepository:
        _not_kept("media")

    @property
    def floor(self) -> ports.CounterFloorRepository:
        _not_kept("counter desk reads")

    @property
    def presence(self) -> ports.PresenceRepository:
        _not_kept("presence")

    @property
    def verifications(self) -> ports.VerificationsRepository:
        _not_kept("remote verifications")

    @property
    def remote_tickets(self) -> ports.RemoteTicketsRepository:
        return _NO_REMOTE_TICKETS

    @property
    def webhooks(self) -> ports.WebhookEndpointsRepository:
        _not_kept("webhooks")

    @property
    def deliveries(self) -> ports.WebhookDeliveriesRepository:
        _not_kept("webhook deliveries")


class _NoRemoteTickets:
    """The fake takes no remote tickets: every ticket is a walk-in, so call-next holds none back."""

    def get(self, ticket_id: int) -> dict[str, Any] | None:
        return None

    def add(self, values: dict[str, Any]) -> None:
        _not_kept("remote tickets")

    def mark(self, ticket_id: int, column: str, now: datetime, **values: Any) -> bool:
        _not_kept("remote tickets")

    def count_for_service(self, service_id: int, day: date) -> int:
        return 0

    def share(self, branch_id: int, day: date) -> dict[str, int]:
        return {}

    def anchors_behind(self, ticket: Any, places: int) -> list[datetime]:
        return []

    def message_counts(self, branch_id: int) -> dict[str, int]:
        return {}

    def needing_messages(self, limit: int = 200) -> list[dict[str, Any]]:
        return []


_NO_REMOTE_TICKETS = _NoRemoteTickets()


class MemoryStore:
    def __init__(self) -> None:
        self.tables = Tables()

    @contextmanager
    def write(self) -> Iterator[MemoryUnitOfWork]:
        before = copy.deepcopy(self.tables)
        try:
            yield MemoryUnitOfWork(self.tables)
        except BaseException:
            self.tables = before
            raise

    @contextmanager
    def read(self) -> Iterator[MemoryUnitOfWork]:
        yield MemoryUnitOfWork(self.tables)

    def probe(self) -> str:
        return "ok"

    def checkpoint(self) -> tuple[int, int, int] | None:
        return None


def memory_store() -> ports.Store:
    """A fresh, empty store; typed as the port, so mypy checks the fake against it."""
    return MemoryStore()
