"""Health, announcement audio, reprint."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app

from server.domain.announcement import DEFAULT_LANGUAGES, prompt_text, speech_text
from server.domain.errors import InvalidInput
from server.domain.wait_label import wait_text
from server.i18n import render, say
from server.services import tickets
from server.web import schemas as s
from server.web.context import deps, wiring
from server.web.security import required_principal

bp = APIBlueprint("misc", __name__, tag="System")
AUDIO_RESPONSE: Any = {200: {"description": "audio/wav", "content": {"audio/wav": {}}}}


@bp.get("/healthz")
@bp.output(s.HealthOut)
@bp.doc(responses={503: "the database is unavailable, busy or full (db says which)"})
def healthz() -> Any:
    """503 when the database cannot take writes; 200 "degraded" while Redis is away (events then
    reach only this process's screens and rate limits are counted in this process)."""
    w = wiring()
    db = w.deps.store.probe()
    mq = "off"
    if w.settings.message_queue:
        mq = "ok" if _redis_ok(w.settings.message_queue) else "unavailable"
    body: dict[str, Any] = {"status": "ok", "db": db, "message_queue": mq}
    if w.settings.ratelimit_storage.startswith("redis"):
        body["rate_limit"] = "ok" if current_app.extensions["limiter"].storage.check() else "fallback"
    if db != "ok":
        body["status"] = "unavailable"
    elif mq == "unavailable" or body.get("rate_limit") == "fallback":
        body["status"] = "degraded"
    body["websockets"] = len(w.websockets or {})
    body["connections"] = w.admission.figures()["connections"] if w.admission else 0
    return body, 503 if db != "ok" else 200


def _redis_ok(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
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
    languages = list(dict.fromkeys(query["lang"].split(","))) if query.get("lang") else list(DEFAULT_LANGUAGES)
    texts = {code: render(speech_text(query["number"], query["counter"], code), code) for code in languages}
    return _wav(texts, languages)


@bp.get("/api/v1/prompts/audio.wav")
@bp.input(s.PromptQuery, location="query", arg_name="query")
@bp.doc(
    tags=["Walk-in queue"],
    summary="A kiosk's spoken prompt as audio/wav, in the customer's language",
    responses=AUDIO_RESPONSE,
)
def prompt_audio(query: dict[str, Any]) -> Any:
    if query["key"] == "your_number" and not query.get("number"):
        raise InvalidInput("number_required", "your_number needs the ticket number", "number")
    code = query["lang"]
    said = render(prompt_text(query["key"], code, query.get("number"), query["ahead"]), code)
    if query["key"] == "your_number" and "p10" in query and "p90" in query:
        # the same words as the screen and the paper (server/domain/wait_label.py)
        wait = render(wait_text(query["p10"], query["p90"], query["now"]), code)
        said += ", " + say("ticket.estimate", code, range=wait)
    return _wav({code: said}, [code])


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
