"""The terminals' pages: kiosk, display, counter, ticket tracking, booking, manager."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, send_from_directory

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

# Each terminal keeps its page (template, JS, CSS) in its own package, beside its agent; the
# shared page core (common.js, device.js, catalogues, vendor) stays in server/web/static. A
# blueprint needs only the folders, so the terminal packages import nothing of Flask.
PACKAGES = Path(__file__).resolve().parents[2]
TERMINALS = ("kiosk", "display", "counter")
terminal_pages = [
    Blueprint(
        f"{name}_page",
        __name__,
        template_folder=str(PACKAGES / name / "page" / "templates"),
        static_folder=str(PACKAGES / name / "page" / "static"),
        static_url_path=f"/terminals/{name}",
    )
    for name in TERMINALS
]

PAGES = ("kiosk", "display", "window", "counter", "book", "manager", "lobby", "rate")


@bp.get("/")
def index() -> Any:
    return render_template("index.html")


@bp.get("/api/v1/docs")
def api_docs() -> Any:
    """Swagger UI, vendored (static/vendor/swagger-ui), started by a static script."""
    return render_template("api_docs.html")


@bp.get("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for it on pages that name no icon (the API docs, a JSON answer)."""
    return send_from_directory(bp.static_folder or "static", "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@bp.get("/track/<int:ticket_id>")
def track(ticket_id: int) -> Any:
    return render_template("track.html", ticket_id=ticket_id)


def _page(name: str) -> Any:
    def view() -> Any:
        return render_template(f"{name}.html")

    view.__name__ = name
    return view


for _name in PAGES:
    bp.add_url_rule(f"/{_name}", _name, _page(_name))
