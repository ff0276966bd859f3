"""Announcement audio for displays, through the display package's speech engine."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from server.domain.languages import LANGUAGES

log = logging.getLogger(__name__)


class Announcer:
    """Renders (and caches) announcement WAVs; without a voice engine, the chime alone."""

    def __init__(self, cache_dir: Path, engine_name: str = "espeak", *, process_only: bool = False) -> None:
        self.cache_dir = cache_dir
        self.engine_name = engine_name
        self.process_only = process_only
        self._engine: Any = None
        self.reason = ""

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from display.speech import create_speech

            voices = {language.code: language.voice for language in LANGUAGES if language.voice}
            self._engine = create_speech(
                self.cache_dir, voices=voices, engine=self.engine_name, process_only=self.process_only
            )
            if not self._engine.available():
                self.reason = getattr(self._engine, "reason", "no voice engine")
                log.warning("announcements fall back to the chime: %s", self.reason)
        return self._engine

    def available(self) -> bool:
        return bool(self.engine.available())

    def render(self, texts: dict[str, str], languages: list[str]) -> bytes:
        audio: bytes = self.engine.render_announcement(texts, languages)
        return audio
