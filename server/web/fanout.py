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
threading driver plugs simple-websocket in) and python-socketio's client manager.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
from collections import deque
from typing import Any

import simple_websocket
import socketio
from engineio import packet as eio_packet
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from socketio import packet

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


def _writable(sock: socket.socket, timeout: float) -> bool:
    """Whether ``sock`` has room to send, waiting up to ``timeout`` seconds. poll, not select:
    a busy server's descriptors pass select's limit of 1024."""
    poller = select.poll()
    try:
        poller.register(sock, select.POLLOUT)
        return any(mask & select.POLLOUT for _fd, mask in poller.poll(timeout * 1000))
    except (OSError, ValueError):  # closed under us
        return False


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
        self.ws = simple_websocket.Server(
            {**environ, "gunicorn.socket": environ["gunicorn.sock"]} if pywsgi else environ, **self.server_args
        )
        if pywsgi:
            # Closing the request's input frees its 8 KiB buffer for the websocket's life and
            # ends gevent's keep-alive loop once we return: nothing is read as HTTP again.
            given = environ["wsgi.input"]
            getattr(given, "rfile", given).close()
        self.channel = Channel(self.ws.sock)
        self.ws.sock = _ChannelSocket(self.channel, borrowed=pywsgi)
        sid = getattr(getattr(self.app, "__self__", None), "sid", None)
        if sid is not None:
            self.channels[sid] = self.channel
        try:
            ret = self.app(self)
        finally:
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
