"""The one-frame fan-out (server/web/fanout.py): valid frames, order per socket, stalled peers."""

from __future__ import annotations

import os
import resource
import socket
import threading
import time

import pytest
import requests
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import TextMessage

from server.web import fanout
from server.web.fanout import SWITCH, Channel, text_frame
from tests.realtime.support import Screen
from tests.realtime.test_real_clients import seed
from tests.support.live import LiveServer


def client_reads(data: bytes) -> list[str]:
    """What a websocket client (wsproto, the library simple-websocket builds on) makes of ``data``."""
    client = Connection(ConnectionType.CLIENT)
    client.receive_data(data)
    return [event.data for event in client.events() if isinstance(event, TextMessage)]


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 200_000])
def test_a_frame_reads_back_as_the_same_text_message_at_every_length_encoding(size):
    text = ("42" + '["ticket_called",{"number":"A017","counter":"三号窗口"}]' * (size // 50 + 1))[:size]
    assert client_reads(text_frame(text)) == [text]


def test_the_switch_marker_reads_as_an_engineio_noop_wherever_it_ends_up():
    assert SWITCH == "6" and type(SWITCH) is not str


@pytest.fixture(params=["low descriptor", "descriptor past 1024"])
def pair(request):
    server_side, client_side = socket.socketpair()
    if request.param == "descriptor past 1024":
        # A busy server has over 1024 descriptors open: past what select() can watch.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard <= 1500:
            pytest.skip(f"cannot open descriptor 1500: hard limit {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
        os.dup2(server_side.detach(), 1500)
        server_side = socket.socket(fileno=1500)
    server_side.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    client_side.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    yield server_side, client_side
    server_side.close()
    client_side.close()


def read_all(sock: socket.socket, size: int) -> bytes:
    sock.settimeout(10)
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(65536)
        assert chunk, "peer closed early"
        data += chunk
    return bytes(data)


@pytest.mark.parametrize("timeout", [None, 30.0], ids=["blocking socket", "socket with a timeout"])
def test_a_stalled_peer_never_blocks_the_writer_and_later_gets_every_frame_in_order(pair, timeout):
    server_side, client_side = pair
    server_side.settimeout(timeout)
    channel = Channel(server_side)
    frames = [text_frame(f'42["ticket_called",{{"seq":{i}}}]' + "x" * 500) for i in range(2000)]
    done = threading.Event()

    def fan_out_while_nobody_reads() -> None:
        for frame in frames:  # ~1 MB: far past what the socket buffers hold
            channel.write(frame)
        done.set()

    threading.Thread(target=fan_out_while_nobody_reads, daemon=True).start()
    # A blocking write would wait here for a reader that never comes.
    assert done.wait(10), "the writer blocked on a peer that does not read"
    assert channel.backlog, "the socket took everything: the test did not stall the peer"
    expected = b"".join(frames)
    assert read_all(client_side, len(expected)) == expected
    assert client_reads(expected)[-1].startswith('42["ticket_called",{"seq":1999}')


def test_a_screen_that_stops_reading_is_cut_off_once_its_backlog_outgrows_the_cap(pair, monkeypatch):
    monkeypatch.setattr(fanout, "MAX_BACKLOG_BYTES", 64 * 1024)
    server_side, client_side = pair
    channel = Channel(server_side)
    frame = text_frame("42" + "x" * 1000)
    with pytest.raises(BrokenPipeError):
        for _ in range(1000):  # ~1 MB for a peer that reads nothing
            channel.write(frame)
    assert channel.closed and not channel.backlog
    client_side.settimeout(10)
    while client_side.recv(65536):  # what was already sent, then the end of the connection
        pass


class EngineQueue(list[object]):
    """Engine.IO's send queue, as the channel sees it: what was put there."""

    def put(self, item: object) -> None:
        self.append(item)


def test_frames_fanned_out_before_the_engine_writer_catches_up_wait_behind_it(pair):
    server_side, client_side = pair
    channel = Channel(server_side)
    engine_queue = EngineQueue()
    channel.fan_out(text_frame("42[1]"), engine_queue)
    channel.fan_out(text_frame("42[2]"), engine_queue)
    assert len(engine_queue) == 1, "one marker per socket, behind what the engine holds"
    channel.write(text_frame("42[0]"))  # the engine writer sends what it held...
    channel.switch()  # ...then reaches the marker
    channel.fan_out(text_frame("42[3]"), engine_queue)
    expected = b"".join(text_frame(f"42[{i}]") for i in range(4))
    assert read_all(client_side, len(expected)) == expected
    assert len(engine_queue) == 1


def test_a_fan_out_goes_direct_at_once_only_while_the_engine_writer_is_idle(pair):
    """Under gevent the writer says when it holds and sends nothing: no marker is needed then."""
    server_side, client_side = pair
    channel = Channel(server_side)
    engine_queue = EngineQueue()
    busy = [True]
    channel.writer_idle = lambda: not busy[0]
    channel.fan_out(text_frame("42[1]"), engine_queue)  # the writer is sending: wait behind it
    assert engine_queue and not channel.direct
    channel.write(text_frame("42[0]"))
    channel.switch()
    other_side, other_peer = socket.socketpair()
    other = Channel(other_side)
    other.writer_idle = lambda: True
    other.fan_out(text_frame("42[9]"), engine_queue)
    assert other.direct and len(engine_queue) == 1, "an idle writer: straight out, no marker"
    busy[0] = False
    channel.fan_out(text_frame("42[2]"), engine_queue)
    expected = b"".join(text_frame(f"42[{i}]") for i in (0, 1, 2))
    assert read_all(client_side, len(expected)) == expected
    assert read_all(other_peer, len(text_frame("42[9]"))) == text_frame("42[9]")
    other_side.close()
    other_peer.close()


def test_a_dead_peer_makes_writes_fail_instead_of_hanging(pair):
    server_side, client_side = pair
    channel = Channel(server_side)
    client_side.close()
    time.sleep(0.05)
    with pytest.raises(OSError):
        for _ in range(10):
            channel.write(text_frame("42[1]"))


@pytest.mark.slow
def test_screens_that_upgrade_from_polling_mid_stream_see_every_event_in_seq_order(tmp_path, database_url):
    """Browsers start on long-polling and upgrade while events keep flowing: events queued
    for the old transport and frames fanned out directly afterwards meet on one socket.
    (The race itself is narrow; the channel test above pins the rule down.)"""
    b = seed(database_url, tmp_path)["branch"]
    server = LiveServer(tmp_path / "instance", database_url).start()
    stop = threading.Event()

    def kiosk() -> None:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {b.tokens['kiosk']}"
            while not stop.is_set():
                http.post(
                    f"{server.url}/api/v1/branches/{b.id}/tickets", json={"service_id": b.services["A"]}, timeout=30
                ).raise_for_status()

    try:
        flow = threading.Thread(target=kiosk)
        flow.start()
        screens = []
        for _ in range(6):
            screens.append(Screen(server.url, b.tokens["display"], b.id).connect(("polling", "websocket")))
            time.sleep(0.1)
        time.sleep(1.0)
        stop.set()
        flow.join()
        last = requests.get(
            f"{server.url}/api/v1/branches/{b.id}/queue", headers={"Authorization": f"Bearer {b.tokens['display']}"}
        ).json()["seq"]
        # Every screen's websocket goes through a fan-out channel (the hook into Engine.IO is live).
        assert requests.get(f"{server.url}/healthz", timeout=10).json()["websockets"] == len(screens)
        for screen in screens:
            assert screen.wait_for_seq(last)
            assert screen.client.transport() == "websocket"
            seqs = screen.new_wire_seqs()
            assert seqs == list(range(screen.snapshot_seq + 1, last + 1)), "an event overtook another on the wire"
            screen.close()
    finally:
        stop.set()
        server.stop()
