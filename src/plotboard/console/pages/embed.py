"""Embed snippet: the tag to paste with this server's URL, and the host backend's mint call."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from plotboard.api.deps import RuntimeDep
from plotboard.auth.attribute_store import attribute_model
from plotboard.console import snippets
from plotboard.console.preview import attribute_examples
from plotboard.console.web import BASE, ConsoleRoute, PageAdmin, render, server_url

router = APIRouter(prefix=BASE + "/embed", route_class=ConsoleRoute, include_in_schema=False)


@router.get("")
def embed_page(request: Request, admin: PageAdmin, runtime: RuntimeDep) -> Response:
    server = server_url(request, runtime)
    with runtime.store.session() as session:
        model = attribute_model(session, admin.org_id)
    attributes = snippets.example_attributes(model, attribute_examples(runtime, admin.org_id))
    return render(
        request,
        runtime,
        "embed.html",
        admin,
        active="embed",
        server=server,
        public_url=runtime.settings.public_url,
        html=snippets.html_snippet(server),
        curl=snippets.curl_snippet(server, attributes),
        python=snippets.python_snippet(server, attributes),
    )
