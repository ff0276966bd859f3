"""The door poster's pages: the phone page that takes a remote ticket, and the poster with its QR."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

bp = Blueprint("remote_pages", __name__, template_folder="templates")


@bp.get("/join/<branch_code>")
def join(branch_code: str) -> Any:
    return render_template("join.html", branch_code=branch_code[:32])


@bp.get("/join/<branch_code>/poster")
def poster(branch_code: str) -> Any:
    return render_template("join_poster.html", branch_code=branch_code[:32])
