"""Webhook routes: a manager registers endpoints per branch and sees how deliveries fared."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from server.notify.http_post import checked_url
from server.services import webhooks
from server.web import schemas_remote as s
from server.web.context import deps, wiring
from server.web.security import current_principal

bp = APIBlueprint("webhooks", __name__, url_prefix="/api/v1", tag="Webhooks")
SECURED: dict[str, Any] = {"security": "BearerAuth"}

VERIFYING = """
Each delivery is a JSON `POST` of `{"event", "data", "delivery_id"}` with the headers
`X-BranchQ-Timestamp` (Unix seconds), `X-BranchQ-Delivery` (the delivery id) and
`X-BranchQ-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>`.
Answer 2xx once stored; anything else (or no answer within 10 s) is retried with back-off
(10 s, 20 s, 40 s … up to an hour, 10 attempts). A delivery may come twice: use `delivery_id`
to drop repeats. Events about one ticket arrive in order: a later one waits for the earlier.

Verify before trusting a delivery (Python):

```python
import hashlib, hmac, time

def verify(secret: str, headers: dict, raw_body: bytes, tolerance_s: int = 300) -> bool:
    timestamp = headers["X-BranchQ-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False  # an old delivery played again
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-BranchQ-Signature"], "sha256=" + expected)
```

URLs must be `http://` or `https://`; hosts on loopback, private or link-local networks are
refused unless the server runs with `BRANCHQ_WEBHOOK_ALLOW_PRIVATE=1`.
"""


@bp.post("/branches/<int:branch_id>/webhooks")
@bp.input(s.WebhookIn, arg_name="body")
@bp.output(s.WebhookOut, status_code=201)
@bp.doc(
    **SECURED, summary="Register a webhook endpoint (manager); the secret is shown this once", description=VERIFYING
)
def create_webhook(branch_id: int, body: dict[str, Any]) -> Any:
    allow_private = wiring().settings.webhook_allow_private
    check = lambda url: checked_url(url, allow_private=allow_private)  # noqa: E731
    return webhooks.create_endpoint(deps(), current_principal(), branch_id, body, check)


@bp.get("/branches/<int:branch_id>/webhooks")
@bp.output(s.WebhookOut(many=True))
@bp.doc(**SECURED, summary="The branch's webhook endpoints, with delivery counts by status (manager)")
def list_webhooks(branch_id: int) -> Any:
    return webhooks.list_endpoints(deps(), current_principal(), branch_id)


@bp.delete("/branches/<int:branch_id>/webhooks/<int:webhook_id>")
@bp.output({}, status_code=204)
@bp.doc(**SECURED, summary="Remove a webhook endpoint and its queued deliveries (manager)")
def delete_webhook(branch_id: int, webhook_id: int) -> Any:
    webhooks.delete_endpoint(deps(), current_principal(), branch_id, webhook_id)
    return ""


@bp.get("/branches/<int:branch_id>/webhook-deliveries")
@bp.input(s.DeliveriesQuery, location="query", arg_name="query")
@bp.output(s.DeliveryOut(many=True))
@bp.doc(**SECURED, summary="Webhook deliveries, newest first: queued, sent, retried, failed (manager)")
def list_deliveries(branch_id: int, query: dict[str, Any]) -> Any:
    return webhooks.list_deliveries(deps(), current_principal(), branch_id, query.get("status"))
