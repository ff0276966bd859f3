"""Each branch's wait forecast, read from the store and kept per process.

The live state (waiting tickets, open counters and who is at them, bookings still to
come) is read on every request: a few indexed queries. The forecast is recomputed only
when that state changed or it is older than :data:`MAX_AGE_S` (waits run down as time
passes); requests for the same branch meanwhile wait for the one computation under way
and share it. Writes (issuing, calling) never compute while they hold the write transaction: they
take the latest forecast (:attr:`BranchForecasts.cached`), in which a ticket issued since
is the service's "ticket issued now" line. What the history says (rates, service times, no-shows) is learned from the
branch's last :data:`HISTORY_DAYS` business days and refreshed every :data:`HISTORY_TTL_S`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.appointments import AppointmentStatus
from server.domain.classes import CounterStatus, CustomerClass, TicketStatus
from server.domain.forecast import BookedDue, BranchState, Desk, Forecast, Waiting, forecast, runs_for
from server.domain.learning import History, PastTicket, learn
from server.domain.numbering import business_date
from server.domain.records import Branch
from server.domain.statistics import TicketTimes
from server.services.ports import Store, UnitOfWork

MAX_AGE_S = 15.0
# Writes take a forecast up to this old rather than compute under the write lock.
WRITE_MAX_AGE_S = 60.0
# A kiosk's new ticket takes what a forecast at most this old said of "a ticket issued now":
# a kiosk never waits for the runs while tickets pour in (they take ~60 ms at 20 waiting and
# grow with the line); the tracking page and holders get the ticket's own range moments later.
ISSUE_MAX_AGE_S = 5.0
HISTORY_DAYS = 28
HISTORY_TTL_S = 300.0
LATE_CHECK_IN_S = 600.0
BOOKED_SHOW = 0.9  # prior share of booked customers who come


@dataclass
class _Branch:
    lock: threading.Lock = field(default_factory=threading.Lock)
    key: Any = None
    at: datetime | None = None  # when the runs were made
    confirmed_at: datetime | None = None  # when the state was last read and found unchanged since
    seq: int | None = None  # the branch's seq, read before the state the runs started from
    result: Forecast | None = None
    cpu_s: float = 0.0
    history: History | None = None
    learned_at: datetime | None = None


class BranchForecasts:
    """Per process: the latest forecast and the learned history of each branch."""

    def __init__(self, offload: Any = None) -> None:
        self._lock = threading.Lock()
        self._branches: dict[int, _Branch] = {}
        # Where the runs happen: a worker thread when serving (they take tens of milliseconds
        # of pure Python; the event loop gets the interpreter back every switch interval).
        self.offload = offload or (lambda function, *args: function(*args))

    @property
    def cached(self) -> CachedForecasts:
        return CachedForecasts(self)

    def of(
        self,
        uow: UnitOfWork,
        branch: Branch,
        now: datetime,
        *,
        recompute: bool = True,
        max_age: float = WRITE_MAX_AGE_S,
    ) -> Forecast:
        with self._lock:
            entry = self._branches.setdefault(branch.id, _Branch())
        if not recompute and entry.result is not None:
            if (fresh := self.recent(branch.id, now, max_age)) is not None:
                return fresh
            if not entry.lock.acquire(blocking=False):
                return entry.result  # another request is making the next one: take the last
            entry.lock.release()
        with entry.lock:
            return self._refresh(uow, branch, now, entry)

    def refreshed(self, store: Store, branch: Branch, now: datetime) -> Forecast:
        """Like :meth:`of`, but waits for a computation under way *before* it takes a
        connection: a storm of screens reconnecting at once (a restart) queues here, not in
        the connection pool, whose timeout would turn most of them away."""
        with self._lock:
            entry = self._branches.setdefault(branch.id, _Branch())
        with entry.lock, store.read() as uow:
            return self._refresh(uow, branch, now, entry)

    def recent(self, branch_id: int, now: datetime, max_age: float) -> Forecast | None:
        """The branch's forecast if it was made or confirmed within ``max_age`` of ``now``:
        a kiosk then needs no read of the store at all."""
        with self._lock:
            entry = self._branches.get(branch_id)
        if entry is None or entry.result is None:
            return None
        seen = entry.confirmed_at or entry.at
        if seen is None or abs((now - seen).total_seconds()) >= max_age:
            return None
        return entry.result

    def known_since(self, branch_id: int, seq: int, now: datetime) -> bool:
        """Whether the branch's latest forecast was made, or found still true, at ``seq`` or
        later (and is not past ``MAX_AGE_S``)."""
        with self._lock:
            entry = self._branches.get(branch_id)
        if entry is None or entry.result is None or entry.seq is None or entry.at is None:
            return False
        return entry.seq >= seq and abs((now - entry.at).total_seconds()) < MAX_AGE_S

    def _refresh(self, uow: UnitOfWork, branch: Branch, now: datetime, entry: _Branch) -> Forecast:
        """The branch's forecast for ``now``: the last one while nothing changed, else new runs."""
        age = None if entry.at is None else abs((now - entry.at).total_seconds())
        # Read before the state: a change committed in between only makes the next check re-read.
        seq = int(uow.branches.seq(branch.id))
        last = entry.result
        young = age is not None and age < MAX_AGE_S
        if last is not None and young and entry.seq == seq and entry.key[3] == branch.policy:
            # Nothing happened in the branch since: no need to read its whole state (a pass
            # over a branch's tracking pages asks once per page).
            entry.confirmed_at = now
            return last
        state, booked = read_state(uow, branch, now)
        key = (state.waiting, state.desks, booked, branch.policy)
        if last is not None and young and entry.key == key:
            entry.seq, entry.confirmed_at = seq, now  # still true: the next kiosk need not read the state again
            return last
        history = self._history(uow, branch, now, entry)
        early, spread = history.punctuality()
        due = tuple(replace(b, early_mean_s=early, early_sd_s=spread) for b in booked)
        services = uow.services.for_branch(branch.id)
        local = now.astimezone(ZoneInfo(branch.timezone))
        hour_start = local.replace(minute=0, second=0, microsecond=0).timestamp()
        expected = {s.id: float(s.expected_service) for s in services}
        model = history.model(expected, local.weekday(), local.hour, hour_start, due)
        run = partial(
            _timed,
            forecast,
            state,
            model,
            runs=runs_for(len(state.waiting)),
            seed=seq,
            probes=[s.id for s in services if s.active],
        )
        result: Forecast
        result, entry.cpu_s = self.offload(run)
        entry.key, entry.at, entry.confirmed_at, entry.result, entry.seq = key, now, None, result, seq
        return result

    def _history(self, uow: UnitOfWork, branch: Branch, now: datetime, entry: _Branch) -> History:
        stale = entry.learned_at is None or abs((now - entry.learned_at).total_seconds()) >= HISTORY_TTL_S
        if entry.history is None or stale:
            today = business_date(now, branch.timezone)
            rows = uow.stats.ticket_times(branch.id, today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1))
            entry.history = learn(past_ticket(t, branch.timezone) for t in rows)
            entry.learned_at = now
        return entry.history


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """The result and the CPU time it took on the thread that ran it."""
    started = time.thread_time()
    result = function(*args, **kwargs)
    return result, time.thread_time() - started


