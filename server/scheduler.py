"""Background jobs of a serving process: no-shows, reminders, the notification outbox, alerts.

They must run in one place even with several server processes (APScheduler 3 has no
cross-process coordination: a shared job store ran jobs twice). Two guards:

* only processes with ``settings.run_scheduler`` start a scheduler at all, and on
  PostgreSQL only the holder of an advisory lock (:class:`LeaderLock`) runs the jobs;
  the lock passes to another process when its holder dies;
* every job is idempotent (conditional updates and claims), so even two runners at the
  same moment change each appointment once and send each message once.

Tests call :meth:`BookingJobs.run` directly with a fake clock; nothing sleeps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from server.notify import NotifySettings, make_sender
from server.notify.http_post import HttpPoster
from server.services import alerts, appointment_jobs, notifications, presence, remote_messages, webhooks
from server.services.context import Deps

log = logging.getLogger(__name__)

# pg_advisory_lock key shared by every BranchQ process on the database ("BQSCHED")
LEADER_KEY = 0x42515343484544
# notifications often: a one-time code the customer waits for goes through the outbox
INTERVALS_S = {
    "no_shows": 60,
    "reminders": 300,
    "notifications": 3,
    "alerts": 5,
    "webhooks": 2,
    "remote_messages": 5,
    "webhook_prune": 3600,
    "presence": 15,
}


class LeaderLock:
    """Session-level PostgreSQL advisory lock held on a dedicated connection; always held on SQLite."""

    def __init__(self, engine: Engine, key: int = LEADER_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None

    def held(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        try:
            if self._conn is not None:
                self._conn.execute(text("SELECT 1"))  # still alive: the lock is still ours
                return True
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar():
                self._conn = conn
                return True
            conn.close()
        except Exception:
            log.exception("scheduler leader lock check failed")
            self.release()
        return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                # Unlocked here, at once: a dropped connection's backend lets go of the lock only
                # once it has noticed the hang-up, and another process would find it still taken.
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            except Exception:
                log.debug("unlocking the leader lock failed (its session ends with the connection)", exc_info=True)
            try:
                # a closed pooled connection keeps its session (and the lock): drop it for real
                self._conn.invalidate()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)
            self._conn = None


class BookingJobs:
    def __init__(
        self,
        deps: Deps,
        sender: notifications.Sender,
        leader: LeaderLock,
        poster: webhooks.Poster | None = None,
        base_url: str = "",
    ) -> None:
        self.deps = deps
        self.sender = sender
        self.leader = leader
        # Webhook and SMS sends are blocking HTTP calls with timeouts. This runs on the
        # scheduler's thread, which under gevent's patching is a greenlet doing cooperative
        # I/O: a slow receiver delays the next delivery, never a request.
        self.jobs: dict[str, Callable[[], Any]] = {
            "no_shows": lambda: appointment_jobs.mark_no_shows(deps),
            "reminders": lambda: appointment_jobs.queue_reminders(deps),
            "notifications": lambda: notifications.send_due(deps, sender),
            "alerts": lambda: alerts.evaluate_all(deps),
            "remote_messages": lambda: remote_messages.queue_ticket_messages(deps, base_url),
            "presence": lambda: presence.pause_gone_counters(deps),
        }
        if poster is not None:
            self.jobs["webhooks"] = lambda: webhooks.send_due(deps, poster)
            self.jobs["webhook_prune"] = lambda: webhooks.prune(deps)

    def run(self, name: str) -> Any:
        """Run one job now if this process leads; returns its result (None when not leading)."""
        if not self.leader.held() or name not in self.jobs:
            return None
        try:
            return self.jobs[name]()
        except Exception:  # a failed round is retried by the next one
            log.exception("scheduled job %s failed", name)
            return None


def start_scheduler(wiring: Any) -> Any:
    """Start the APScheduler of this process, unless settings say another process runs it."""
    if not wiring.settings.run_scheduler:
        log.info("scheduler off in this process (BRANCHQ_SCHEDULER=0)")
        return None
    from apscheduler.schedulers.background import BackgroundScheduler

    store = wiring.deps.store
    settings = wiring.settings
    jobs = BookingJobs(
        wiring.deps,
        make_sender(NotifySettings.from_env()),
        LeaderLock(store.engine),
        HttpPoster(allow_private=settings.webhook_allow_private),
        settings.public_base_url.rstrip("/"),
    )
    scheduler = BackgroundScheduler(timezone="UTC")
    for name, seconds in INTERVALS_S.items():
        scheduler.add_job(jobs.run, "interval", args=[name], seconds=seconds, id=name, max_instances=1, coalesce=True)
    scheduler.start()
    wiring.scheduler = scheduler
    return jobs
