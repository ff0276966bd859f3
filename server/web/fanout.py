"""One event to many websockets in one pass, from the thread that emits it.

Flask-SocketIO's threading mode gives each websocket its own writer thread: an event for
200 screens wakes 200 threads that take turns on the GIL, about 0.1 ms each, so the last
screen heard of a call 20-40 ms after the first. Frames from server to client are not
masked, so an event is the same bytes for every screen: :class:`FanoutManager` builds
the frame once and writes it to every upgraded websocket without blocking
(``MSG_DONTWAIT``). A socket that cannot take a frame at once (a stalled screen) keeps
the rest in its :class:`Channel` backlog, written by a drainer thread, and everything
for that socket waits behind it: per socket, bytes always go out whole and in order.

Sockets still on long-polling, or in the middle of an upgrade, take the normal path.
When a websocket gets its first direct frame, a marker is queued behind whatever
Engine.IO's writer still holds for it; frames fanned out meanwhile wait in the channel
and go out when the writer reaches the marker, so nothing overtakes an earlier event.

The hooks are python-engineio's websocket class (``_async['websocket']``, how the
threading driver plugs simple-websocket in) and python-socketio's client manager. Under
gevent, two more keep an idle websocket to one greenlet: Engine.IO's send queue class
(``_async['queue']``) and the engine server's ``start_background_task``, for its writer and
pinger (``_greenlets_only_when_due``).
"""

from __future__ import annotations

import contextlib
import logging
import random
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import simple_websocket
import socketio
from engineio import packet as eio_packet
from engineio import socket as eio_socket
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from socketio import packet
from wsproto.utilities import LocalProtocolError

log = logging.getLogger(__name__)

# A stalled socket whose backlog cannot move for this long, or grows past this size, is
# shut down; the client reconnects and resyncs from its seq.
STALL_SECONDS = 60.0
MAX_BACKLOG_BYTES = 8 * 1024 * 1024


def text_frame(text: str) -> bytes:
    """One unmasked, unfragmented websocket text frame (RFC 6455 5.2), as a server sends it.

    Sent uncompressed even where permessage-deflate was agreed, which RFC 7692 allows
    (RSV1 clear) and which leaves the connection's compression context untouched.
    """
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


def _ready(sock: Any, event: int, timeout: float, *, if_closed: bool) -> bool:
    """Whether ``sock`` is ready for ``event`` (POLLIN, POLLOUT) within ``timeout`` seconds.
    poll, not select: a busy server's descriptors pass select's limit of 1024."""
    poller = select.poll()
    try:
        poller.register(sock, event)
        return any(mask & event for _fd, mask in poller.poll(timeout * 1000))
    except (OSError, ValueError):  # closed under us
        return if_closed


# a hang-up or error is ready to read too: the read then says what happened
_READABLE = select.POLLIN | select.POLLHUP | select.POLLERR


def _writable(sock: socket.socket, timeout: float) -> bool:
    return _ready(sock, select.POLLOUT, timeout, if_closed=False)


class _Switch(str):
    """Queued behind Engine.IO's pending packets; reads as a NOOP packet ("6") anywhere else."""


SWITCH = _Switch(eio_packet.Packet(eio_packet.NOOP).encode())


class _SwitchPacket(eio_packet.Packet):  # type: ignore[misc]
    def encode(self, b64: bool = False) -> str:
        return SWITCH


