"""Set-up routes: branches, services, counters, staff, devices, policy, login."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, abort

from server.services import auth, policy_preview, setup
from server.web import schemas as s
from server.web.context import deps
from server.web.security import announce_change, bearer_token, current_principal

bp = APIBlueprint("setup", __name__, url_prefix="/api/v1", tag="Setup")
SECURED: dict[str, Any] = {"security": "BearerAuth"}


@bp.post("/auth/login")
@bp.input(s.LoginIn, arg_name="body")
@bp.output(s.LoginOut)
@bp.doc(
    tags=["Auth"],
    description="Every refusal is the same 401, whether the name is unknown, the password wrong or the name "
    "locked after five failures in a row (30 s, doubling with each further failure, up to an hour; an admin "
    "lifts it with POST /api/v1/users/{user_id}/unlock). Limited per client address even with a token.",
    responses={401: "wrong username or password, or the name is locked", 429: "too many attempts"},
)
def login(body: dict[str, Any]) -> Any:
    return auth.login(deps(), body["username"], body["password"])


@bp.post("/auth/logout")
@bp.output({}, status_code=204)
@bp.doc(tags=["Auth"], **SECURED)
def logout() -> Any:
    if (token := bearer_token()) and (owner := auth.logout(deps(), token)):
        announce_change(*owner)
    return ""


@bp.get("/auth/me")
@bp.output(s.MeOut)
@bp.doc(tags=["Auth"], **SECURED)
def me() -> Any:
    from server.web.security import required_principal

    p = required_principal()
    counter_id = setup.device_counter(deps(), p) if p.kind == "device" else None
    return {"id": p.id, "username": p.name, "role": p.role, "branch_ids": list(p.branch_ids), "counter_id": counter_id}


@bp.post("/branches")
@bp.input(s.BranchIn, arg_name="body")
@bp.output(s.BranchOut, status_code=201)
@bp.doc(**SECURED)
def create_branch(body: dict[str, Any]) -> Any:
    return setup.create_branch(deps(), current_principal(), body)


@bp.get("/branches")
@bp.output(s.BranchOut(many=True))
@bp.doc(**SECURED)
def list_branches() -> Any:
    return setup.list_branches(deps(), current_principal())


@bp.get("/branches/<int:branch_id>")
@bp.output(s.BranchOut)
@bp.doc(**SECURED)
def get_branch(branch_id: int) -> Any:
    return setup.get_branch(deps(), current_principal(), branch_id)


@bp.patch("/branches/<int:branch_id>")
@bp.input(s.BranchPatch, arg_name="body")
@bp.output(s.BranchOut)
@bp.doc(**SECURED)
def patch_branch(branch_id: int, body: dict[str, Any]) -> Any:
    return setup.update_branch(deps(), current_principal(), branch_id, body)


@bp.put("/branches/<int:branch_id>/policy")
@bp.input(s.PolicyIn, arg_name="body")
@bp.output(s.PolicyOut)
@bp.doc(**SECURED, description="Queue policy: per-class target, head_start and hard_limit in seconds")
def put_policy(branch_id: int, body: dict[str, Any]) -> Any:
    return setup.set_policy(deps(), current_principal(), branch_id, body)


@bp.get("/branches/<int:branch_id>/policy")
@bp.output(s.PolicyOut)
@bp.doc(**SECURED)
def get_policy(branch_id: int) -> Any:
    return setup.get_policy(deps(), current_principal(), branch_id)


@bp.post("/branches/<int:branch_id>/policy/preview")
@bp.input(s.PolicyIn, arg_name="body")
@bp.output(s.PolicyPreviewOut)
@bp.doc(
    **SECURED,
    summary="What a proposed queue policy would do, before saving it (manager)",
    description="Replays the branch's last business days with tickets (up to 7 of the last 28; a generated day "
    "when there are none), each through the counters that worked that day, under the current and the proposed "
    "policy: waits per class side by side, in seconds. Nothing is saved. At most two previews run at once per "
    "server process, and 20 replays a minute per caller; an answer already given is given again at no cost.",
    responses={409: "no counter serves an active service yet", 429: "preview_busy or too_many_previews"},
)
def preview_policy(branch_id: int, body: dict[str, Any]) -> Any:
    try:
        return policy_preview.preview_policy(deps(), current_principal(), branch_id, body)
    except policy_preview.PreviewBusy as busy:
        abort(429, busy.message, extra_data={"code": busy.code}, headers={"Retry-After": "2"})


@bp.post("/branches/<int:branch_id>/services")
@bp.input(s.ServiceIn, arg_name="body")
@bp.output(s.ServiceOut, status_code=201)
@bp.doc(**SECURED)
def create_service(branch_id: int, body: dict[str, Any]) -> Any:
    return setup.create_service(deps(), current_principal(), branch_id, body)


@bp.get("/branches/<int:branch_id>/services")
@bp.output(s.ServiceOut(many=True))
@bp.doc(**SECURED)
def list_services(branch_id: int) -> Any:
    return setup.list_services(deps(), current_principal(), branch_id)


@bp.get("/services/<int:service_id>")
@bp.output(s.ServiceOut)
@bp.doc(**SECURED)
def get_service(service_id: int) -> Any:
    return setup.get_service(deps(), current_principal(), service_id)


@bp.patch("/services/<int:service_id>")
@bp.input(s.ServicePatch, arg_name="body")
@bp.output(s.ServiceOut)
@bp.doc(**SECURED)
def patch_service(service_id: int, body: dict[str, Any]) -> Any:
    return setup.update_service(deps(), current_principal(), service_id, body)


@bp.post("/branches/<int:branch_id>/counters")
@bp.input(s.CounterIn, arg_name="body")
@bp.output(s.CounterOut, status_code=201)
@bp.doc(**SECURED)
def create_counter(branch_id: int, body: dict[str, Any]) -> Any:
    return setup.create_counter(deps(), current_principal(), branch_id, body)


@bp.get("/branches/<int:branch_id>/counters")
@bp.output(s.CounterOut(many=True))
@bp.doc(**SECURED)
def list_counters(branch_id: int) -> Any:
    return setup.list_counters(deps(), current_principal(), branch_id)


@bp.get("/counters/<int:counter_id>")
@bp.output(s.CounterOut)
@bp.doc(**SECURED)
def get_counter(counter_id: int) -> Any:
    return setup.get_counter(deps(), current_principal(), counter_id)


@bp.patch("/counters/<int:counter_id>")
@bp.input(s.CounterPatch, arg_name="body")
@bp.output(s.CounterOut)
@bp.doc(**SECURED)
def patch_counter(counter_id: int, body: dict[str, Any]) -> Any:
    return setup.update_counter(deps(), current_principal(), counter_id, body)


@bp.post("/users")
@bp.input(s.UserIn, arg_name="body")
@bp.output(s.UserOut, status_code=201)
@bp.doc(**SECURED)
def create_user(body: dict[str, Any]) -> Any:
    return setup.create_user(deps(), current_principal(), body)


@bp.get("/users")
@bp.output(s.UserOut(many=True))
@bp.doc(**SECURED)
def list_users() -> Any:
    return setup.list_users(deps(), current_principal())


@bp.get("/users/<int:user_id>")
@bp.output(s.UserOut)
@bp.doc(**SECURED)
def get_user(user_id: int) -> Any:
    return setup.get_user(deps(), current_principal(), user_id)


@bp.patch("/users/<int:user_id>")
@bp.input(s.UserPatch, arg_name="body")
@bp.output(s.UserOut)
@bp.doc(**SECURED)
def patch_user(user_id: int, body: dict[str, Any]) -> Any:
    user = setup.update_user(deps(), current_principal(), user_id, body)
    announce_change("user", user_id)
    return user


@bp.post("/users/<int:user_id>/unlock")
@bp.output(s.UserOut)
@bp.doc(
    **SECURED,
    summary="Let a user log in again at once after failed attempts locked their name",
    description="Five failed logins in a row lock a login name for 30 s, each further failure for twice as long "
    "(up to an hour); this lifts the lock. Admins, and managers for staff wholly inside their branches.",
    responses={403: "the user is not yours to change", 404: "no such user"},
)
def unlock_user(user_id: int) -> Any:
    return setup.unlock_user(deps(), current_principal(), user_id)


@bp.post("/branches/<int:branch_id>/devices")
@bp.input(s.DeviceIn, arg_name="body")
@bp.output(s.DeviceOut, status_code=201)
@bp.doc(**SECURED)
def create_device(branch_id: int, body: dict[str, Any]) -> Any:
    return setup.create_device(deps(), current_principal(), branch_id, body)


@bp.post("/devices/pair")
@bp.output(s.PairOut, status_code=201)
@bp.doc(
    tags=["Auth"],
    summary="A screen's first open: exchange the token its link carried for one it keeps",
    **SECURED,
)
def pair_device() -> Any:
    from server.web.security import required_principal

    required_principal()  # 401 without a valid token
    return auth.pair_device(deps(), str(bearer_token()))


@bp.get("/branches/<int:branch_id>/devices")
@bp.output(s.DeviceOut(many=True))
@bp.doc(**SECURED)
def list_devices(branch_id: int) -> Any:
    return setup.list_devices(deps(), current_principal(), branch_id)


@bp.delete("/branches/<int:branch_id>/devices/<int:device_id>")
@bp.output({}, status_code=204)
@bp.doc(**SECURED)
def revoke_device(branch_id: int, device_id: int) -> Any:
    setup.revoke_device(deps(), current_principal(), branch_id, device_id)
    announce_change("device", device_id)
    return ""
