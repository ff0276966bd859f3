"""The composition root: ``create_app`` wires database, events, sockets, jobs and devices."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apiflask import APIFlask
from flask import Request
from flask.sessions import SessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from server import protocol
from server.domain.errors import DomainError, InvalidInput
from server.domain.records import MAX_ID
from server.services.context import Deps
from server.services.forecasting import BranchForecasts
from server.settings import Settings
from server.store.database import make_engine
from server.store.outbox import OutboxRelay
from server.store.uow import SqlStore
from server.web import fanout, headers, socket_json
from server.web.context import Wiring
from server.web.security import PrincipalCache

log = logging.getLogger(__name__)


class IdConverter(IntegerConverter):
    """``<int:…>`` in routes: ids up to MAX_ID. A larger one names nothing (404) instead of
    overflowing the database's integer (a 500)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class JsonRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        raise InvalidInput("invalid_json", "the body is not valid JSON", None).as_bad_request()


class NoSessions(SessionInterface):
    """BranchQ keeps nothing in cookies (staff and devices send bearer tokens): no request
    reads or signs a session cookie. Flask's signed-cookie session built its signer on every
    request, a kiosk's ticket included (3% of the worker)."""

    def open_session(self, app: Any, request: Any) -> Any:
        return self.make_null_session(app)

    def save_session(self, app: Any, session: Any, response: Any) -> None:  # pragma: no cover - never called
        return None


def async_mode() -> str:
    """gevent once ``branchq serve`` has patched the process for it (server/launch.py), else
    threads (tests and tools that build the app in-process)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def offloader(mode: str) -> Callable[..., Any]:
    """Under gevent, CPU-heavy calls that release the GIL (scrypt) run on gevent's thread
    pool: the loop keeps serving everyone else meanwhile."""
    if mode != "gevent":
        return lambda function, *args: function(*args)
    from gevent.threadpool import ThreadPool

    pools: list[ThreadPool] = []

    def offload(function: Callable[..., Any], *args: Any) -> Any:
        # Made on first use, in the worker: a pool's threads do not survive gunicorn's fork.
        if not pools:
            pools.append(ThreadPool(4))
        return pools[0].apply(function, args)

    return offload


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None) -> APIFlask:
    settings = settings or Settings.from_env()
    app = APIFlask(
        __name__,
        title="BranchQ",
        version="1",
        spec_path="/api/v1/openapi.json",
        docs_path=None,  # served by pages.api_docs: apiflask's page starts Swagger UI inline
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=256 * 1024,
        VALIDATION_ERROR_STATUS_CODE=422,
        SYNC_LOCAL_SPEC=False,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    app.request_class = JsonRequest
    app.session_interface = NoSessions()
    app.url_map.converters["int"] = IdConverter
    app.security_schemes = {"BearerAuth": {"type": "http", "scheme": "bearer"}}
    app.json.sort_keys = False  # type: ignore[attr-defined]

    engine = make_engine(settings.database_url, busy_timeout=settings.db_busy_timeout)
    store = SqlStore(engine)
    channels: dict[str, fanout.Channel] = {}
    mode = async_mode()
    socketio = SocketIO(
        async_mode=mode,
        # Events go out through fanout (one frame per event for every screen), via Redis
        # to every server process when there are several.
        client_manager=fanout.client_manager(settings.message_queue, channels),
        cors_allowed_origins="*",
        # Generous: a busy client answering pings late must not be dropped (events sent to a
        # socket past its ping timeout are discarded); screens resync on reconnect anyway.
        ping_interval=20,
        ping_timeout=30,
        # event data is parsed with the same limits as HTTP bodies
        json=socket_json,
    )

    def emit(branch_id: int, events: list[tuple[str, dict[str, Any]]]) -> None:
        socketio.server.manager.emit_in_order(events, "/", protocol.branch_room(branch_id))

    relay = OutboxRelay(store, emit, shared=bool(settings.message_queue))
    offload = offloader(mode)
    deps = Deps(
        store=store,
        clock=clock or utcnow,
        publish=relay.request,
        token_ttl_seconds=settings.token_ttl_seconds,
        offload=offload,
        forecasts=BranchForecasts(offload=offload),
        secret_key=settings.secret_key,
    )
    wiring = Wiring(deps=deps, settings=settings, socketio=socketio, relay=relay, websockets=channels)
    app.extensions["branchq"] = wiring
    app.extensions["branchq_principals"] = PrincipalCache(ttl=settings.principal_cache_seconds)

    _register_web(app, wiring)
    socketio.init_app(app)
    fanout.install(socketio.server.eio, channels, mode)
    headers.install(app)  # outermost, so Socket.IO's responses carry them too
    if mode == "gevent":
        from server.web.serving import TakeTurns

        app.wsgi_app = TakeTurns(app.wsgi_app)  # type: ignore[method-assign]
    _register_realtime(app, wiring)
    _trust_proxies(app, settings.trusted_proxies)
    return app


def _trust_proxies(app: APIFlask, hops: int) -> None:
    """Behind nginx the connecting address is the proxy's: every client would share one rate
    limit. Werkzeug's ProxyFix takes the client's address (and scheme) from the last ``hops``
    X-Forwarded-* entries, which those proxies wrote; anything a client wrote before them is
    ignored. Wrapped outside the Socket.IO middleware so sockets see the same address."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _register_web(app: APIFlask, wiring: Wiring) -> None:
    from server.web import (
        api_alerts,
        api_booking,
        api_floor,
        api_languages,
        api_lobby,
        api_misc,
        api_queue,
        api_setup,
        api_stats,
        pages,
    )
    from server.web.api_remote import register_remote
    from server.web.errors import register_error_handlers
    from server.web.input_guard import refuse_unstorable_input
    from server.web.printing import PrintJobs
    from server.web.speech import Announcer

    register_error_handlers(app)
    app.before_request(api_floor.allow_image_upload)  # before anything looks at the body's size
    app.before_request(refuse_unstorable_input)
    # Redis away: limits are counted in this process meanwhile (logged), not every public route a 500
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[],
        storage_uri=wiring.settings.ratelimit_storage,
        in_memory_fallback_enabled=True,
    )
    app.extensions["limiter"] = limiter
    blueprints = (
        api_setup,
        api_queue,
        api_misc,
        api_booking,
        api_stats,
        api_alerts,
        api_languages,
        api_floor,
        api_lobby,
        pages,
    )
    for bp in (*(module.bp for module in blueprints), *pages.terminal_pages):
        app.register_blueprint(bp)
    _limit_public_routes(app, limiter)
    register_remote(app, limiter, _holds_valid_token)
    speech_cache = wiring.settings.speech_cache_dir or wiring.settings.instance_dir / "speech"
    wiring.speech = Announcer(speech_cache, wiring.settings.speech_engine, process_only=async_mode() == "gevent")
    wiring.print_jobs = PrintJobs(wiring)


