import shutil
import sys
import wave
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest

from display.speech import EspeakSpeech, NullSpeech, create_speech
from display.wav import SAMPLE_RATE, chime_wav, duration, join_speech
from server.domain.languages import LANGUAGES

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt install espeak-ng)"
)
VOICES = {language.code: language.voice for language in LANGUAGES}
BOTH = ("zh", "en")
CALL = {"zh": "请 A 零 一 七 号, 到 三 号窗口", "en": "Ticket A 0 1 7, please go to counter 3"}


def wav_shape(data):
    with wave.open(BytesIO(data)) as audio:
        return audio.getnchannels(), audio.getsampwidth(), audio.getframerate()


@pytest.fixture(scope="module")
def espeak(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")
    return EspeakSpeech(tmp_path_factory.mktemp("speech"), voices=VOICES)


def test_chime_is_a_short_audible_wav_in_espeaks_format():
    chime = chime_wav()
    assert wav_shape(chime) == (1, 2, SAMPLE_RATE)
    assert 0.5 < duration(chime) < 1.5
    assert max(chime[44:]) > 0x40  # not silence


def test_speech_parts_in_another_format_are_refused():
    with BytesIO() as buffer:
        with wave.open(buffer, "wb") as audio:
            audio.setnchannels(2)
            audio.setsampwidth(2)
            audio.setframerate(44100)
            audio.writeframes(bytes(400))
        stereo = buffer.getvalue()
    with pytest.raises(ValueError, match="expected"):
        join_speech([stereo])


@pytest.mark.voice
@needs_espeak
def test_announcement_is_one_wav_with_chime_then_both_languages(espeak):
    audio = espeak.render_announcement(CALL, BOTH)
    assert espeak.available() and espeak.reason == ""
    assert audio[:4] == b"RIFF" and wav_shape(audio) == (1, 2, SAMPLE_RATE)
    assert 4 < duration(audio) < 12
    chinese_only = espeak.render_announcement(CALL, languages=["zh"])
    assert duration(chime_wav()) + 1 < duration(chinese_only) < duration(audio) - 1


@pytest.mark.voice
@needs_espeak
def test_cached_speech_returns_identical_bytes_without_rendering_again(espeak):
    first = espeak.render_announcement({"en": "Ticket B 0 0 2, please go to counter 5"}, ["en"])
    renders = espeak.renders
    assert espeak.render_announcement({"en": "Ticket B 0 0 2, please go to counter 5"}, ["en"]) == first
    assert espeak.renders == renders
    reopened = EspeakSpeech(espeak.cache_dir, voices=VOICES)
    assert reopened.render_announcement({"en": "Ticket B 0 0 2, please go to counter 5"}, ["en"]) == first
    assert reopened.renders == 0


@pytest.mark.voice
@needs_espeak
def test_concurrent_callers_share_one_engine_safely(espeak):
    texts = [{"en": f"Ticket C 0 {n}, please go to counter {n}"} for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        audios = list(pool.map(lambda text: espeak.render_announcement(text, ["en"]), texts))
    assert all(duration(audio) > duration(chime_wav()) + 1 for audio in audios)
    assert len(set(audios)) == 8


@pytest.mark.voice
@needs_espeak
def test_espeak_command_is_a_working_fallback(tmp_path):
    engine = EspeakSpeech(tmp_path, backend="binary", voices=VOICES)
    assert engine.available()
    assert duration(engine.render_announcement(CALL, BOTH)) > duration(chime_wav()) + 2


def test_missing_espeak_command_means_chime_only_and_says_why(tmp_path):
    engine = EspeakSpeech(tmp_path, backend="binary", binary="/nowhere/espeak-ng", voices=VOICES)
    assert not engine.available() and "install espeak-ng" in engine.reason
    assert engine.render_announcement(CALL, BOTH) == chime_wav()


def test_missing_pyttsx3_means_chime_only_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # import pyttsx3 now raises ImportError
    engine = EspeakSpeech(tmp_path, voices=VOICES)
    assert not engine.available() and "pyttsx3" in engine.reason
    assert engine.render_announcement(CALL, BOTH) == chime_wav()


@pytest.mark.voice
@needs_espeak
def test_a_missing_voice_is_reported(tmp_path):
    engine = EspeakSpeech(tmp_path, voices={"zh": "no-such-voice", "en": "en"})
    assert not engine.available() and "no-such-voice" in engine.reason


def test_null_speech_chimes_and_explains():
    speech = NullSpeech()
    assert not speech.available() and speech.reason
    assert speech.render_announcement(CALL, BOTH) == chime_wav()


def test_create_speech_falls_back_to_the_espeak_command_when_pyttsx3_is_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyttsx3", None)
    speech = create_speech(tmp_path, voices=VOICES)
    if shutil.which("espeak-ng") is None:
        assert not speech.available() and "pyttsx3" in speech.reason
    else:
        assert speech.available() and speech.backend == "binary"


def test_create_speech_can_be_turned_off(tmp_path):
    speech = create_speech(tmp_path, engine="none", voices=VOICES)
    assert isinstance(speech, NullSpeech) and "turned off" in speech.reason


@pytest.mark.voice
@needs_espeak
def test_an_empty_render_is_tried_again_then_done_by_the_espeak_command(tmp_path):
    engine = EspeakSpeech(tmp_path, voices=VOICES)
    tried = []
    real = engine._render_once

    def empty_from_pyttsx3(backend, text, voice, path):
        tried.append(backend)
        return "espeak-ng wrote no audio" if backend == "pyttsx3" else real(backend, text, voice, path)

    engine._render_once = empty_from_pyttsx3
    audio = engine.speech("Ticket A 0 1 7, please go to counter 3", "en")
    assert tried == ["pyttsx3", "pyttsx3", "binary"]
    assert audio is not None and duration(audio) > 1