class Channel:
    """Every byte written to one websocket connection goes through here, in order."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        # a gevent socket (the gevent server): sends take gevent's per-call timeout instead of flags
        self.cooperative = type(sock).__module__.startswith("gevent")
        self.lock = threading.Lock()
        self.backlog: deque[memoryview] = deque()
        self.backlog_bytes = 0
        self.closed = False
        self.direct = False  # fan-out frames go straight out (the writer reached the marker)
        self.switching = False  # the marker is queued; fan-out frames wait in ``early``
        self.early: list[bytes] = []
        # Under gevent, Engine.IO's writer says when it holds nothing and sends nothing
        # (:class:`_LazyWriter`): then the first fan-out goes direct without a marker.
        self.writer_idle: Callable[[], bool] | None = None

    # --- any writer ---------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        with self.lock:
            self._write_locked(data)

    def _write_locked(self, data: bytes) -> None:
        if self.closed:
            # BrokenPipeError: what simple-websocket's close() expects from a dead socket
            raise BrokenPipeError("websocket closed")
        if self.backlog:
            self.backlog.append(memoryview(data))
            self.backlog_bytes += len(data)
            if self.backlog_bytes > MAX_BACKLOG_BYTES:
                log.info("websocket backlog past %d bytes; shutting it down", MAX_BACKLOG_BYTES)
                self._shutdown_locked()
            return
        try:
            sent = self._send_now(data) if self._writable_now() else 0
        except BlockingIOError:
            sent = 0
        except OSError:
            self.closed = True
            raise
        if sent < len(data):
            self.backlog.append(memoryview(data)[sent:])
            self.backlog_bytes = len(data) - sent
            threading.Thread(target=self._drain, daemon=True, name="websocket-drain").start()

    def _send_now(self, data: bytes | memoryview) -> int:
        if self.cooperative:
            # gevent's socket waits for room on EAGAIN unless told not to for this call
            return int(self.sock.send(data, 0, timeout=0.0))  # type: ignore[call-arg]
        return self.sock.send(data, socket.MSG_DONTWAIT)

    def _writable_now(self) -> bool:
        if self.cooperative:
            return True
        # A socket with a timeout makes Python wait (up to the timeout) for room before any
        # send, whatever the flags: ask first. Blocking sockets, the usual case, skip this.
        if self.sock.gettimeout() is None:
            return True
        return _writable(self.sock, 0)

    def _drain(self) -> None:
        """Write the backlog as the peer makes room; the only writer while there is one."""
        stalled_since = time.monotonic()
        while True:
            with self.lock:
                if self.closed or not self.backlog:
                    self.backlog.clear()
                    self.backlog_bytes = 0
                    return
            if _writable(self.sock, 1.0):
                stalled_since = time.monotonic()
                with self.lock:
                    self._send_backlog_locked()
            elif time.monotonic() - stalled_since > STALL_SECONDS:
                log.info("websocket stalled for %.0f s; shutting it down", STALL_SECONDS)
                self._shutdown()

    def _send_backlog_locked(self) -> None:
        try:
            while self.backlog and not self.closed:
                chunk = self.backlog[0]
                sent = self._send_now(chunk) if self._writable_now() else 0
                self.backlog_bytes -= sent
                if sent < len(chunk):
                    self.backlog[0] = chunk[sent:]
                    return
                self.backlog.popleft()
        except BlockingIOError:
            pass
        except OSError:
            self.closed = True

    def _shutdown(self) -> None:
        with self.lock:
            self._shutdown_locked()

    def _shutdown_locked(self) -> None:
        self.closed = True
        self.backlog.clear()
        self.backlog_bytes = 0
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the reader: Engine.IO closes the session

    def close(self) -> None:
        with self.lock:
            self.closed = True

    # --- fan-out ------------------------------------------------------------------------
    def fan_out(self, frame: bytes, engine_queue: Any) -> None:
        """Write ``frame`` now, or once Engine.IO's writer has sent what ``engine_queue`` holds."""
        with self.lock:
            if not self.direct and not self.switching and self.writer_idle is not None and self.writer_idle():
                # Nothing of Engine.IO's is queued or on its way: nothing to wait behind. (The
                # marker's round trip cost 5,000 screens a task each on the first call: 373 ms.)
                self.direct = True
            if self.direct:
                self._write_locked(frame)
                return
            self.early.append(frame)
            if not self.switching:
                self.switching = True
                engine_queue.put(_SwitchPacket(eio_packet.NOOP))

    def switch(self) -> None:
        """Engine.IO's writer reached the marker: all it held is out; go direct from now."""
        with self.lock:
            early, self.early = self.early, []
            self.direct = True
            for frame in early:
                self._write_locked(frame)


class _ChannelSocket:
    """Stands in for the connection's socket inside simple-websocket: sends go via the channel."""

    def __init__(self, channel: Channel, *, borrowed: bool = False) -> None:
        self._channel = channel
        self._borrowed = borrowed  # the server's own socket: it closes it, we only hang up

    def send(self, data: bytes) -> int:
        self._channel.write(data)
        return len(data)

    def sendall(self, data: bytes) -> None:
        self._channel.write(data)

    def close(self) -> None:
        self._channel.close()
        if self._borrowed:
            with contextlib.suppress(OSError):
                self._channel.sock.shutdown(socket.SHUT_RDWR)
            return
        self._channel.sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._channel.sock, name)


