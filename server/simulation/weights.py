"""Policy weights for the simulator, from TOML in the shape the branch policy API takes.

::

    kind = "apq"              # optional; --policy overrides it
    [classes.regular]
    target = 900              # seconds
    head_start = 0
    hard_limit = 2700         # or "none" (TOML has no null)

Classes left out keep the defaults of :data:`server.domain.policy.DEFAULT_RULES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from server.domain.errors import InvalidInput
from server.domain.policy import PolicyKind, QueuePolicy
from server.simulation.counters import read_toml
from server.simulation.trace import SimulationInputError


def load_weights(path: Path) -> QueuePolicy:
    return parse_weights(read_toml(path, "policy weights"), str(path))


def parse_weights(data: Mapping[str, Any], source: str = "policy") -> QueuePolicy:
    shaped = dict(data)
    classes = shaped.get("classes", {})
    if isinstance(classes, Mapping):
        shaped["classes"] = {name: _none_limit(raw) for name, raw in classes.items()}
    try:
        return QueuePolicy.from_dict(shaped)
    except InvalidInput as exc:
        raise SimulationInputError(f"{source}: {exc.message}") from None


def _none_limit(raw: Any) -> Any:
    if isinstance(raw, Mapping) and raw.get("hard_limit") == "none":
        return {**raw, "hard_limit": None}
    return raw


def with_kind(policy: QueuePolicy, kind: str) -> QueuePolicy:
    """The same class rules under another policy kind."""
    try:
        return QueuePolicy(kind=PolicyKind(kind), rules=policy.rules)
    except ValueError:
        known = ", ".join(k.value for k in PolicyKind)
        raise SimulationInputError(f"unknown policy {kind!r}; choose from {known}") from None
