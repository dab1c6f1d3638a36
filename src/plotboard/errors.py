"""Errors a person can act on. Services raise these; the HTTP layer turns them into JSON.

Every error body has the same shape:
`{"detail": "<one sentence that says what is wrong and what to do>", "code": "<stable id>",
"errors": [{"field": "attributes.region", "message": "..."}]}` (`errors` only when a field is
to blame).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    field: str
    message: str
    position: int | None = None  # 1-based offset in the field's text (an expression's error)


@dataclass(eq=False)
class PlotboardError(Exception):
    message: str
    code: str = "error"
    status: int = 400
    errors: list[FieldError] = field(default_factory=list)
    # HTTP headers the answer carries, e.g. Retry-After on a 429.
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def body(self) -> dict[str, object]:
        out: dict[str, object] = {"detail": self.message, "code": self.code}
        if self.errors:
            out["errors"] = [
                {"field": e.field, "message": e.message}
                | ({} if e.position is None else {"position": e.position})
                for e in self.errors
            ]
        return out


def invalid(field_name: str, message: str, code: str = "invalid") -> PlotboardError:
    """A 422 naming the field: `attributes.region: must be a string`."""
    return PlotboardError(f"{field_name}: {message}", code, 422, [FieldError(field_name, message)])


def not_found(what: str) -> PlotboardError:
    return PlotboardError(f"{what} was not found.", "not_found", 404)


def unauthorized(message: str, code: str = "unauthorized") -> PlotboardError:
    return PlotboardError(message, code, 401)


def forbidden(message: str, code: str = "forbidden") -> PlotboardError:
    return PlotboardError(message, code, 403)


def conflict(message: str, code: str = "conflict") -> PlotboardError:
    return PlotboardError(message, code, 409)
