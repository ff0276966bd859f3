"""GET /api/v1/languages, and every ``language`` field accepting exactly its codes."""

from __future__ import annotations

from typing import Any

from server.domain.languages import CODES


def test_the_registry_is_public_in_the_contract_shape(client: Any) -> None:
    response = client.get("/api/v1/languages")
    assert response.status_code == 200
    assert [entry["code"] for entry in response.json] == list(CODES)
    assert response.json[0] == {"code": "zh", "tag": "zh-CN", "name": "中文", "script": "Hans", "voice": True}
    assert {"code": "yue", "tag": "yue-Hant-HK", "name": "粵語", "script": "Hant", "voice": True} in response.json
    described = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/languages"]["get"]
    assert "security" not in described


def test_a_ticket_in_cantonese_is_issued_and_an_unknown_language_is_refused(client: Any, branch: Any) -> None:
    url = f"/api/v1/branches/{branch.id}/tickets"
    made = client.post(
        url, json={"service_id": branch.services["A"], "language": "yue"}, headers=branch.headers("kiosk")
    )
    assert made.status_code == 201 and made.json["language"] == "yue"
    for bad in ("fr", "ZH", "", 7):
        refused = client.post(url, json={"service_id": branch.services["A"], "language": bad}, headers=branch.headers())
        assert refused.status_code in (400, 422), refused.json
        assert refused.json["error"]["field"] == "language"


def test_spoken_routes_take_registry_codes_only(client: Any) -> None:
    ok = client.get("/api/v1/prompts/audio.wav?key=choose_service&lang=yue")
    assert ok.status_code == 200 and ok.mimetype == "audio/wav"
    assert client.get("/api/v1/prompts/audio.wav?key=choose_service&lang=fr").status_code in (400, 422)
    assert client.get("/api/v1/announcements/audio.wav?number=A001&counter=2&lang=yue,zh").status_code == 200
    bad = client.get("/api/v1/announcements/audio.wav?number=A001&counter=2&lang=yue,fr")
    assert bad.status_code in (400, 422) and bad.json["error"]["field"] == "lang"
