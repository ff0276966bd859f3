"""Many Socket.IO clients in one process: phones following their tickets, screens, bad tokens.

A real client costs a thread or two per connection; thousands of them would measure the
client more than the server. A swarm speaks just enough Engine.IO 4 / Socket.IO 5 over raw
websockets from one epoll loop: it connects in waves, authenticates, answers pings (so the
server keeps every connection alive), subscribes screens to their branch and stamps each
branch event with the monotonic clock as it comes off the socket (comparable across
processes on one machine).

Run in a process of its own so the server's figures are not the swarm's:

    python -m tests.support.swarm SPEC.json REPORT.json

SPEC: {"url", "clients": [{"auth": {...}, "subscribe": branch_id | null, "count": n,
"deflate": bool}], "wave": sockets opened per step}. ``deflate`` offers permessage-deflate
the way a browser does (every Chromium and Firefox websocket offers it) and inflates what
comes back compressed. It prints ``ready <connected> <refused>`` once every
client is connected or refused, then runs until its standard input closes (or SIGTERM),
and writes REPORT: {"live", "refused", "closed", "pinged" (clients the server pinged),
"compressed" (clients it agreed permessage-deflate with), "arrivals": {seq: [t, …]}}.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import json
import os
import select
import signal
import socket
import sys
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

_MASK = b"\x00\x00\x00\x00"  # clients must mask (RFC 6455 5.3); the server never checks the key


def client_frame(text: str) -> bytes:
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, 0x80 | size))
    elif size < 1 << 16:
        header = bytes((0x81, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 0x80 | 127)) + size.to_bytes(8, "big")
    return header + _MASK + payload


# What Chromium sends with every websocket handshake
BROWSER_EXTENSIONS = "permessage-deflate; client_max_window_bits"


def server_frames(buffer: bytearray) -> list[tuple[int, bytes, bool]]:
    """Complete (opcode, payload, compressed) frames at the front of ``buffer``, removed from it."""
    frames = []
    while len(buffer) >= 2:
        size, start = buffer[1] & 0x7F, 2
        if size == 126:
            size, start = int.from_bytes(buffer[2:4], "big"), 4
        elif size == 127:
            size, start = int.from_bytes(buffer[2:10], "big"), 10
        if len(buffer) < start + size:
            break
        frames.append((buffer[0] & 0x0F, bytes(buffer[start : start + size]), bool(buffer[0] & 0x40)))
        del buffer[: start + size]
    return frames


@dataclass
class Client:
    auth: dict[str, Any] | None  # None: opens Engine.IO and never joins the namespace
    subscribe: int | None
    stay_refused: bool = False  # after a refusal, wait for the server to close the socket
    deflate: bool = False  # offers permessage-deflate as a browser does
    sock: socket.socket | None = None
    # connecting, upgrading, opening, joining, subscribing, live, rejected (refused, still open), refused, closed
    state: str = "connecting"
    inbox: bytearray = field(default_factory=bytearray)
    outbox: bytearray = field(default_factory=bytearray)
    inflater: Any = None  # set once the server agreed to permessage-deflate
    pings: int = 0  # Engine.IO pings the server sent
    watching_out: bool = True  # registered for EPOLLOUT too (while something waits to be sent)


class Swarm:
    def __init__(self, url: str, clients: list[Client], wave: int = 200) -> None:
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.host = parts.netloc
        self.clients = clients
        self.wave = wave
        self.poller = select.epoll()
        self.by_fd: dict[int, Client] = {}
        self.arrivals: dict[int, list[float]] = {}

    # --- connecting -------------------------------------------------------------------
    def _open(self, client: Client) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        error = sock.connect_ex(self.address)
        if error not in (0, errno.EINPROGRESS):
            sock.close()
            client.state = "refused"
            return
        key = base64.b64encode(os.urandom(16)).decode()
        client.outbox += (
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            + (f"Sec-WebSocket-Extensions: {BROWSER_EXTENSIONS}\r\n" if client.deflate else "")
            + "\r\n"
        ).encode()
        client.sock, client.state = sock, "upgrading"
        self.by_fd[sock.fileno()] = client
        self.poller.register(sock.fileno(), select.EPOLLIN | select.EPOLLOUT)

    def settled(self) -> bool:
        return all(c.state in ("live", "refused", "closed") for c in self.clients)

    def connect_all(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.clients)
        while (pending or not self.settled()) and time.monotonic() < deadline:
            in_flight = sum(1 for c in self.clients if c.state not in ("connecting", "live", "refused", "closed"))
            while pending and in_flight < self.wave:
                self._open(pending.pop(0))
                in_flight += 1
            self.step(0.05)

    # --- the loop ---------------------------------------------------------------------
    def step(self, timeout: float) -> None:
        """Take in what every ready socket holds first, then parse it: the time stamped is when
        the bytes reached this client, not when the swarm got round to them after parsing
        thousands of others (a call to 5,000 screens is 5,000 reads and ~15,000 frames)."""
        received: list[tuple[Client, bytes, float]] = []
        ready = self.poller.poll(timeout)
        while ready:
            more = False
            for fd, mask in ready:
                more = self._service(fd, mask, received) or more
            # while bytes keep coming, keep taking them in (bounded: parsing must come too)
            ready = self.poller.poll(0) if more and len(received) < 4 * len(self.clients) + 64 else []
        for client, chunk, at in received:
            if client.sock is not None:
                self._read(client, chunk, at)

    def _service(self, fd: int, mask: int, received: list[tuple[Client, bytes, float]]) -> bool:
        """Flush and take in one ready socket; True when bytes came."""
        client = self.by_fd.get(fd)
        if client is None or client.sock is None:
            return False
        if mask & select.EPOLLOUT and client.outbox:
            self._flush(client)
        chunk = None
        if mask & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR) and client.sock is not None:
            chunk = self._receive(client)
            if chunk is not None:
                received.append((client, chunk, time.monotonic()))
            if chunk == b"":  # closed: parsed later, and no longer ready in the meantime
                with contextlib.suppress(OSError, ValueError):
                    self.poller.unregister(fd)
                return False
        if client.watching_out and not client.outbox and client.state != "upgrading":
            client.watching_out = False
            self.poller.modify(fd, select.EPOLLIN)
        return bool(chunk)

    def _send(self, client: Client, text: str) -> None:
        client.outbox += client_frame(text)
        self._flush(client)

    def _flush(self, client: Client) -> None:
        assert client.sock is not None
        try:
            sent = client.sock.send(client.outbox)
        except BlockingIOError:
            sent = 0
        except OSError:
            self._close(client, "closed")
            return
        del client.outbox[:sent]
        if client.outbox and client.sock is not None and not client.watching_out:
            client.watching_out = True
            self.poller.modify(client.sock.fileno(), select.EPOLLIN | select.EPOLLOUT)

    def _receive(self, client: Client) -> bytes | None:
        """What the socket holds (b"" once the peer closed), None when nothing yet."""
        assert client.sock is not None
        try:
            return client.sock.recv(65536)
        except BlockingIOError:
            return None
        except OSError:
            return b""

    def _read(self, client: Client, chunk: bytes, at: float) -> None:  # noqa: C901 - one reader for every state
        if not chunk:
            self._close(client, "closed" if client.state == "live" else "refused")
            return
        client.inbox += chunk
        if client.state == "upgrading":
            end = client.inbox.find(b"\r\n\r\n")
            if end < 0:
                return
            if not client.inbox.startswith(b"HTTP/1.1 101"):
                self._close(client, "refused")
                return
            if b"permessage-deflate" in bytes(client.inbox[:end]).lower():
                client.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            del client.inbox[: end + 4]
            client.state = "opening"
        for opcode, payload, compressed in server_frames(client.inbox):
            if compressed and client.inflater is not None:  # RFC 7692 7.2.2
                payload = client.inflater.decompress(payload + b"\x00\x00\xff\xff")
            if opcode == 0x8:  # close
                self._close(client, "closed" if client.state == "live" else "refused")
                return
            if opcode == 0x1:
                self._packet(client, payload, at)
            if client.sock is None:
                return

    def _packet(self, client: Client, payload: bytes, at: float) -> None:  # noqa: C901 - the protocol's steps
        if payload == b"2":  # Engine.IO ping
            client.pings += 1
            self._send(client, "3")
        elif payload.startswith(b"0") and client.state == "opening":
            if client.auth is None:
                client.state = "live"
                return
            client.state = "joining"
            self._send(client, "40" + json.dumps(client.auth))
        elif payload.startswith(b"44"):  # connect refused
            if client.stay_refused:
                client.state = "rejected"
            else:
                self._close(client, "refused")
        elif payload.startswith(b"40") and client.state == "joining":
            if client.subscribe is None:
                client.state = "live"
            else:
                client.state = "subscribing"
                self._send(client, "421" + json.dumps(["subscribe", {"branch_id": client.subscribe}]))
        elif payload.startswith(b"431") and client.state == "subscribing":
            client.state = "live"
        elif payload.startswith(b"42["):
            data = json.loads(payload[2:])
            if len(data) > 1 and isinstance(data[1], dict) and "seq" in data[1]:
                self.arrivals.setdefault(int(data[1]["seq"]), []).append(at)
        elif payload.startswith(b"1"):  # Engine.IO close
            self._close(client, "closed" if client.state == "live" else "refused")

    def _close(self, client: Client, state: str) -> None:
        if client.state in ("refused", "closed"):  # already (frames after a close say nothing more)
            return
        if client.sock is not None:
            fd = client.sock.fileno()
            self.by_fd.pop(fd, None)
            with contextlib.suppress(OSError, ValueError):
                self.poller.unregister(fd)
            client.sock.close()
            client.sock = None
        client.state = state

    def counts(self) -> dict[str, int]:
        states = [c.state for c in self.clients]
        counts = {s: states.count(s) for s in ("live", "refused", "closed")}
        pinged = sum(1 for c in self.clients if c.pings)
        return counts | {"pinged": pinged, "compressed": sum(1 for c in self.clients if c.inflater is not None)}


def clients_from_spec(spec: dict[str, Any]) -> list[Client]:
    clients = []
    for group in spec["clients"]:
        for _ in range(int(group.get("count", 1))):
            clients.append(
                Client(
                    auth=group["auth"],
                    subscribe=group.get("subscribe"),
                    stay_refused=bool(group.get("stay_refused")),
                    deflate=bool(group.get("deflate")),
                )
            )
    return clients


def main(spec_path: str, report_path: str) -> None:
    with open(spec_path) as spec_file:
        spec = json.load(spec_file)
    swarm = Swarm(spec["url"], clients_from_spec(spec), wave=int(spec.get("wave", 200)))
    stop = False

    def _stop(*_: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    swarm.connect_all(float(spec.get("connect_timeout", 300)))
    counts = swarm.counts()
    print(f"ready {counts['live']} {counts['refused']}", flush=True)
    os.set_blocking(sys.stdin.fileno(), False)
    swarm.poller.register(sys.stdin.fileno(), select.EPOLLIN)
    while not stop:
        swarm.step(0.5)
        try:
            if sys.stdin.read() == "":  # our parent closed the pipe
                break
        except (BlockingIOError, TypeError):
            pass
    report = swarm.counts() | {"arrivals": swarm.arrivals}
    with open(report_path, "w") as out:
        json.dump(report, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])


class SwarmProcess:
    """A swarm in a child process: ``with SwarmProcess(url, groups) as swarm:`` waits until
    every client is connected or refused; ``swarm.report`` is read once it has stopped."""

    def __init__(self, url: str, groups: list[dict[str, Any]], workdir: Any, *, wave: int = 200) -> None:
        self.spec = {"url": url, "clients": groups, "wave": wave}
        self.workdir = workdir
        self.ready: tuple[int, int] = (0, 0)
        self.report: dict[str, Any] = {}
        self.process: Any = None

    def __enter__(self) -> SwarmProcess:
        import subprocess

        spec_path = os.path.join(self.workdir, f"swarm-{id(self)}.json")
        self.report_path = spec_path.replace(".json", "-report.json")
        with open(spec_path, "w") as out:
            json.dump(self.spec, out)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.swarm", spec_path, self.report_path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline().split()
        if not line or line[0] != "ready":
            raise RuntimeError(f"swarm did not start: {line}")
        self.ready = (int(line[1]), int(line[2]))
        return self

    def __exit__(self, *exc: Any) -> None:
        self.process.stdin.close()
        self.process.wait(60)
        with open(self.report_path) as report:
            self.report = json.load(report)
