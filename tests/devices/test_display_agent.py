"""The display agent against a real Socket.IO server on loopback."""

import pytest

from display.agent import AplayPlayer, DisplayAgent
from tests.devices.support import AUDIO, DISPLAY_TOKEN, wait_for


class RecordingPlayer:
    reason = ""

    def __init__(self):
        self.played = []

    def play(self, wav):
        self.played.append(wav)


@pytest.fixture
def speaker(device_server):
    player = RecordingPlayer()
    agent = DisplayAgent(device_server.url, DISPLAY_TOKEN, 1, player)
    agent.start()
    wait_for(lambda: agent.seq == device_server.seq)
    yield player
    agent.stop()


def test_a_call_is_fetched_and_played(device_server, speaker):
    device_server.call(seq=6, number="A017", counter=3)
    assert wait_for(lambda: speaker.played) == [AUDIO]
    assert device_server.audio_requests == ["/api/v1/announcements/audio.wav?number=A017&counter=3"]


def test_a_repeated_event_is_announced_once_but_a_recall_again(device_server, speaker):
    device_server.call(seq=6)
    device_server.call(seq=6)  # the same event delivered twice
    device_server.call(seq=7)  # the recall: a new event
    device_server.call(seq=8, number="A018")
    # one speaker plays in order: once A018 is fetched, everything queued before it was too
    wait_for(lambda: any("A018" in path for path in device_server.audio_requests))
    assert [path.split("number=")[1][:4] for path in device_server.audio_requests] == ["A017", "A017", "A018"]


def test_calls_older_than_the_snapshot_and_other_branches_are_not_announced(device_server, speaker):
    device_server.call(seq=4)
    device_server.call(seq=6, branch_id=2)
    device_server.call(seq=6, number="A020")
    wait_for(lambda: any("A020" in path for path in device_server.audio_requests))
    assert [path.split("number=")[1] for path in device_server.audio_requests] == ["A020&counter=3"]


def test_speech_status_tells_the_server_whether_the_pc_can_play(device_server, speaker):
    statuses = wait_for(lambda: [data for event, data in device_server.received if event == "speech_status"])
    assert statuses == [{"status": "ok", "detail": ""}]


def test_missing_aplay_is_reported_not_fatal():
    player = AplayPlayer("no-such-aplay")
    assert "aplay not found" in player.reason
    player.play(b"RIFF")
