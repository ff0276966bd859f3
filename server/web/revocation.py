"""Revocation that bites at once, in every process.

When a credential changes (a device revoked, a user deactivated, edited or logged out, a
password reset) the process that made the change announces the principal. Every process
then drops that principal's cached tokens and re-checks its open sockets of that
principal: a socket whose token no longer authenticates, or now stands for a different
role or branches, is disconnected (a client still entitled reconnects and resubscribes).

With a message queue the announcement travels over Redis pub/sub; the short principal
cache TTL is the backstop for HTTP should a message be lost.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from server.web.security import PrincipalCache

log = logging.getLogger(__name__)

CHANNEL = "branchq-revoked"


class Revocations:
    def __init__(self, cache: PrincipalCache, namespace: Any, message_queue: str | None) -> None:
        self.cache = cache
        self.namespace = namespace
        self.message_queue = message_queue
        self._client: Any = None

    def announce(self, kind: str, principal_id: int) -> None:
        """After the change committed: apply here at once, and tell the other processes."""
        self.apply(kind, principal_id)
        if not self.message_queue:
            return
        try:
            if self._client is None:
                self._client = self._redis()
            self._client.publish(CHANNEL, json.dumps({"kind": kind, "id": principal_id}))
        except Exception:  # the cache TTL still ends the token elsewhere
            log.exception("could not announce the revocation of %s %s", kind, principal_id)

    def apply(self, kind: str, principal_id: int) -> None:
        self.cache.forget_principal(kind, principal_id)
        self.namespace.recheck_principal(kind, principal_id)

    def listen(self) -> None:
        """Runs for the life of a serving process; reconnects when Redis goes away."""
        while self.message_queue:
            try:
                pubsub = self._redis().pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                for message in pubsub.listen():
                    self._on_message(message)
            except Exception:
                log.exception("revocation feed lost; reconnecting")
                self.namespace.socketio.sleep(1.0)

    def _on_message(self, message: dict[str, Any]) -> None:
        try:
            data = json.loads(message["data"])
            self.apply(str(data["kind"]), int(data["id"]))
        except Exception:
            log.exception("bad revocation message %r", message)

    def _redis(self) -> Any:
        import redis

        return redis.Redis.from_url(str(self.message_queue))
