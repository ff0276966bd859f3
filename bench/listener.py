"""Lightweight subscribers for the broadcast benchmark.

Screens are separate devices; on a 2-core test machine, fifty python-socketio clients (a
thread per socket and per message) would measure the clients more than the server. This
listener speaks just enough Engine.IO 4 / Socket.IO 5 over plain websockets and waits on
all of its sockets with one ``select`` loop, timing each event as it comes off the socket.
"""

from __future__ import annotations

import json
import selectors
import time
from typing import Any

import websocket

from tests.support.swarm import server_frames


def _expect(ws: websocket.WebSocket, prefix: str) -> str:
    while True:
        message = ws.recv()
        if message == "2":  # ping before we are ready
            ws.send("3")
            continue
        if message.startswith(prefix):
            return str(message)


def subscribe(url: str, token: str, branch_id: int) -> websocket.WebSocket:
    ws = websocket.create_connection(url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket", timeout=30)
    _expect(ws, "0")  # Engine.IO open
    ws.send("40" + json.dumps({"token": token}))
    _expect(ws, "40")  # Socket.IO connected
    ws.send("421" + json.dumps(["subscribe", {"branch_id": branch_id}]))
    _expect(ws, "431")  # the ack with the snapshot
    return ws


def listen(sockets: list[websocket.WebSocket], until: Any) -> dict[int, list[float]]:
    """seq -> arrival times of branch events, until ``until()`` is true.

    Reads frames straight off the sockets: websocket-client's own frame reader costs about
    0.2 ms a message, which for fifty sockets in one process would add ten milliseconds
    of the subscribers' time to what is measured.
    """
    arrivals: dict[int, list[float]] = {}
    selector = selectors.DefaultSelector()
    buffers = {ws.sock.fileno(): bytearray() for ws in sockets}
    for ws in sockets:
        ws.sock.setblocking(True)
        selector.register(ws.sock, selectors.EVENT_READ, ws)
    while not until():
        for key, _ in selector.select(timeout=0.2):
            ws = key.data
            chunk = ws.sock.recv(65536)
            at = time.perf_counter()
            buffer = buffers[ws.sock.fileno()]
            buffer += chunk
            for opcode, payload, _compressed in server_frames(buffer):
                if opcode == 0x9:  # websocket ping
                    ws.pong(payload)
                elif opcode == 0x1 and payload == b"2":  # Engine.IO ping
                    ws.send("3")
                elif opcode == 0x1 and payload.startswith(b"42["):
                    _name, data = json.loads(payload[2:])[:2]
                    if isinstance(data, dict) and "seq" in data:
                        arrivals.setdefault(data["seq"], []).append(at)
    return arrivals
