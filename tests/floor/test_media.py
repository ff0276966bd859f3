"""Images for the call display: the manager uploads, the display lists, anyone shows them safely."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from server.services.media import MAX_BYTES
from tests.support.builders import build_branch


def png(size: tuple[int, int] = (32, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def upload(client: Any, branch: Any, data: bytes, who: str = "manager", kind: str = "image/png") -> Any:
    headers = branch.headers(who) | {"Content-Type": kind}
    return client.post(f"/api/v1/branches/{branch.id}/media?title=Savings", data=data, headers=headers)


def test_an_uploaded_image_is_listed_and_served_as_what_its_bytes_are(client, branch, tmp_path):
    created = upload(client, branch, png(), kind="text/html")  # the claimed type is ignored
    assert created.status_code == 201, created.json
    assert created.json["content_type"] == "image/png" and created.json["title"] == "Savings"
    listed = client.get(f"/api/v1/branches/{branch.id}/media", headers=branch.headers("display")).json
    assert [m["url"] for m in listed] == [created.json["url"]]
    served = client.get(created.json["url"])  # public: a TV's <img> sends no token
    assert served.status_code == 200 and served.data == png()
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert (tmp_path / "media" / created.json["url"].rsplit("/", 1)[1]).is_file()  # in the instance folder


@pytest.mark.parametrize(
    "data",
    [b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", b"<html>hi</html>", b""],
)
def test_anything_but_a_png_jpeg_or_webp_is_refused(client, branch, data):
    response = upload(client, branch, data, kind="image/svg+xml")
    assert response.status_code == 422 and response.json["error"]["field"] == "file"


def test_an_image_over_the_limit_is_refused(client, branch):
    response = upload(client, branch, png() + b"\0" * MAX_BYTES)
    assert response.status_code == 413


def test_only_the_branchs_manager_uploads_or_deletes(client, branch, deps):
    other = build_branch(deps, code="B2")
    for who in ("teller", "kiosk", "display"):
        assert upload(client, branch, png(), who).status_code == 403
    assert (
        client.post(f"/api/v1/branches/{branch.id}/media", data=png(), headers=other.headers("manager")).status_code
        == 403
    )
    item = upload(client, branch, png()).json
    assert (
        client.delete(f"/api/v1/branches/{other.id}/media/{item['id']}", headers=other.headers("manager")).status_code
        == 404
    )
    assert (
        client.delete(f"/api/v1/branches/{branch.id}/media/{item['id']}", headers=branch.headers("display")).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/branches/{branch.id}/media/{item['id']}", headers=branch.headers("manager")).status_code
        == 204
    )
    assert client.get(item["url"]).status_code == 404


@pytest.mark.parametrize("name", ["../secret_key", "secret_key", "0" * 32 + ".png", "x.svg"])
def test_a_made_up_media_name_is_a_404(client, name):
    assert client.get(f"/api/v1/media/{name}").status_code == 404


def test_an_image_larger_than_a_json_body_may_be_is_taken(client, branch):
    response = upload(client, branch, png() + b"\0" * 1_000_000)  # 1 MB: over the 256 KiB of API bodies
    assert response.status_code == 201 and response.json["size"] > 1_000_000