class _NoReaderThread:
    """simple-websocket's reader thread, never started: :class:`InlineServer` reads in the
    handler's own greenlet (or thread), which waits for the next message anyway."""

    name = "(_thread)"  # simple-websocket renames its reader

    def __init__(self, target: Any) -> None:
        self.target = target

    def start(self) -> None:
        pass


class InlineServer(simple_websocket.Server):  # type: ignore[misc]
    """simple-websocket's server that reads when it is asked for a message.

    Its own design starts a reader per connection that parses frames into a buffer and
    wakes the handler; Engine.IO's handler does nothing but wait for that buffer. Reading
    in the handler instead saves a blocked greenlet (8 KiB) or thread per websocket.
    """

    def __init__(self, environ: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(environ, **(kwargs | {"thread_class": _NoReaderThread}))
        self.environ: dict[str, Any] = {}  # read by the handshake only; not kept for the connection's life
        self.hung_up = False

    def receive(self, timeout: float | None = None) -> Any:
        while self.connected and not self.input_buffer:
            if timeout is not None and not _ready(self.sock, _READABLE, timeout, if_closed=True):
                return None
            self._read_once()
        if self.input_buffer:
            return self.input_buffer.pop(0)
        raise simple_websocket.ConnectionClosed(self.close_reason, self.close_message)

    def _read_once(self) -> None:
        """One pass of simple-websocket's reader loop (``Base._thread``)."""
        try:
            data = self.sock.recv(self.receive_bytes)
            if not data:
                raise OSError("peer closed")
            self.ws.receive_data(data)
            self.connected = self._handle_events()
        except (OSError, LocalProtocolError):
            self.connected = False
        if not self.connected and not self.hung_up:
            self.hung_up = True
            self.sock.close()  # as the reader does on its way out


def _without_compression(environ: dict[str, Any]) -> dict[str, Any]:
    """The handshake's headers, without the client's offer of permessage-deflate.

    Every browser offers it, and simple-websocket accepts it: each connection then keeps a
    zlib compressor and decompressor for its life, ~90 KiB more per idle phone (162 instead
    of 69 KiB measured), to shrink Socket.IO messages of a few hundred bytes. Fan-out frames
    went out uncompressed anyway. Declining is the RFC 7692 way: the server just leaves the
    extension out of its answer.
    """
    return {k: v for k, v in environ.items() if k != "HTTP_SEC_WEBSOCKET_EXTENSIONS"}


class ChannelWebSocket(SimpleWebSocketWSGI):  # type: ignore[misc]
    """Engine.IO's threading websocket, with every write going through a :class:`Channel`."""

    def __init__(self, channels: dict[str, Channel], handler: Any, server: Any, **kwargs: Any) -> None:
        super().__init__(handler, server, **kwargs)
        self.channels = channels
        self.channel: Channel | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        # gevent's WSGI server (gunicorn's gevent_pywsgi worker) names the connection's socket
        # gunicorn.sock. Handed over as gunicorn.socket, simple-websocket works on it as it is
        # instead of a duplicate: one descriptor per websocket, not two (the open-files limit
        # is what caps connections per process).
        pywsgi = "gunicorn.sock" in environ and "gunicorn.socket" not in environ
        handshake = _without_compression(environ)
        if pywsgi:
            handshake["gunicorn.socket"] = environ["gunicorn.sock"]
        self.ws = InlineServer(handshake, **self.server_args)
        if pywsgi:
            # Closing the request's input frees its 8 KiB buffer for the websocket's life and
            # ends gevent's keep-alive loop once we return: nothing is read as HTTP again.
            given = environ["wsgi.input"]
            getattr(given, "rfile", given).close()
        self.channel = Channel(self.ws.sock)
        self.ws.sock = _ChannelSocket(self.channel, borrowed=pywsgi)
        self.engine_socket: Any = getattr(self.app, "__self__", None)
        sid = getattr(self.engine_socket, "sid", None)
        if sid is not None:
            self.channels[sid] = self.channel
        handler = threading.get_ident()
        _opening[handler] = self
        try:
            ret = self.app(self)
        finally:
            _opening.pop(handler, None)
            queue: Any = getattr(self.engine_socket, "queue", None)
            if getattr(queue, "on_put", None) is not None:
                queue.on_put = None  # closed for good: no cycle left for the full collection
            if sid is not None and self.channels.get(sid) is self.channel:
                del self.channels[sid]
            self.channel.close()
        if pywsgi or self.ws.mode == "gevent":
            return []
        if self.ws.mode == "gunicorn":
            raise StopIteration()
        if self.ws.mode == "werkzeug":
            raise ConnectionError()
        return ret

    def send(self, message: Any) -> Any:
        if isinstance(message, _Switch) and self.channel is not None:
            self.channel.switch()
            return None
        return super().send(message)


class FanoutMixin(socketio.Manager):  # type: ignore[misc]
    """Emits to rooms by writing one shared frame to each upgraded websocket."""

    channels: dict[str, Channel]

    def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> Any:
        room = to or room
        if callback is not None or namespace not in self.rooms:
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(packet.EVENT, namespace=namespace, data=[event, *args]).encode()
        if isinstance(encoded, list):  # binary attachments: the ordinary path
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        self._deliver([eio_packet.Packet(eio_packet.MESSAGE, encoded)], namespace, room, skip)
        return None

    def emit_in_order(self, events: list[tuple[str, Any]], namespace: str, room: str) -> None:
        """One flush of a branch's events, in order: each upgraded websocket gets all their
        frames in one write (a call is three or four events; one send each cost every screen
        three or four system calls), the others get them one by one."""
        if namespace not in self.rooms:
            return
        packets = []
        for event, data in events:
            encoded = self.server.packet_class(packet.EVENT, namespace=namespace, data=[event, data]).encode()
            if isinstance(encoded, list):  # binary attachments: the ordinary path, event by event
                for name, payload in events:
                    self.emit(name, payload, namespace, room=room)
                return
            packets.append(eio_packet.Packet(eio_packet.MESSAGE, encoded))
        self._deliver(packets, namespace, room, [])

    def _deliver(self, packets: list[Any], namespace: str, room: Any, skip: list[Any]) -> None:
        """``packets`` to every member of ``room``: one write of their frames to each upgraded
        websocket, Engine.IO's own path for the others."""
        frames = b"".join(text_frame(p.encode()) for p in packets)
        engine = self.server.eio
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            channel = self.channels.get(eio_sid)
            eio_socket = engine.sockets.get(eio_sid)
            if channel is None or eio_socket is None or not eio_socket.upgraded or eio_socket.closed:
                for eio_pkt in packets:
                    self.server._send_eio_packet(eio_sid, eio_pkt)
                continue
            # A closing socket raises OSError: Engine.IO ends the session; the screen resyncs.
            with contextlib.suppress(OSError):
                channel.fan_out(frames, eio_socket.queue)


class FanoutManager(FanoutMixin):
    def __init__(self, channels: dict[str, Channel]) -> None:
        super().__init__()
        self.channels = channels


class FanoutRedisManager(socketio.RedisManager, FanoutMixin):  # type: ignore[misc]
    """Events from every process arrive through Redis; each fans out to its own sockets."""

    def __init__(self, url: str, channels: dict[str, Channel], **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.channels = channels

    def emit_in_order(self, events: list[tuple[str, Any]], namespace: str, room: str) -> None:
        # through Redis, event by event: every process fans each out to its own sockets
        for event, data in events:
            self.emit(event, data, namespace, room=room)


def client_manager(message_queue: str | None, channels: dict[str, Channel]) -> socketio.Manager:
    if message_queue:
        return FanoutRedisManager(message_queue, channels, channel="flask-socketio")
    return FanoutManager(channels)


def install(engine_server: Any, channels: dict[str, Channel], mode: str = "threading") -> None:
    """Make ``engine_server`` (python-engineio) open websockets through channels."""
    cooperative: dict[str, Any] = {}
    if mode == "gevent":
        # what python-engineio's gevent driver hands simple-websocket
        import gevent.event
        import gevent.selectors
        from engineio.async_drivers.gevent import Thread

        cooperative = {
            "thread_class": Thread,
            "event_class": gevent.event.Event,
            "selector_class": gevent.selectors.DefaultSelector,
        }

    def websocket(handler: Any, server: Any, **kwargs: Any) -> ChannelWebSocket:
        return ChannelWebSocket(channels, handler, server, **(cooperative | kwargs))

    engine_server._async = {**engine_server._async, "websocket": websocket}
    if mode == "gevent":
        _greenlets_only_when_due(engine_server)


# The earliest a ping comes, as a share of the interval (clients wait interval + timeout)
PING_SPREAD = 0.8
# Engine.IO's websocket writer, found by name where its handler starts it
_WRITER = "Socket._websocket_handler.<locals>.writer"
# Each ChannelWebSocket by the thread (greenlet) running its handler
_opening: dict[int, ChannelWebSocket] = {}


def _greenlets_only_when_due(engine_server: Any) -> None:
    """Per websocket, Engine.IO keeps two tasks asleep for the connection's whole life: a
    writer blocked on its send queue, and a pinger sleeping the ping interval. Under gevent
    each is a greenlet (~8 KiB of saved stack and frames, measured). Here neither waits:
    the ping is a timer (~0.3 KiB) that starts a task when due, and the writer a task that
    the send queue starts when a packet arrives (:class:`_LazyWriter`); both end when done.
    """
    import gevent
    import gevent.queue

    class WakingQueue(gevent.queue.JoinableQueue):  # type: ignore[misc]
        """Engine.IO's send queue, which tells its websocket's writer when a packet comes."""

        on_put: Any = None

        def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
            super().put(item, block, timeout)
            if self.on_put is not None:
                self.on_put()

    start = engine_server.start_background_task
    # Found by name (python-engineio 4.x); under another name, Engine.IO's own task runs
    send_ping = getattr(eio_socket.Socket, "_send_ping", None)

    def start_background_task(target: Any, *args: Any, **kwargs: Any) -> Any:
        if send_ping is not None and getattr(target, "__func__", None) is send_ping:
            # Each ping a little early, by chance: sockets opened together (a storm of phones
            # reconnecting after a restart) would otherwise be pinged together every round
            # ever after, hundreds in one turn of the loop, and every request waits for them.
            timer = gevent.get_hub().loop.timer(engine_server.ping_interval * random.uniform(PING_SPREAD, 1.0))
            timer.start(_when_due, timer, target.__self__)
            return timer
        ws = _opening.get(threading.get_ident()) if getattr(target, "__qualname__", "") == _WRITER else None
        if ws is not None and isinstance(ws.engine_socket.queue, WakingQueue):
            return _LazyWriter(ws.engine_socket.queue, ws)
        return start(target, *args, **kwargs)

    engine_server.start_background_task = start_background_task
    engine_server._async = {**engine_server._async, "queue": WakingQueue}


def _when_due(timer: Any, engine_socket: Any) -> None:
    import gevent

    timer.close()
    gevent.spawn(_ping_due, engine_socket)  # not in the hub: a late client's ping closes it


def _ping_due(engine_socket: Any) -> None:
    # python-engineio's Socket._send_ping, after its sleep
    if not engine_socket.closing and not engine_socket.closed:
        engine_socket.last_ping = time.time()
        engine_socket.send(eio_packet.Packet(eio_packet.PING))


class _LazyWriter:
    """Engine.IO's websocket writer (``Socket._websocket_handler``'s ``writer``), run only
    while there is something to send: what is queued goes out in order, and the end of the
    queue (None) closes the websocket, as there."""

    def __init__(self, queue: Any, ws: ChannelWebSocket) -> None:
        import gevent.event

        self.queue = queue
        self.ws = ws
        self.task: Any = None
        self.ended = gevent.event.Event()
        queue.on_put = self.wake
        self.wake()  # what was queued before the upgrade
        if ws.channel is not None:
            ws.channel.writer_idle = self.idle

    def idle(self) -> bool:
        """Nothing queued and no task sending (one may have taken a packet it has not sent yet)."""
        return self.task is None and self.queue.empty()

    def wake(self) -> None:
        if self.task is None:
            import gevent

            # spawned, not run here: a put may come from under a channel's lock
            self.task = gevent.spawn(self._send_queued)

    def _send_queued(self) -> None:
        import gevent.queue

        try:
            while True:
                try:
                    pkt = self.queue.get_nowait()
                except gevent.queue.Empty:
                    return
                self.queue.task_done()
                if self.ended.is_set():
                    continue  # after the end: only let Engine.IO's close() stop waiting
                if pkt is None:
                    self._end()
                    continue
                try:
                    self.ws.send(pkt.encode())
                except Exception:  # as Engine.IO's writer: a failed send ends the connection
                    self._end()
        finally:
            self.task = None

    def _end(self) -> None:
        self.ended.set()
        with contextlib.suppress(Exception):
            self.ws.close()

    def join(self, timeout: float | None = None) -> None:
        self.ended.wait(timeout)
