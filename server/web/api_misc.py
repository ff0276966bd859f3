"""Health, announcement audio, reprint."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response
from sqlalchemy import text

from server.services import tickets
from server.web import schemas as s
from server.web.context import deps, wiring
from server.web.security import required_principal

bp = APIBlueprint("misc", __name__, tag="System")
AUDIO_RESPONSE: Any = {200: {"description": "audio/wav", "content": {"audio/wav": {}}}}


@bp.get("/healthz")
@bp.output(s.HealthOut)
def healthz() -> Any:
    w = wiring()
    db = "ok"
    try:
        with w.deps.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        db = "error"
    mq = "off"
    if w.settings.message_queue:
        mq = "ok" if _redis_ok(w.settings.message_queue) else "error"
    status = "ok" if db == "ok" and mq != "error" else "degraded"
    body = {"status": status, "db": db, "message_queue": mq, "websockets": len(w.websockets or {})}
    body["connections"] = w.admission.figures()["connections"] if w.admission else 0
    return body, 200 if status == "ok" else 503


def _redis_ok(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except Exception:
        return False


@bp.get("/api/v1/announcements/audio.wav")
@bp.input(s.AnnouncementQuery, location="query", arg_name="query")
@bp.doc(
    tags=["Walk-in queue"],
    summary="The announcement as audio/wav (chime, then each language)",
    responses=AUDIO_RESPONSE,
)
def announcement_audio(query: dict[str, Any]) -> Any:
    from server.domain.announcement import speech_text

    return _wav(speech_text(query["number"], query["counter"]), query["lang"].split(","))


@bp.get("/api/v1/prompts/audio.wav")
@bp.input(s.PromptQuery, location="query", arg_name="query")
@bp.doc(
    tags=["Walk-in queue"],
    summary="A kiosk's spoken prompt as audio/wav, in the customer's language",
    responses=AUDIO_RESPONSE,
)
def prompt_audio(query: dict[str, Any]) -> Any:
    from server.domain.announcement import prompt_text
    from server.domain.errors import InvalidInput

    if query["key"] == "your_number" and not query.get("number"):
        raise InvalidInput("number_required", "your_number needs the ticket number", "number")
    texts = prompt_text(query["key"], query.get("number"), query["ahead"])
    return _wav(texts, [query["lang"]])


def _wav(texts: dict[str, str], languages: list[str]) -> Response:
    speech = wiring().speech
    response = Response(speech.render(texts, languages), mimetype="audio/wav")
    response.headers["Cache-Control"] = "public, max-age=86400"
    # Tells a browser display whether it got speech or the chime alone (it then says so and tells the manager).
    response.headers["X-BranchQ-Speech"] = "ok" if speech.available() else "unavailable"
    if not speech.available():
        response.headers["X-BranchQ-Speech-Detail"] = speech.reason[:200]
    return response


@bp.post("/api/v1/tickets/<int:ticket_id>/reprint")
@bp.output({}, status_code=202)
@bp.doc(tags=["Walk-in queue"], security="BearerAuth", summary="Send the ticket to its kiosk's printer again")
def reprint(ticket_id: int) -> Any:
    # staff only: without a token this is 401, not the holder's "no such ticket"
    view = tickets.get_ticket(deps(), required_principal(), ticket_id, None)
    wiring().print_jobs.send_for_ticket(ticket_id, view)
    return ""