def _limit_public_routes(app: APIFlask, limiter: Limiter) -> None:
    """Public routes are rate limited per client; staff and devices holding a valid token are not.

    Login is limited whatever the request carries: a made-up bearer token must not buy
    unlimited guesses. flask-limiter enforces a limit through the wrapper it returns, so the
    registered view is replaced by that wrapper.
    """
    for endpoint, rule, exempt in (
        ("setup.login", "10/minute;60/hour", None),
        ("queue.get_ticket", "120/minute", _holds_valid_token),
        ("misc.announcement_audio", "240/minute", _holds_valid_token),
        ("misc.prompt_audio", "240/minute", _holds_valid_token),
        ("floor.get_media", "240/minute", _holds_valid_token),
    ):
        wrapped = limiter.limit(rule, exempt_when=exempt)(app.view_functions[endpoint])
        app.view_functions[endpoint] = wrapped  # type: ignore[assignment]


def _holds_valid_token() -> bool:
    from server.web.security import current_principal

    try:
        return current_principal() is not None
    except DomainError:  # unknown, revoked or expired: limited like anyone else
        return False


def _register_realtime(app: APIFlask, wiring: Wiring) -> None:
    from server.web.admission import Admission
    from server.web.holders import HolderUpdates
    from server.web.realtime import BranchNamespace
    from server.web.revocation import Revocations

    settings = wiring.settings
    wiring.admission = Admission(
        wiring.socketio,
        max_per_ip=settings.max_connections_per_ip,
        max_per_credential=settings.max_connections_per_credential,
        join_timeout=settings.join_timeout_seconds,
    )
    wiring.admission.install()
    namespace = BranchNamespace(wiring)
    wiring.socketio.on_namespace(namespace)
    wiring.holder_updates = HolderUpdates(wiring, namespace)
    app.extensions["branchq_namespace"] = namespace
    cache = app.extensions["branchq_principals"]
    app.extensions["branchq_revocations"] = Revocations(cache, namespace, wiring.settings.message_queue)


def start_background(app: APIFlask) -> None:
    """Long-running helpers of a serving process (not started by tests that only use the client)."""
    wiring: Wiring = app.extensions["branchq"]
    wiring.relay.start_pusher()
    wiring.socketio.start_background_task(wiring.holder_updates.run)
    wiring.socketio.start_background_task(wiring.admission.sweep_forever)
    wiring.socketio.start_background_task(app.extensions["branchq_revocations"].listen)
    from server.scheduler import start_scheduler

    start_scheduler(wiring)
    threading.Thread(target=_periodic_flush, args=(wiring,), daemon=True, name="outbox-flush").start()


def _periodic_flush(wiring: Wiring) -> None:
    """Events committed by a process that died before pushing them still go out; old ones are pruned."""
    rounds = 0
    while True:
        wiring.socketio.sleep(2.0)
        rounds += 1
        try:
            wiring.relay.flush_all()
            wiring.deps.offload(wiring.deps.store.checkpoint)
            if rounds % 5 == 0:  # every 10 s, well inside the 60 s device heartbeat
                _devices_seen(wiring)
            if rounds % 300 == 0:  # every ten minutes
                wiring.relay.prune_all(wiring.settings.events_kept)
        except Exception:
            log.exception("periodic outbox flush failed")


def _devices_seen(wiring: Wiring) -> None:
    from server.services import devices, presence

    namespace = wiring.holder_updates.namespace
    devices.seen(wiring.deps, namespace.connected_devices())
    presence.beat(wiring.deps, namespace.connected_parts())
