"""Spoken announcements: a chime, then the call in each language, as one WAV.

The port is ``SpeechEngine``; ``EspeakSpeech`` renders with espeak-ng, ``NullSpeech`` is for
displays that only chime. pyttsx3 engines are not thread-safe and ``runAndWait`` blocks, so
one worker thread owns the engine and every render queues in front of it. Rendered speech
is cached on disk by (text, language, voice, rate): a second call of the same ticket to the
same counter costs a file read.

The server calls::

    engine = create_speech(cache_dir, voices={"zh": "cmn-latn-pinyin", "yue": "yue", …})
    engine.available() -> bool; engine.reason -> str
    engine.render_announcement({"zh": ..., "yue": ...}, languages=("yue", "zh")) -> bytes  # audio/wav

The voices (espeak-ng names per language code) come from the server's language registry:
this package knows no list of languages of its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Literal, Protocol

from display.wav import chime_wav, join_speech, read_frames

log = logging.getLogger(__name__)

Backend = Literal["pyttsx3", "binary"]
# pyttsx3.init() hands out one engine per driver to the whole process, so every EspeakSpeech
# shares this one thread rather than owning one each.
_SPEECH_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech")


class SpeechEngine(Protocol):
    @property
    def reason(self) -> str: ...

    def available(self) -> bool: ...

    def render_announcement(self, texts: Mapping[str, str], languages: Sequence[str]) -> bytes: ...


class NullSpeech:
    """For browser-only displays: the chime alone, and it says why."""

    def __init__(self, reason: str = "no speech engine configured") -> None:
        self._reason = reason

    @property
    def reason(self) -> str:
        return self._reason

    def available(self) -> bool:
        return False

    def render_announcement(self, texts: Mapping[str, str], languages: Sequence[str]) -> bytes:
        return chime_wav()


class EspeakSpeech:
    """espeak-ng through pyttsx3 (or, as a fallback, the ``espeak-ng -w`` command) on one worker thread.

    If the engine cannot start, ``available()`` is False with the reason and every
    announcement is the chime alone.
    """

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        voices: Mapping[str, str],
        rate: int = 170,
        backend: Backend = "pyttsx3",
        binary: str = "espeak-ng",
        timeout: float = 15.0,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.voices = dict(voices)
        self.rate = rate
        self.backend = backend
        self.binary = binary
        self.timeout = timeout
        self.renders = 0  # speech parts rendered (not served from the cache)
        self._engine: Any = None
        self._finished = threading.Event()
        self._reason = self._call(self._start)

    @property
    def reason(self) -> str:
        return self._reason

    def available(self) -> bool:
        return not self._reason

    def render_announcement(self, texts: Mapping[str, str], languages: Sequence[str]) -> bytes:
        """The chime, then ``texts`` spoken in ``languages`` order; languages that fail are left out."""
        parts = []
        for language in languages:
            text = texts.get(language)
            speech = self.speech(text, language) if text and self.available() else None
            if speech is not None:
                parts.append(speech)
        return join_speech(parts)

    def speech(self, text: str, language: str) -> bytes | None:
        """One language's speech as WAV bytes, from the cache when rendered before; None on failure."""
        voice = self.voices.get(language)
        if voice is None:
            log.warning("no voice configured for language %r", language)
            return None
        path = self.cache_path(text, language, voice)
        if path.is_file():
            return path.read_bytes()
        error = self._call(self._render, text, voice, path)
        if error:
            log.warning("speech for %r (%s) failed: %s", text, language, error)
            return None
        return path.read_bytes()

    def cache_path(self, text: str, language: str, voice: str) -> Path:
        key = "\0".join((self.backend, language, voice, str(self.rate), text))
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"

    # --- on the worker thread ------------------------------------------------------------
    def _call(self, function: Any, *args: Any) -> str:
        """Run on the worker thread and wait; returns an error message, empty when it worked."""
        try:
            return str(_SPEECH_THREAD.submit(function, *args).result(timeout=self.timeout))
        except FutureTimeout:
            self._reason = f"speech engine gave no answer within {self.timeout:.0f} s"
            return self._reason
        except Exception as exc:  # any engine failure means no voice, never a failed call
            return f"{type(exc).__name__}: {exc}"

    def _start(self) -> str:
        if self.backend == "binary":
            return "" if shutil.which(self.binary) else f"{self.binary} not found: install espeak-ng"
        try:
            import pyttsx3
            import pyttsx3.drivers.espeak as espeak_driver
        except Exception as exc:  # ImportError, or OSError when libespeak-ng is missing
            return f"pyttsx3 with espeak-ng is not usable: {exc}"
        espeak_driver.print = lambda *args, **kwargs: None  # it prints a line for every saved file
        try:
            self._engine = pyttsx3.init("espeak")
            self._engine.setProperty("rate", self.rate)
            self._engine.connect("finished-utterance", lambda **_: self._finished.set())
        except Exception as exc:
            return f"espeak-ng could not start: {exc}"
        known = {str(voice.id).rsplit("/", 1)[-1] for voice in self._engine.getProperty("voices")}
        missing = sorted(set(self.voices.values()) - known)
        return f"espeak-ng has no voice {', '.join(missing)}" if missing else ""

    def _render(self, text: str, voice: str, path: Path) -> str:
        if path.is_file():  # another caller rendered it while this one waited in the queue
            return ""
        # pyttsx3 now and then hands back an empty file (seen on a voice's first use): try it
        # once more, then the espeak-ng command, before leaving the language out.
        attempts = [self.backend, self.backend]
        if self.backend != "binary" and shutil.which(self.binary):
            attempts.append("binary")
        error = ""
        for backend in attempts:
            error = self._render_once(backend, text, voice, path)
            if not error:
                self.renders += 1
                return ""
            log.info("speech attempt with %s failed: %s", backend, error)
        return error

    def _render_once(self, backend: str, text: str, voice: str, path: Path) -> str:
        handle, scratch = tempfile.mkstemp(suffix=".wav", dir=self.cache_dir)
        os.close(handle)
        try:
            if backend == "binary":
                rate = str(self.rate)
                subprocess.run([self.binary, "-v", voice, "-s", rate, "-w", scratch, text], check=True, timeout=10)
            else:
                self._engine.setProperty("rate", self.rate)  # the engine is shared by every instance
                self._engine.setProperty("voice", voice)
                self._finished.clear()
                self._engine.save_to_file(text, scratch)
                self._engine.runAndWait()
                # espeak-ng synthesises asynchronously in retrieval mode: runAndWait can return
                # before the file is written (a voice's first use loads its dictionary), so wait
                # for pyttsx3's own end-of-utterance notice.
                if not self._finished.wait(self.timeout):
                    return "espeak-ng did not finish speaking"
            if not read_frames(Path(scratch).read_bytes()):  # refuse an empty or odd file before caching it
                return "espeak-ng wrote no audio"
            os.replace(scratch, path)  # atomic: server processes may share the cache folder
            return ""
        finally:
            Path(scratch).unlink(missing_ok=True)


def create_speech(
    cache_dir: str | Path, *, voices: Mapping[str, str], engine: str = "espeak", process_only: bool = False
) -> SpeechEngine:
    """The engine for a server or display PC: espeak-ng through pyttsx3, else the espeak-ng command,
    else the chime alone (``available()`` False with the reason). ``engine="none"`` chimes only.

    ``process_only``: always the espeak-ng command. An event loop (the gevent server) waits
    for a child process without blocking, but not for pyttsx3's synthesis in this process.
    """
    if engine == "none":
        return NullSpeech("speech turned off: announcements are the chime and the screen")
    if process_only:
        return EspeakSpeech(cache_dir, voices=voices, backend="binary")
    speech = EspeakSpeech(cache_dir, voices=voices)
    if speech.available():
        return speech
    fallback = EspeakSpeech(cache_dir, voices=voices, backend="binary")
    if fallback.available():
        log.warning("pyttsx3 unusable (%s); speaking with the espeak-ng command", speech.reason)
        return fallback
    return speech
