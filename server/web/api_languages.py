"""The language registry, public: pages build their language chooser from it."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, String

from server.domain.languages import LANGUAGES

bp = APIBlueprint("languages", __name__, url_prefix="/api/v1", tag="Languages")


class LanguageOut(Schema):
    code = String(metadata={"description": "what every `language` field of the API accepts", "example": "yue"})
    tag = String(metadata={"description": "BCP-47 tag", "example": "yue-Hant-HK"})
    name = String(metadata={"description": "the language's name in itself", "example": "粵語"})
    script = String(metadata={"description": "ISO 15924 script of its texts", "example": "Hant"})
    voice = Boolean(metadata={"description": "announcements can be spoken in it"})


@bp.get("/languages")
@bp.output(LanguageOut(many=True))
@bp.doc(summary="The languages screens, tickets, voice and messages speak (public)")
def list_languages() -> Any:
    return [
        {"code": lang.code, "tag": lang.tag, "name": lang.name, "script": lang.script, "voice": bool(lang.voice)}
        for lang in LANGUAGES
    ]
