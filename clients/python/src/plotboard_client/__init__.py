"""plotboard's client for host backends: mint embed tokens for your users with an API key.

It needs only httpx: install it in the host app (``pip install plotboard-client``) without the
plotboard server. `plotboard_url` is where plotboard answers (e.g.
``"https://analytics.example.com"``) and `api_key` an API key with the `tokens` scope, kept on
the server:

>>> from plotboard_client import PlotboardClient
>>> with PlotboardClient(plotboard_url, api_key) as plotboard:
...     minted = plotboard.mint_token("alice", attributes={"region": "North"}, expires_in=900)
...     info = plotboard.introspect_token(minted.token)
>>> minted.token.count(".")  # a signed JWT: header.payload.signature; pass it on as it is
2
>>> info["valid"], info["user_id"], info["attributes"]
(True, 'alice', {'region': 'North'})

A refused request raises a `PlotboardError` (here its subclass `ValidationError`) carrying
plotboard's `detail`, `code`, field `errors` and `request_id`:

>>> with PlotboardClient(plotboard_url, api_key) as plotboard:
...     plotboard.mint_token("alice", attributes={"region": 7})
Traceback (most recent call last):
...
plotboard_client.ValidationError: 422 invalid_attribute: attributes.region: ... (request id ...)

`AsyncPlotboardClient` has the same methods as coroutines.
"""

from plotboard_client._async import AsyncPlotboardClient
from plotboard_client._calls import __version__
from plotboard_client._errors import (
    AuthenticationError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    PlotboardConnectionError,
    PlotboardError,
    PlotboardTimeoutError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from plotboard_client._sync import PlotboardClient
from plotboard_client._types import (
    ApiKey,
    EmbedToken,
    MintOptions,
    NewApiKey,
    Permissions,
    TokenAttribute,
    TokenInfo,
)

__all__ = [
    "ApiKey",
    "AsyncPlotboardClient",
    "AuthenticationError",
    "ConflictError",
    "EmbedToken",
    "FieldError",
    "MintOptions",
    "NewApiKey",
    "NotFoundError",
    "PermissionDeniedError",
    "Permissions",
    "PlotboardClient",
    "PlotboardConnectionError",
    "PlotboardError",
    "PlotboardTimeoutError",
    "RateLimitError",
    "ServerError",
    "TokenAttribute",
    "TokenInfo",
    "ValidationError",
    "__version__",
]

# Exceptions show under the package's name (plotboard_client.ValidationError), where users
# import them from, not under the private module that defines them.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("plotboard_client."):
        _obj.__module__ = __name__
del _name, _obj
