"""The branch floor's routes: who may take a VIP or green-channel ticket, and the display's images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apiflask import APIBlueprint
from flask import request, send_file

from server.services import eligibility, media
from server.services.context import require
from server.web import schemas_floor as s
from server.web.context import deps, wiring
from server.web.security import current_principal

bp = APIBlueprint("floor", __name__, url_prefix="/api/v1", tag="Branch floor")
SECURED: dict[str, Any] = {"security": "BearerAuth"}


def _media_folder() -> Path:
    return Path(wiring().settings.instance_dir) / "media"


def allow_image_upload() -> None:
    """An image may be larger than the 256 KiB every other body is held to."""
    if request.endpoint == "floor.upload_media":
        request.max_content_length = media.MAX_BYTES + 1


@bp.get("/branches/<int:branch_id>/eligibility")
@bp.output(s.EligibilityOut)
@bp.doc(**SECURED, summary="Who may take a VIP or green-channel ticket at the kiosk, and the list (manager)")
def get_eligibility(branch_id: int) -> Any:
    return eligibility.overview(deps(), current_principal(), branch_id)


@bp.put("/branches/<int:branch_id>/eligibility/rules")
@bp.input(s.EligibilityRulesIn, arg_name="body")
@bp.output(s.EligibilityRulesOut)
@bp.doc(
    **SECURED,
    summary="Per class: anyone at the kiosk, only staff, or a phone/card number on the branch's list",
)
def put_eligibility_rules(branch_id: int, body: dict[str, str]) -> Any:
    return eligibility.set_rules(deps(), current_principal(), branch_id, body)


@bp.post("/branches/<int:branch_id>/eligibility/entries")
@bp.input(s.EligibilityEntryIn, arg_name="body")
@bp.output(s.EligibilityEntryOut, status_code=201)
@bp.doc(**SECURED, summary="List a phone or card number for VIP and/or green-channel tickets (stored as a digest)")
def add_eligibility_entry(branch_id: int, body: dict[str, Any]) -> Any:
    return eligibility.add_entry(deps(), current_principal(), branch_id, body)


@bp.delete("/branches/<int:branch_id>/eligibility/entries/<int:entry_id>")
@bp.output({}, status_code=204)
@bp.doc(**SECURED)
def remove_eligibility_entry(branch_id: int, entry_id: int) -> Any:
    eligibility.remove_entry(deps(), current_principal(), branch_id, entry_id)
    return ""


@bp.post("/branches/<int:branch_id>/media")
@bp.input(s.MediaQuery, location="query", arg_name="query")
@bp.output(s.MediaOut, status_code=201)
@bp.doc(
    **SECURED,
    summary="Upload an image for the call display: the body is the PNG, JPEG or WebP file (at most 5 MB)",
    responses={413: "larger than 5 MB", 422: "not a PNG, JPEG or WebP image"},
)
def upload_media(branch_id: int, query: dict[str, Any]) -> Any:
    principal = current_principal()
    require(principal, media.MANAGERS, branch_id)  # refuse before reading a large body
    return media.upload(deps(), principal, _media_folder(), branch_id, request.get_data(), query["title"])


@bp.get("/branches/<int:branch_id>/media")
@bp.output(s.MediaOut(many=True))
@bp.doc(**SECURED, summary="The display's images (manager, display)")
def list_media(branch_id: int) -> Any:
    return media.list_media(deps(), current_principal(), branch_id)


@bp.delete("/branches/<int:branch_id>/media/<int:media_id>")
@bp.output({}, status_code=204)
@bp.doc(**SECURED)
def delete_media(branch_id: int, media_id: int) -> Any:
    media.delete(deps(), current_principal(), _media_folder(), branch_id, media_id)
    return ""


@bp.get("/media/<string:name>")
@bp.doc(summary="An uploaded image (public: its name is random), served as the type it was checked to be")
def get_media(name: str) -> Any:
    path, content_type = media.stored_file(deps(), _media_folder(), name)
    response = send_file(path, mimetype=content_type, max_age=3600, conditional=True)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
