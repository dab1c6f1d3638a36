"""AI settings: the built-in engine or an OpenAI-compatible endpoint, a Test button, default
context clues. Saved by the same use case as `PUT /api/v1/admin/ai-settings`
(`plotboard.admin.ai`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.admin.ai import save_ai_settings
from plotboard.ai.settings import AISettingsIn, AISettingsView, read_settings, saved_api_key
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import SignedInAdmin
from plotboard.console.forms import FormState, problems_of
from plotboard.console.llm_probe import probe_endpoint
from plotboard.console.web import (
    BASE,
    ConsoleRoute,
    PageAdmin,
    Posted,
    PostedForm,
    flash,
    fragment,
    is_fetch,
    redirect,
    render,
)
from plotboard.runtime import Runtime

router = APIRouter(prefix=BASE + "/ai", route_class=ConsoleRoute, include_in_schema=False)
OK_TITLE = "The endpoint answered"
FAIL_TITLE = "The endpoint did not work"


def _values(view: AISettingsView | None) -> dict[str, str]:
    if view is None:
        return {"engine": "builtin"}
    return {
        "engine": view.engine,
        "base_url": view.base_url or "",
        "model": view.model or "",
        "context_clues": view.context_clues,
        "include_values": "1" if view.include_values else "",
    }


def _page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    f: FormState | None,
    *,
    verdict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    with runtime.store.session() as session:
        view = read_settings(session, admin.org_id)
    return render(
        request,
        runtime,
        "ai.html",
        admin,
        active="ai",
        status_code=status_code,
        f=f or FormState(_values(view)),
        saved=view,
        verdict=verdict,
        ok_title=OK_TITLE,
        fail_title=FAIL_TITLE,
    )


@router.get("")
def ai_page(request: Request, admin: PageAdmin, runtime: RuntimeDep) -> Response:
    return _page(request, runtime, admin, None)


def _form(posted: Posted) -> AISettingsIn:
    return AISettingsIn.model_validate(
        {
            "engine": posted.text("engine") or "builtin",
            "base_url": posted.text("base_url") or None,
            "model": posted.text("model") or None,
            "api_key": posted.text("api_key", strip=False) or None,
            "clear_api_key": posted.checked("clear_api_key"),
            "context_clues": posted.text("context_clues"),
            "include_values": posted.checked("include_values"),
        }
    )


@router.post("")
def post_ai(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """Test the endpoint (action=test) or save the settings (action=save)."""
    values = {k: v for k, v in posted.fields().items() if k != "api_key"}
    action = posted.text("action") or "save"
    admin = posted.admin
    try:
        data = _form(posted)
    except ValidationError as err:
        problems = problems_of(err)
        if is_fetch(request):
            message = next(iter(problems.fields.values()), problems.summary)
            return fragment(
                "_verdict.html",
                422,
                verdict={"ok": False, "message": message},
                ok_title=OK_TITLE,
                fail_title=FAIL_TITLE,
            )
        return _page(request, runtime, admin, FormState(values, problems), status_code=422)
    if action == "test":
        verdict = _test(runtime, admin, data)
        if is_fetch(request):
            return fragment(
                "_verdict.html", verdict=verdict, ok_title=OK_TITLE, fail_title=FAIL_TITLE
            )
        return _page(request, runtime, admin, FormState(values), verdict=verdict)
    saved = save_ai_settings(runtime, posted.actor, data)
    response = redirect(BASE + "/ai")
    engine = "the built-in engine" if saved["engine"] == "builtin" else saved["model"]
    flash(response, f"Saved: questions are now answered by {engine}.")
    return response


def _test(runtime: Runtime, admin: SignedInAdmin, data: AISettingsIn) -> dict[str, Any]:
    # Tried the way users ask (every source, a real question), so "ready" means it works.
    from plotboard.ai.ask import readiness  # the engines: loaded on the first test

    ready = readiness(runtime, admin.org_id)
    if data.engine == "builtin" or not ready.ok:
        return {"ok": ready.ok, "title": ready.title, "message": ready.message}
    key = data.key_value()
    if key is None and not data.clear_api_key:
        with runtime.store.session() as session:
            key = saved_api_key(session, admin.org_id, runtime.secret_key)
    verdict = probe_endpoint(str(data.base_url), str(data.model), key)
    return {"ok": verdict.ok, "message": verdict.message}
