"""The yardstick of DESIGN.md: a bare FastAPI endpoint that checks a JWT and returns a cached
JSON body. `bench_cached.py` runs it beside plotboard so the two figures share one machine state.
"""

from __future__ import annotations

import jwt
from fastapi import FastAPI, Header, HTTPException, Response

SECRET = "bare-" + "s" * 40
BODY = (
    b'{"columns":[{"name":"location","type":"string"},{"name":"avg_salary","type":"number"}],'
    + (b'"rows":[["London",91579.07],["Paris",73439.47]]}')
)
app = FastAPI()


@app.post("/q")
async def q(authorization: str = Header()) -> Response:
    try:
        jwt.decode(
            authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"], audience="bare"
        )
    except jwt.PyJWTError as err:
        raise HTTPException(401) from err
    return Response(BODY, media_type="application/json")


def token() -> str:
    return jwt.encode({"sub": "u", "aud": "bare", "exp": 4_000_000_000}, SECRET, algorithm="HS256")
