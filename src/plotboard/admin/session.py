"""Admin sign-in: the throttle, the password check and the session cookie, for the admin API
and the console alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from plotboard.auth.sessions import COOKIE_NAME, SignedInAdmin, sign_in

if TYPE_CHECKING:
    from plotboard.runtime import Runtime


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1000)


def sign_in_admin(
    runtime: Runtime, body: SignIn, address: str | None, response: Response
) -> SignedInAdmin:
    """Sign in and set the session cookie on `response`; 401 for a wrong email or password,
    429 (with Retry-After) after too many attempts."""
    ttl = runtime.settings.session_ttl_seconds
    # Counted before the password is checked, so parallel guesses cannot all get through.
    attempt = runtime.sign_ins.reserve(body.email, address)
    with runtime.store.session() as session:
        cookie, admin = sign_in(session, body.email, body.password, ttl)
    runtime.sign_ins.succeeded(attempt)
    response.set_cookie(
        COOKIE_NAME,
        cookie,
        max_age=ttl,
        httponly=True,
        samesite="lax",
        secure=runtime.settings.secure_cookies,
        path="/",
    )
    return admin
