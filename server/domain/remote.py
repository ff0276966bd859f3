"""Remote join: the rules a branch sets for tickets taken from a phone, and what they are told.

A remote ticket takes its place in its class's queue when it is taken (fair to walk-ins: it
waits like any ticket from that moment) but is held, never called, until its holder says they
are in the branch. When its turn comes first it steps back a few places, once; the next time,
it is a no-show.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from server.domain.errors import DomainError, InvalidInput


class TooMany(DomainError):
    """A cap was reached (codes per phone or address, attempts at a code): HTTP 429."""

    kind = "too_many"


class RemoteNotice(StrEnum):
    CODE = "remote_code"  # the one-time code
    TURN_NEAR = "turn_near"  # "next in line": come back now
    CALLED = "called"  # "go to counter N"
    FOLLOW_UP = "follow_up"  # thank you, with the rating link


# Messages whose body is a secret: never shown in staff lists or written to logs.
SECRET_KINDS = frozenset({RemoteNotice.CODE.value})
CODE_DIGITS = 6


@dataclass(frozen=True)
class RemoteRules:
    """``branch.settings["remote"]``; every field may be left out (these defaults)."""

    enabled: bool = True
    per_phone_per_day: int = 3
    per_address_per_day: int = 20
    # remote tickets per service and business day; ``service_caps`` overrides it per service id
    per_service_per_day: int = 50
    service_caps: Mapping[str, int] | None = None
    step_back_places: int = 3
    # "next in line" goes out at this many people ahead, or when the forecast says this soon
    notify_at_position: int = 3
    notify_within_s: int = 600
    # "I'm here" from the holder's phone is believed only from these networks (the branch's Wi-Fi)
    arrival_networks: tuple[str, ...] = ()
    code_ttl_s: int = 600
    max_code_attempts: int = 5

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> RemoteRules:
        raw = (settings or {}).get("remote") or {}
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        if "arrival_networks" in values:
            values["arrival_networks"] = tuple(values["arrival_networks"] or ())
        return cls(**values)

    def cap_for(self, service_id: int) -> int:
        caps = self.service_caps or {}
        return int(caps.get(str(service_id), self.per_service_per_day))


def check_rules(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A manager's remote settings, checked field by field (unknown fields refused)."""
    known = {f.name: f for f in fields(RemoteRules)}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in known:
            raise InvalidInput("unknown_setting", f"unknown remote setting {name!r}", name)
        if name == "enabled":
            if not isinstance(value, bool):
                raise InvalidInput("invalid_setting", "enabled must be true or false", name)
        elif name == "arrival_networks":
            out[name] = [str(_network(n)) for n in value] if isinstance(value, list) else _bad(name)
            continue
        elif name == "service_caps":
            if not isinstance(value, dict) or not all(isinstance(v, int) and v >= 0 for v in value.values()):
                raise InvalidInput("invalid_setting", "service_caps maps service ids to whole numbers", name)
            value = {str(k): v for k, v in value.items()}
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput("invalid_setting", f"{name} must be a whole number, 0 or more", name)
        out[name] = value
    return out


def _bad(name: str) -> Any:
    raise InvalidInput("invalid_setting", f"{name} must be a list of networks like 10.1.2.0/24", name)


def _network(text: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        raise InvalidInput(
            "invalid_setting", f"{text!r} is not a network like 10.1.2.0/24", "arrival_networks"
        ) from None


def from_branch_network(address: str | None, networks: tuple[str, ...]) -> bool:
    """True when no networks are set, or ``address`` lies in one of them."""
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def code_digest(verification_id: str, code: str) -> str:
    return hashlib.sha256(f"{verification_id}:{code.strip()}".encode()).hexdigest()


def come_back_by(now: datetime, earliest_wait_s: float | None) -> datetime:
    """When to be back in the branch: the early end of the forecast (the p10), from now."""
    return now + timedelta(seconds=max(0.0, earliest_wait_s or 0.0))


def turn_is_near(people_ahead: int, likely_wait_s: float | None, rules: RemoteRules) -> bool:
    if people_ahead <= rules.notify_at_position:
        return True
    return likely_wait_s is not None and likely_wait_s <= rules.notify_within_s


ARRIVAL_TAG = 6


def arrival_code(ticket_id: int, tracking_token: str) -> str:
    """What the holder shows the kiosk's scanner (a QR on the tracking page): ``R<id>-<tag>``.

    The tag is the start of the tracking token: a kiosk of the branch that reads it has the
    holder in front of it; a guess would need the kiosk's own token and 36 bits of luck.
    """
    return f"R{ticket_id}-{tracking_token[:ARRIVAL_TAG]}"


def parse_arrival_code(code: str) -> tuple[int, str] | None:
    text = code.strip()
    if text[:1] not in ("R", "r") or "-" not in text:
        return None
    number, _, tag = text[1:].partition("-")
    if not number.isdigit() or len(tag) != ARRIVAL_TAG or len(number) > 12:
        return None
    return int(number), tag
