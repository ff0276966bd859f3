"""Cantonese end to end through the API: the branch chooses its languages, a yue ticket is
called in Cantonese first, and espeak-ng really speaks Cantonese (a WAV unlike the Mandarin)."""

from __future__ import annotations

import shutil
import wave
from io import BytesIO
from typing import Any

import pytest

from display.wav import chime_frames, chime_wav, duration, read_frames
from tests.api.test_screen_events import events_since, last_seq
from tests.support.languages import in_languages

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def choose_languages(client: Any, branch: Any, **languages: Any) -> Any:
    return client.patch(
        f"/api/v1/branches/{branch.id}", json={"settings": languages}, headers=branch.headers("manager")
    )


def test_a_branch_chooses_its_screen_and_voice_languages_from_the_registry_only(client: Any, branch: Any) -> None:
    chosen = choose_languages(client, branch, screen_languages=["yue", "en"], voice_languages=["zh", "yue", "en"])
    assert chosen.status_code == 200, chosen.json
    assert chosen.json["languages"] == {"screen": ["yue", "en"], "voice": ["zh", "yue", "en"]}
    for bad in (["fr"], [], "yue", ["yue", "yue"]):
        refused = choose_languages(client, branch, voice_languages=bad)
        assert refused.status_code == 422, refused.json
        assert refused.json["error"]["field"] == "voice_languages"
    fresh = client.get(f"/api/v1/branches/{branch.id}", headers=branch.headers("manager")).json
    assert fresh["languages"]["voice"] == ["zh", "yue", "en"]  # the refused changes left it as it was


def test_a_teller_cannot_choose_the_branch_languages(client: Any, branch: Any) -> None:
    response = client.patch(
        f"/api/v1/branches/{branch.id}", json={"settings": {"voice_languages": ["yue"]}}, headers=branch.headers()
    )
    assert response.status_code == 403


def test_a_cantonese_tickets_call_is_announced_in_cantonese_first(client: Any, deps: Any, branch: Any) -> None:
    assert choose_languages(client, branch, voice_languages=["zh", "en"]).status_code == 200
    url = f"/api/v1/branches/{branch.id}/tickets"
    issued = client.post(
        url, json={"service_id": branch.services["A"], "language": "yue"}, headers=branch.headers("kiosk")
    )
    assert issued.status_code == 201
    counter = branch.counters[1]
    client.post(f"/api/v1/counters/{counter}/open", headers=branch.headers())
    before = last_seq(deps, branch.id)
    assert client.post(f"/api/v1/counters/{counter}/call-next", headers=branch.headers()).status_code == 200
    [called] = [payload for name, payload in events_since(deps, branch.id, before) if name == "ticket_called"]
    announcement = called["announcement"]
    assert announcement["languages"] == ["yue", "zh", "en"]
    assert announcement["audio_url"].endswith("&lang=yue,zh,en")
    assert in_languages(announcement["text"], "zh", "en", "yue") == {
        "zh": "请 A001 号到 1 号窗口",
        "en": "Ticket A001, please go to counter 1",
        "yue": "請 A001 號到 1 號櫃檯",
    }


def wav_frames(data: bytes) -> bytes:
    with wave.open(BytesIO(data)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
        return audio.readframes(audio.getnframes())


@pytest.mark.voice
@needs_espeak
def test_espeak_ng_speaks_the_call_in_cantonese_and_it_is_not_the_mandarin(client: Any) -> None:
    query = "/api/v1/announcements/audio.wav?number=A017&counter=12&lang="
    cantonese = client.get(query + "yue")
    mandarin = client.get(query + "zh")
    assert cantonese.status_code == mandarin.status_code == 200
    assert cantonese.headers["X-BranchQ-Speech"] == "ok" and cantonese.mimetype == "audio/wav"
    yue_frames, zh_frames = wav_frames(cantonese.data), wav_frames(mandarin.data)
    assert yue_frames.startswith(chime_frames())  # chime first, then the voice
    assert duration(cantonese.data) > duration(chime_wav()) + 1.5  # the chime, then real speech
    assert yue_frames != zh_frames
    # the voice part itself differs, not only its length
    spoken = len(chime_frames())
    assert yue_frames[spoken : spoken + 20000] != zh_frames[spoken : spoken + 20000]


@pytest.mark.voice
@needs_espeak
def test_the_holders_language_is_the_first_voice_after_the_chime(client: Any) -> None:
    query = "/api/v1/announcements/audio.wav?number=B002&counter=3&lang="
    first_yue = read_frames(client.get(query + "yue,zh").data)
    yue_alone = read_frames(client.get(query + "yue").data)
    zh_first = read_frames(client.get(query + "zh,yue").data)
    # the joined announcement begins exactly as the Cantonese one does (chime, gap, Cantonese speech)
    cut = len(yue_alone) - 20000  # before the closing silence
    assert first_yue[:cut] == yue_alone[:cut] and zh_first[:cut] != yue_alone[:cut]
    assert duration(client.get(query + "yue,zh").data) > duration(client.get(query + "yue").data) + 1
