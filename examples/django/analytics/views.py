"""The view a host page calls for an embed token: it mints one for the signed-in user, with the
attributes from their profile, never for a user the page names."""

import logging
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST
from plotboard_client import PlotboardClient, PlotboardError

log = logging.getLogger(__name__)


@cache
def plotboard() -> PlotboardClient:
    """One client per process: it keeps its connections to plotboard open."""
    return PlotboardClient(settings.PLOTBOARD_URL, settings.PLOTBOARD_API_KEY, timeout=5)


@require_POST
@login_required
def plotboard_token(request: HttpRequest) -> JsonResponse:
    profile = request.user.profile
    try:
        minted = plotboard().mint_token(
            request.user.get_username(),
            attributes={"region": profile.region, "location": profile.offices},
            expires_in=900,
        )
    except PlotboardError as err:
        # plotboard's reason and request id are for your logs; the page learns only that it failed.
        log.error("plotboard refused a token for %s: %s", request.user.get_username(), err)
        return JsonResponse({"error": "analytics are unavailable right now"}, status=502)
    return JsonResponse({"token": minted.token, "expires_at": minted.expires_at.isoformat()})
