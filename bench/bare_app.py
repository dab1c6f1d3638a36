"""The yardstick of DESIGN.md: a bare FastAPI endpoint that checks a JWT and returns a cached
JSON body. `bench_cached.py` runs it beside plotboard so the two figures share one machine state.
"""

from __future__ import annotations

import os
from pathlib import Path

import jwt
from fastapi import FastAPI, Header, HTTPException, Response

SECRET = "bare-" + "s" * 40
BODY = (
    b'{"columns":[{"name":"location","type":"string"},{"name":"avg_salary","type":"number"}],'
    + (b'"rows":[["London",91579.07],["Paris",73439.47]]}')
)
#: Bodies of other sizes, `<rows>.json` in the folder BARE_BODIES names (bench_sides.py), asked
#: for as `/q?rows=N`: the yardstick returns an answer as large as plotboard's.
BODIES = {
    int(p.stem): p.read_bytes()
    for p in (Path(os.environ["BARE_BODIES"]).glob("*.json") if "BARE_BODIES" in os.environ else ())
}
app = FastAPI()


@app.post("/q")
async def q(authorization: str = Header(), rows: int | None = None) -> Response:
    try:
        jwt.decode(
            authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"], audience="bare"
        )
    except jwt.PyJWTError as err:
        raise HTTPException(401) from err
    body = BODY if rows is None else BODIES[rows]
    return Response(body, media_type="application/json")


def token() -> str:
    return jwt.encode({"sub": "u", "aud": "bare", "exp": 4_000_000_000}, SECRET, algorithm="HS256")
