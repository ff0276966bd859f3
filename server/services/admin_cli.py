"""First start: making an admin from the command line."""

from __future__ import annotations

from server.domain.errors import Conflict, InvalidInput, NotFound
from server.services.auth import hash_password
from server.services.context import Deps


def create_admin(deps: Deps, username: str, password: str, *, reset: bool = False) -> str:
    if len(password) < 8:
        raise InvalidInput("weak_password", "the password needs at least 8 characters", "password")
    password_hash = deps.offload(hash_password, password)  # slow on purpose: outside the write lock
    with deps.store.write() as uow:
        found = uow.users.credentials(username)
        if reset:
            if found is None:
                raise NotFound("user_not_found", f"no user {username!r}", "username")
            uow.users.update(found[0].id, {"password_hash": password_hash})
            uow.tokens.revoke_for_user(found[0].id)
            return f"password of {username} changed"
        if found is not None:
            raise Conflict("username_taken", f"user {username!r} exists; use --reset-password to change it", "username")
        uow.users.add({"username": username, "password_hash": password_hash, "role": "admin", "branch_ids": []})
    return f"admin {username} created"
