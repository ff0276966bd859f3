"""Which alerts a branch should have open now: pure rules over a snapshot of the branch.

Each alert has a subject (a service, a counter, a device) and a key built from it; the
service layer raises an alert for a key that is wanted and not open, and clears an open one
that is no longer wanted. So an alert is raised once per subject and cleared when its cause
ends, however often the rules run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.domain.text import Text

PRINTER_FAULTS = ("paper_out", "offline", "error")
SEVERITIES = ("info", "warning", "critical")


@dataclass(frozen=True)
class Thresholds:
    """Per branch (``settings.alerts`` of the branch), in seconds."""

    device_heartbeat_s: int = 60
    counter_paused_long_s: int = 15 * 60
    # a rating this low or lower raises ``low_feedback``, open for this long
    low_feedback_score: int = 2
    low_feedback_open_s: int = 60 * 60
    # an open counter whose teller's terminal is gone this long is paused for them
    counter_gone_s: int = 5 * 60

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> Thresholds:
        given = dict((settings or {}).get("alerts") or {})
        names = (
            "device_heartbeat_s",
            "counter_paused_long_s",
            "counter_gone_s",
            "low_feedback_score",
            "low_feedback_open_s",
        )
        # whole positive numbers only; anything else keeps the default
        values = {k: given[k] for k in names if type(given.get(k)) is int and given[k] > 0}
        return cls(**values)


@dataclass(frozen=True)
class ServiceLoad:
    id: int
    prefix: str
    name: Mapping[str, str]
    target_wait_s: int
    waiting: int
    longest_wait_s: int
    open_counters: int
    # the forecast median wait of a regular ticket issued now (None: no forecast for it)
    forecast_p50_s: int | None = None
    # a counter that serves this service and is not open: what to open when a breach is predicted
    spare_counter: int | None = None


@dataclass(frozen=True)
class CounterState:
    id: int
    number: int
    status: str
    # seconds since the counter entered its status (None when not known)
    in_status_s: int | None


@dataclass(frozen=True)
class DeviceState:
    id: int
    kind: str
    name: str
    # seconds since the device was last heard from; None when it never was
    silent_s: int | None
    printer_status: str | None = None
    # the part that has gone silent: "agent" (the kiosk's printer agent, the display's voice) or "page"
    part: str | None = None


@dataclass(frozen=True)
class LowFeedback:
    """A customer's low rating of one served ticket."""

    ticket_id: int
    number: str
    score: int
    counter_number: int | None


@dataclass(frozen=True)
class Wanted:
    kind: str
    subject: dict[str, int]
    severity: str
    message: Text = field(compare=False)  # catalogue key alert.message.<kind>, rendered by the service

    @property
    def key(self) -> str:
        return subject_key(self.kind, self.subject)


def subject_key(kind: str, subject: Mapping[str, Any]) -> str:
    return kind + ":" + ",".join(f"{k}={subject[k]}" for k in sorted(subject))


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


def service_alerts(service: ServiceLoad) -> list[Wanted]:
    out = []
    subject = {"service_id": service.id}
    name = dict(service.name) if any(service.name.values()) else service.prefix
    if service.waiting and service.longest_wait_s > service.target_wait_s:
        waited, target = _minutes(service.longest_wait_s), _minutes(service.target_wait_s)
        message = Text("alert.message.past_target", {"service": name, "waited": waited, "target": target})
        out.append(Wanted("past_target", subject, "warning", message))
    predicted = service.forecast_p50_s or 0
    # nobody is past the target yet, but a customer who comes now is expected to be
    if service.open_counters and service.longest_wait_s <= service.target_wait_s < predicted:
        wait, target = _minutes(predicted), _minutes(service.target_wait_s)
        params: dict[str, Any] = {"service": name, "wait": wait, "target": target}
        key = "alert.message.predicted_breach"
        if service.spare_counter is not None:
            key, params = key + "_open", params | {"counter": service.spare_counter}
        out.append(Wanted("predicted_breach", subject, "warning", Text(key, params)))
    if service.waiting and not service.open_counters:
        message = Text("alert.message.no_counter_open", {"service": name, "waiting": service.waiting})
        out.append(Wanted("no_counter_open", subject, "critical", message))
    return out


def counter_alerts(counter: CounterState, limits: Thresholds) -> list[Wanted]:
    held_s = counter.in_status_s
    if counter.status != "paused" or held_s is None or held_s < limits.counter_paused_long_s:
        return []
    held, number = _minutes(held_s), counter.number
    message = Text("alert.message.counter_paused_long", {"counter": number, "minutes": held})
    return [Wanted("counter_paused_long", {"counter_id": counter.id}, "warning", message)]


def device_alerts(device: DeviceState, limits: Thresholds) -> list[Wanted]:
    subject = {"device_id": device.id}
    # A device never heard from is not set up yet: nothing has gone silent.
    if device.silent_s is not None and device.silent_s > limits.device_heartbeat_s:
        key = "alert.message.agent_offline" if device.part == "agent" else "alert.message.device_offline"
        message = Text(key, {"device": device.name, "kind": device.kind, "s": device.silent_s})
        return [Wanted("device_offline", subject, "critical", message)]
    if device.kind == "kiosk" and device.printer_status in PRINTER_FAULTS:
        status = Text(f"device.{device.printer_status}")
        message = Text("alert.message.printer_fault", {"device": device.name, "status": status})
        return [Wanted("printer_fault", subject, "critical", message)]
    return []


def feedback_alert(rating: LowFeedback) -> Wanted:
    params = {"number": rating.number, "score": rating.score, "counter": rating.counter_number}
    key = "alert.message.low_feedback" if rating.counter_number is None else "alert.message.low_feedback_at"
    message = Text(key, params)
    return Wanted("low_feedback", {"ticket_id": rating.ticket_id}, "warning", message)


def wanted_alerts(
    services: Iterable[ServiceLoad],
    counters: Iterable[CounterState],
    devices: Iterable[DeviceState],
    limits: Thresholds,
    low_ratings: Iterable[LowFeedback] = (),
) -> dict[str, Wanted]:
    """The alerts that should be open, by subject key (a low rating stays wanted for a while)."""
    found = [feedback_alert(r) for r in low_ratings]
    found += [a for s in services for a in service_alerts(s)]
    found += [a for c in counters for a in counter_alerts(c, limits)]
    found += [a for d in devices for a in device_alerts(d, limits)]
    return {a.key: a for a in found}
