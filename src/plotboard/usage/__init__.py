"""Usage limits on queries, AI questions and token minting, shared by every app server."""

from plotboard.usage.limiter import LEASE_TTL_S, Ticket, UsageLimiter
from plotboard.usage.settings import UsageLimits, limits_of, update_limits

__all__ = ["LEASE_TTL_S", "Ticket", "UsageLimiter", "UsageLimits", "limits_of", "update_limits"]
