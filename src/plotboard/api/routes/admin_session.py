"""Admin sign-in with a session cookie; the answer carries the CSRF token for later writes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from plotboard.admin.session import SignIn, sign_in_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import (
    COOKIE_NAME,
    CSRF_HEADER,
    SignedInAdmin,
    check_csrf,
    current_admin,
    sign_out,
)
from plotboard.errors import unauthorized

router = APIRouter(prefix="/api/v1/admin/session", tags=["admin"])


class SessionOut(BaseModel):
    email: str
    org_id: str
    csrf_token: str


def _out(admin: SignedInAdmin) -> SessionOut:
    return SessionOut(email=admin.email, org_id=admin.org_id, csrf_token=admin.csrf_token)


@router.post("", operation_id="admin_sign_in")
def create_session(
    body: SignIn, request: Request, response: Response, runtime: RuntimeDep
) -> SessionOut:
    """Sign in; 401 for a wrong email or password, 429 (with Retry-After) after too many."""
    address = request.client.host if request.client else None
    admin = sign_in_admin(runtime, body, address, response)
    return _out(admin)


@router.get("", operation_id="admin_get_session")
def read_session(request: Request, runtime: RuntimeDep) -> SessionOut:
    with runtime.store.session() as session:
        admin = current_admin(session, request.cookies.get(COOKIE_NAME))
    if admin is None:
        raise unauthorized("You are not signed in, or your session has expired.", "not_signed_in")
    return _out(admin)


@router.delete("", operation_id="admin_sign_out", status_code=204)
def delete_session(request: Request, runtime: RuntimeDep) -> Response:
    cookie = request.cookies.get(COOKIE_NAME)
    with runtime.store.session() as session:
        admin = current_admin(session, cookie)
        if admin is not None:
            check_csrf(admin, request.headers.get(CSRF_HEADER))
            sign_out(session, cookie)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response
