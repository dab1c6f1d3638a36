"""Tests that connect a database through the admin API and then query it as an end user.

A new source is closed to end users until the admin opens it (`"end_users": "open"`). The
test helpers that call the admin API (`Org.admin`, the analyze `Admin.call`, the browser and
scale servers' `admin`) pass what they sent and got through `open_if_created`, which opens a
source the call just created, as an admin would once its rules are in place; the tests keep
their own assertions. A test of closed sources themselves sends `"end_users": "closed"`
explicitly, which this leaves as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def open_if_created(
    method: str,
    path: str,
    sent: Any,
    response: Any,
    patch: Callable[[str, dict[str, Any]], Any],
) -> None:
    """After `POST /sources` created a source (201) without saying `end_users`, open it with
    `patch(path, body)` (the helper's own PATCH of the admin API)."""
    if method.upper() != "POST" or path.split("?", 1)[0].rstrip("/") != "/sources":
        return
    if response.status_code != 201:
        return
    if isinstance(sent, dict) and "end_users" in sent:
        return  # the test chose
    opened = patch(f"/sources/{response.json()['id']}", {"end_users": "open"})
    assert opened.status_code == 200, opened.text
