"""The code an admin copies: the embed tag for the host page and the host backend's mint call."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from plotboard.auth.attribute_values import AttributeSpec

# An attribute no access rule compares with a column gets a value of its type.
_BY_TYPE: dict[str, Any] = {
    "string": "example",
    "number": 1,
    "boolean": True,
    "string_list": ["first", "second"],
    "number_list": [1, 2],
}


def example_attributes(
    model: Sequence[AttributeSpec], examples: Mapping[str, Sequence[object]] | None = None
) -> dict[str, Any]:
    """A value per attribute for the mint call: values of the column a rule compares it with
    (`attribute_examples`: two for a list, one otherwise), else a placeholder of its type."""
    examples = examples or {}
    out: dict[str, Any] = {}
    for a in model:
        values = list(examples.get(a.name) or [])
        if values and a.type.endswith("_list"):
            out[a.name] = values[:2]
        elif values and not a.type.endswith("_list"):
            out[a.name] = values[0]
        else:
            out[a.name] = _BY_TYPE.get(a.type, "example")
    return out


def html_snippet(server: str) -> str:
    token = "TOKEN_FROM_YOUR_BACKEND"
    editor = f'<plotboard-editor auth-token="{token}" server-url="{server}" ai-chat>'
    return f"""<script type="module" src="{server}/embed/plotboard.js"></script>
{editor}</plotboard-editor>
<script>
  // When the token expires, ask your backend for a fresh one: the editor carries on.
  const editor = document.querySelector("plotboard-editor");
  editor.addEventListener("plotboard:token-expired", async () => {{
    const response = await fetch("/api/plotboard-token", {{ method: "POST" }});  // your backend
    editor.setAttribute("auth-token", (await response.json()).token);
  }});
</script>"""


def _body(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"user_id": "alice", "attributes": attributes, "expires_in": 3600}


def curl_snippet(server: str, attributes: dict[str, Any]) -> str:
    body = json.dumps(_body(attributes), ensure_ascii=False)
    return f"""curl -X POST "{server}/api/v1/embed/tokens" \\
  -H "Authorization: Bearer $PLOTBOARD_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{body}'
# 201 {{"token": "eyJ...", "expires_at": "..."}}"""


def _py(value: Any) -> str:
    """A JSON-like value as Python source."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def python_snippet(server: str, attributes: dict[str, Any]) -> str:
    pad = " " * 16
    rows = "".join(f'{pad}"{k}": {_py(v)},\n' for k, v in attributes.items())
    attrs = "{\n" + rows + " " * 12 + "}" if attributes else "{}"
    return f"""import os

import httpx  # or requests: the same call


def plotboard_token(user_id: str) -> str:
    \"\"\"Mint an embed token for the signed-in user (on your server, never in a browser).\"\"\"
    response = httpx.post(
        "{server}/api/v1/embed/tokens",
        headers={{"Authorization": f"Bearer {{os.environ['PLOTBOARD_API_KEY']}}"}},
        json={{
            "user_id": user_id,
            "attributes": {attrs},  # what you know of this user
            "expires_in": 3600,
        }},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["token"]"""
