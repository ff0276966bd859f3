"""WAV pieces for announcements with the stdlib only: a chime, silence, and joining parts.

Everything is mono 16-bit at espeak-ng's 22050 Hz, so parts join by appending frames.
"""

from __future__ import annotations

import io
import math
import wave
from array import array
from collections.abc import Iterable
from functools import lru_cache

SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2  # bytes: 16-bit signed
_CHIME_TONES = ((880.0, 0.22), (659.25, 0.38))  # A5 then E5: a falling "ding-dong"
_FADE = 0.015  # seconds of fade at each tone's ends, so the speaker does not click


def silence(seconds: float, rate: int = SAMPLE_RATE) -> bytes:
    return bytes(int(seconds * rate) * SAMPLE_WIDTH)


def tone(frequency: float, seconds: float, rate: int = SAMPLE_RATE, volume: float = 0.35) -> bytes:
    count = int(seconds * rate)
    fade = max(1, int(_FADE * rate))
    samples = array("h")
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade) * math.exp(-2.5 * i / count)
        samples.append(int(32767 * volume * envelope * math.sin(2 * math.pi * frequency * i / rate)))
    return samples.tobytes()  # array("h") is native-endian; WAV is little-endian like every host we run on


@lru_cache(maxsize=4)
def chime_frames(rate: int = SAMPLE_RATE) -> bytes:
    """Two tones, generated once per sample rate."""
    return b"".join(tone(frequency, seconds, rate) for frequency, seconds in _CHIME_TONES)


def to_wav(frames: bytes, rate: int = SAMPLE_RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def read_frames(data: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """Frames of a WAV in our format; anything else is refused rather than played too fast or slow."""
    with wave.open(io.BytesIO(data), "rb") as part:
        shape = (part.getnchannels(), part.getsampwidth(), part.getframerate())
        if shape != (1, SAMPLE_WIDTH, rate):
            raise ValueError(f"WAV is {shape} (channels, bytes, Hz), expected (1, {SAMPLE_WIDTH}, {rate})")
        return part.readframes(part.getnframes())


def join_speech(parts: Iterable[bytes], *, gap: float = 0.4, rate: int = SAMPLE_RATE) -> bytes:
    """One WAV: the chime, then each speech part with a short pause between them."""
    frames = [chime_frames(rate), silence(0.25, rate)]
    for index, part in enumerate(parts):
        if index:
            frames.append(silence(gap, rate))
        frames.append(read_frames(part, rate))
    frames.append(silence(0.2, rate))
    return to_wav(b"".join(frames), rate)


def chime_wav(rate: int = SAMPLE_RATE) -> bytes:
    """What is played when there is no voice: the chime alone."""
    return join_speech((), rate=rate)


def duration(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as audio:
        return audio.getnframes() / audio.getframerate()
