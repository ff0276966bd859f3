"""Images the manager puts on the call display: checked by their bytes, kept in the instance folder.

Only PNG, JPEG and WebP (no SVG: it can carry script), recognised by their signature rather than
the type the uploader claims, at most ``MAX_BYTES`` each and ``MAX_PER_BRANCH`` per branch. Files
are named by a random hex id, so a name never comes from the uploader.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from server import protocol
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.records import Principal
from server.services.context import Deps, found, require

MANAGERS = ("admin", "manager")
READERS = (*MANAGERS, "display")
MAX_BYTES = 5 * 1024 * 1024
MAX_PER_BRANCH = 30


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


# content type -> (file extension, signature test)
TYPES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "image/png": ("png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": ("jpg", lambda data: data.startswith(b"\xff\xd8\xff")),
    "image/webp": ("webp", _webp),
}
NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg|webp)")


def sniff(data: bytes) -> str:
    """The image type the bytes really are, or a 415-style refusal."""
    for content_type, (_ext, test) in TYPES.items():
        if test(data):
            return content_type
    raise InvalidInput("unsupported_media_type", "upload a PNG, JPEG or WebP image", "file")


def media_view(item: dict[str, Any], timezone: str) -> dict[str, Any]:
    return {
        "id": item["id"],
        "url": f"/api/v1/media/{item['name']}",
        "content_type": item["content_type"],
        "size": item["size"],
        "title": item["title"],
        "created_at": item["created_at"].astimezone(ZoneInfo(timezone)).isoformat(),
    }


def upload(
    deps: Deps, principal: Principal | None, folder: Path, branch_id: int, data: bytes, title: str
) -> dict[str, Any]:
    require(principal, MANAGERS, branch_id)
    if not data:
        raise InvalidInput("empty_file", "the body is the image's bytes", "file")
    if len(data) > MAX_BYTES:
        raise InvalidInput("file_too_large", f"an image is at most {MAX_BYTES // (1024 * 1024)} MB", "file")
    content_type = sniff(data)
    name = f"{secrets.token_hex(16)}.{TYPES[content_type][0]}"
    now = deps.clock()
    with deps.store.write() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        if len(uow.media.for_branch(branch_id)) >= MAX_PER_BRANCH:
            raise Conflict("too_many_media", f"a branch keeps at most {MAX_PER_BRANCH} images; delete one", None)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        item = uow.media.add(
            {
                "branch_id": branch_id,
                "name": name,
                "content_type": content_type,
                "size": len(data),
                "title": title,
                "created_at": now,
            }
        )
        uow.emit(branch_id, protocol.QUEUE_CHANGED, {"reason": "media_changed"}, now)
    deps.commit_and_publish(uow)
    return media_view(item, branch.timezone)


def list_media(deps: Deps, principal: Principal | None, branch_id: int) -> list[dict[str, Any]]:
    require(principal, READERS, branch_id)
    with deps.store.read() as uow:
        branch = found(uow.branches.get(branch_id), "branch")
        return [media_view(m, branch.timezone) for m in uow.media.for_branch(branch_id)]


def delete(deps: Deps, principal: Principal | None, folder: Path, branch_id: int, media_id: int) -> None:
    require(principal, MANAGERS, branch_id)
    now = deps.clock()
    with deps.store.write() as uow:
        item = uow.media.get(branch_id, media_id)
        if item is None:
            raise NotFound("media_not_found", "no such image in this branch", None)
        uow.media.remove(media_id)
        uow.emit(branch_id, protocol.QUEUE_CHANGED, {"reason": "media_changed"}, now)
    deps.commit_and_publish(uow)
    (folder / item["name"]).unlink(missing_ok=True)


def stored_file(deps: Deps, folder: Path, name: str) -> tuple[Path, str]:
    """The file behind a public media URL and the type it was checked to be."""
    if not NAME.fullmatch(name):
        raise NotFound("media_not_found", "no such image", None)
    with deps.store.read() as uow:
        item = uow.media.by_name(name)
    path = folder / name
    if item is None or not path.is_file():
        raise NotFound("media_not_found", "no such image", None)
    return path, item["content_type"]
