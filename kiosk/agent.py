"""The kiosk agent: receives print jobs over Socket.IO, prints them, reports back.

One worker thread owns the printer, so jobs print one at a time and status checks never
interleave with a ticket (python-socketio runs each incoming event on its own thread).
A job id seen before is not printed again; its earlier result is re-sent instead. A failed
job is forgotten so the server may send it again once the printer is back. Results that
cannot be sent while disconnected wait in an outbox and go out on the next connect.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict, deque
from typing import Any

import socketio

from kiosk.layout import ticket_layout
from kiosk.printers import PrinterStatus, PrintOutcome, TicketPrinter
from server import protocol

log = logging.getLogger(__name__)
_REMEMBERED_JOBS = 1000
_STATUS = "status"  # worker queue item: a status check rather than a job


class KioskAgent:
    def __init__(
        self,
        server_url: str,
        token: str,
        printer: TicketPrinter,
        *,
        status_interval: float = 30.0,
        max_retry_delay: float = 30.0,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.printer = printer
        self.status_interval = status_interval
        self.max_retry_delay = max_retry_delay
        self.sio = socketio.Client(reconnection=True, reconnection_attempts=0, reconnection_delay_max=max_retry_delay)
        self._work: queue.Queue[dict[str, Any] | str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, dict[str, Any] | None] = OrderedDict()  # job id -> result, None while queued
        self._outbox: deque[dict[str, Any]] = deque(maxlen=_REMEMBERED_JOBS)
        self._last_status: PrinterStatus | None = None
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on(protocol.PRINT_TICKET, self.on_print_ticket)

    # --- life cycle -------------------------------------------------------------------
    def start(self) -> None:
        """Start the printer worker, the status timer and the connection loop in the background."""
        for target, name in ((self._work_loop, "printer"), (self._status_loop, "status"), (self._connect_loop, "io")):
            thread = threading.Thread(target=target, name=f"kiosk-agent-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def run_forever(self) -> None:
        self.start()
        try:
            self._stopped.wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop within about ``timeout``: a websocket close can wait seconds for the server's reply."""
        self._stopped.set()
        self._work.put(None)
        closer = threading.Thread(target=self.sio.shutdown, name="kiosk-agent-close", daemon=True)
        closer.start()
        for thread in (closer, *self._threads):
            thread.join(timeout)

    def _connect_loop(self) -> None:
        """Reconnect forever: python-socketio retries dropped links, this covers refusals and kicks."""
        first_delay = delay = min(1.0, self.max_retry_delay)
        while not self._stopped.is_set():
            try:
                self.sio.connect(self.server_url, auth={"token": self.token, "agent": True}, wait_timeout=5)
            except socketio.exceptions.ConnectionError as exc:
                log.warning("cannot connect to %s: %s; retrying in %.0f s", self.server_url, exc, delay)
                self._stopped.wait(delay)
                delay = min(delay * 2, self.max_retry_delay)
                continue
            except ValueError:
                # "not in a disconnected state": python-socketio's own reconnection is under
                # way (wait() can return while it still holds the link). Let it finish.
                self._stopped.wait(0.2)
                if self.sio.connected:
                    self.sio.wait()
                continue
            except Exception:  # never let the link thread die: a kiosk must keep trying
                log.exception("connecting to %s failed; retrying in %.0f s", self.server_url, delay)
                self._stopped.wait(delay)
                continue
            delay = first_delay
            self.sio.wait()  # returns once disconnected for good

    def _on_connect(self) -> None:
        log.info("connected to %s", self.server_url)
        while self._outbox:
            self._emit(protocol.PRINT_RESULT, self._outbox.popleft())
        self._last_status = None  # the server may have restarted: tell it the printer status again
        self._work.put(_STATUS)

    def _on_disconnect(self, reason: Any = None) -> None:
        log.warning("disconnected from %s (%s)", self.server_url, reason)

    # --- jobs -------------------------------------------------------------------------
    def on_print_ticket(self, job: dict[str, Any]) -> dict[str, Any]:
        """Queue a job unless its id was seen; the return value is the ack when the server asks for one."""
        job_id = str(job.get("job_id", ""))
        with self._lock:
            if job_id in self._jobs:
                earlier = self._jobs[job_id]
                if earlier is not None:
                    self._emit(protocol.PRINT_RESULT, earlier)
                return {"job_id": job_id, "accepted": False, "duplicate": True}
            self._jobs[job_id] = None
            while len(self._jobs) > _REMEMBERED_JOBS:
                self._jobs.popitem(last=False)
        self._work.put(job)
        return {"job_id": job_id, "accepted": True}

    def _work_loop(self) -> None:
        while True:
            item = self._work.get()
            if item is None:
                return
            if item == _STATUS:
                self._report(self._safe_status(), force=True)
            elif isinstance(item, dict):
                self.print_job(item)

    def print_job(self, job: dict[str, Any]) -> dict[str, Any]:
        """Print one job and report it; nothing a job or a printer does can stop the worker."""
        job_id = str(job.get("job_id", ""))
        try:
            outcome = self.printer.print_ticket(ticket_layout(job, base_url=self.server_url))
        except Exception as exc:  # a malformed job or a driver bug fails this ticket only
            log.exception("print job %s failed", job_id)
            outcome = PrintOutcome(False, PrinterStatus("error", f"{type(exc).__name__}: {exc}"))
        result = {"job_id": job_id, "ok": outcome.ok, **outcome.status.to_dict()}
        with self._lock:
            if outcome.ok:
                self._jobs[job_id] = result
            else:
                self._jobs.pop(job_id, None)  # a resend after a fault may print
        if not self._emit(protocol.PRINT_RESULT, result):
            self._outbox.append(result)
        self._report(outcome.status)
        return result

    # --- status -----------------------------------------------------------------------
    def _status_loop(self) -> None:
        while not self._stopped.wait(self.status_interval):
            self._work.put(_STATUS)

    def _safe_status(self) -> PrinterStatus:
        try:
            return self.printer.status()
        except Exception as exc:  # a status bug must not stop the worker
            log.exception("printer status check failed")
            return PrinterStatus("error", f"{type(exc).__name__}: {exc}")

    def _report(self, status: PrinterStatus, *, force: bool = False) -> None:
        changed = force or status != self._last_status
        if changed and self._emit(protocol.PRINTER_STATUS, status.to_dict()):
            self._last_status = status

    def _emit(self, event: str, data: dict[str, Any]) -> bool:
        try:
            self.sio.emit(event, data)
        except socketio.exceptions.SocketIOError as exc:
            log.info("could not send %s now: %s", event, exc)
            return False
        return True
