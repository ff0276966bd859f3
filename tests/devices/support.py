"""Helpers for device tests: a tiny real Socket.IO server on loopback, sample print jobs, bounded waits."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import socketio
from werkzeug.serving import make_server

from server import protocol
from server.services.views import wait_label
from server.web.ticket_print import print_job, print_languages

KIOSK_TOKEN = "kiosk-token"
DISPLAY_TOKEN = "display-token"
AUDIO = b"RIFF-fake-announcement"
WAIT = 5.0  # seconds: the bound on every wait for a real socket


def wait_for(predicate: Callable[[], Any], timeout: float = WAIT) -> Any:
    """Poll until ``predicate`` is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"condition not met within {timeout} s")


class DeviceServer:
    """Plays the server's device side: accepts kiosk tokens, records what devices send."""

    def __init__(self, port: int = 0, seq: int = 5) -> None:
        self.seq = seq  # the branch's seq in snapshots
        self.sio = socketio.Server(async_mode="threading")
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.devices: list[str] = []
        self.refusals = 0
        self.sio.on("connect", self._connect)
        self.sio.on("disconnect", self._disconnect)
        for event in (protocol.PRINT_RESULT, protocol.PRINTER_STATUS, protocol.SPEECH_STATUS):
            self.sio.on(event, self._recorder(event))
        self.sio.on(protocol.SUBSCRIBE, lambda sid, data: {"snapshot": {"seq": self.seq}})
        self.sio.on(protocol.SYNC, lambda sid, data: {"events": [], "snapshot": {"seq": self.seq}})
        self.audio_requests: list[str] = []
        app = socketio.WSGIApp(self.sio, self._audio)
        self.http = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self.http.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self._thread.start()

    def _connect(self, sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> bool:
        if not auth or auth.get("token") not in (KIOSK_TOKEN, DISPLAY_TOKEN):
            self.refusals += 1
            raise socketio.exceptions.ConnectionRefusedError("bad device token")
        self.devices.append(sid)
        return True

    def _disconnect(self, sid: str, reason: Any = None) -> None:
        if sid in self.devices:
            self.devices.remove(sid)

    def _recorder(self, event: str) -> Callable[[str, dict[str, Any]], None]:
        def record(sid: str, data: dict[str, Any]) -> None:
            self.received.append((event, data))

        return record

    def _audio(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """The announcement audio route: any path answers with a fake WAV and is recorded."""
        self.audio_requests.append(environ["PATH_INFO"] + "?" + environ.get("QUERY_STRING", ""))
        start_response("200 OK", [("Content-Type", "audio/wav")])
        return [AUDIO]

    def call(self, seq: int, number: str = "A017", counter: int = 3, branch_id: int = 1) -> None:
        """Broadcast a ticket_called event to every connected device."""
        audio_url = f"/api/v1/announcements/audio.wav?number={number}&counter={counter}"
        event = {"branch_id": branch_id, "seq": seq, "number": number, "counter_number": counter}
        self.sio.emit(protocol.TICKET_CALLED, event | {"announcement": {"audio_url": audio_url}})

    def send_job(self, job: dict[str, Any]) -> None:
        sid = wait_for(lambda: self.devices and self.devices[-1])
        self.sio.emit(protocol.PRINT_TICKET, job, to=sid)

    def results(self) -> list[dict[str, Any]]:
        return [data for event, data in self.received if event == protocol.PRINT_RESULT]

    def statuses(self) -> list[str]:
        return [data["status"] for event, data in self.received if event == protocol.PRINTER_STATUS]

    def close(self) -> None:
        """Stop like a restarting server: every device connection ends, no new one is accepted."""
        for sid in list(self.devices):
            self.sio.disconnect(sid)
        self.http.shutdown()
        self.http.server_close()
        self._thread.join(WAIT)


def make_job(
    job_id: str = "job-1", number: str = "A017", *, languages: tuple[str, ...] | None = None, **ticket: Any
) -> dict[str, Any]:
    """A print job as the server sends it (``server.web.ticket_print``), by default in zh then en."""
    view = {
        "id": 17,
        "number": number,
        "issued_at": "2024-05-01T01:30:00+00:00",
        "people_ahead": 3,
        "estimated_wait": {"p10": 240, "p50": 480, "p90": 900, "now": False, "label": wait_label(240, 900)},
        "track_url": "/track/17?token=secret",
        "language": "zh",
        **ticket,
    }
    settings = {"screen_languages": list(languages)} if languages else {}
    return print_job(
        job_id,
        view,
        {"name": {"zh": "中山路支行", "en": "Zhongshan Road"}, "timezone": "Asia/Shanghai"},
        {"name": {"zh": "个人业务", "en": "Personal banking"}},
        languages or print_languages(view, settings),
    )


class FakeNetworkPrinter:
    """An ESC/POS printer on a loopback TCP port: answers DLE EOT 1/4 and keeps what it was sent.

    ``online_reply`` / ``paper_reply`` are the status bytes it answers with (None: stay silent).
    """

    ONLINE = b"\x12"  # fixed bits only: on-line
    OFFLINE = b"\x1a"  # bit 3 set: off-line (cover open)
    PAPER_OK = b"\x12"
    PAPER_LOW = b"\x1e"
    PAPER_OUT = b"\x72"

    def __init__(self) -> None:
        self.online_reply: bytes | None = self.ONLINE
        self.paper_reply: bytes | None = self.PAPER_OK
        self.received = bytearray()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}?timeout=0.5"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection: socket.socket) -> None:
        with connection:
            while chunk := connection.recv(65536):
                self.received += chunk
                for request, reply in ((b"\x10\x04\x01", self.online_reply), (b"\x10\x04\x04", self.paper_reply)):
                    if chunk.endswith(request) and reply is not None:
                        connection.sendall(reply)

    def close(self) -> None:
        self._listener.close()