class CachedForecasts:
    """The latest forecast of each branch, computed only when there is none yet (for write transactions)."""

    def __init__(self, forecasts: BranchForecasts) -> None:
        self.forecasts = forecasts

    def of(self, uow: UnitOfWork, branch: Branch, now: datetime) -> Forecast:
        return self.forecasts.of(uow, branch, now, recompute=False)


def read_state(uow: UnitOfWork, branch: Branch, now: datetime) -> tuple[BranchState, tuple[BookedDue, ...]]:
    """The branch as the forecast starts from it, and the booked customers still to check in.

    How early booked customers come is the branch's own habit, filled in from its history.
    """
    at_counter = {t.counter_id: t for t in uow.tickets.open_for_branch(branch.id)}
    desks = []
    for c in uow.counters.for_branch(branch.id):
        if c.status is not CounterStatus.OPEN:
            continue
        current = at_counter.get(c.id)
        since = None if current is None else current.started_at or current.called_at
        desks.append(
            Desk(
                c.number,
                tuple(c.service_ids),
                None if since is None else since.timestamp(),
                None if current is None else current.service_id,
            )
        )
    if not desks:  # nobody will be called: nothing to forecast, nothing more to read
        return BranchState(now.timestamp(), (), (), branch.policy), ()
    waiting = tuple(
        Waiting(c.ticket_id, c.service_id, c.customer_class, c.anchor, c.arrival)
        for c in uow.tickets.waiting_candidates(branch.id)
    )
    today = business_date(now, branch.timezone)
    booked = tuple(
        BookedDue(a.service_id, a.slot_start.timestamp(), BOOKED_SHOW)
        for a in uow.appointments.for_branch_day(branch.id, today)
        if a.status is AppointmentStatus.BOOKED and a.slot_start >= now - timedelta(seconds=LATE_CHECK_IN_S)
    )
    return BranchState(now.timestamp(), waiting, tuple(desks), branch.policy), booked


def past_ticket(t: TicketTimes, timezone: str) -> PastTicket:
    local = t.issued_at.astimezone(ZoneInfo(timezone))
    began = t.started_at or t.called_at
    served = t.status == TicketStatus.DONE.value and began is not None and t.finished_at is not None
    cls = CustomerClass(t.customer_class)
    return PastTicket(
        day=t.business_date,
        weekday=local.weekday(),
        hour=local.hour,
        service_id=t.service_id,
        customer_class=cls,
        service_s=(t.finished_at - began).total_seconds() if served and t.finished_at and began else None,
        no_show=t.status == TicketStatus.NO_SHOW.value,
        early_s=(t.anchor_at - t.issued_at).total_seconds() if cls is CustomerClass.APPOINTMENT else None,
    )
