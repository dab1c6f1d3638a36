"""What a server of the default install loads: none of the optional extras' modules.

A worker's memory is one of the install's goals (docs/benchmarks.md, "Footprint"); a module
imported eagerly by mistake costs every worker. The demo is set up for real in a fresh
interpreter (store, data, the app) and answers a token, a tile and a map lookup, as
`bench/footprint.py` measures it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

# Each module only a feature behind an extra or a first use needs.
NOT_LOADED = {
    "limits": "usage limits without Redis are counted in the store",
    "redis": "the redis extra, for PLOTBOARD_REDIS_URL",
    "duckdb": "the duckdb extra",
    "pymysql": "the mysql extra",
    "mcp": "the mcp extra, on the first request to /mcp",
    "uvloop": "the uvloop extra (uvicorn picks it when installed; not the app)",
}

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from fastapi.testclient import TestClient
    from plotboard.app import create_app
    from plotboard.config import Settings
    from plotboard.demo.setup import prepare_demo
    from plotboard.runtime import Runtime

    data = Path(sys.argv[1])
    settings = Settings(data_dir=data, demo_mode=True)
    runtime = Runtime(settings)
    info = prepare_demo(runtime, data, "http://127.0.0.1:8000")
    with TestClient(create_app(settings, runtime=runtime)) as client:
        user = info.users[0]
        minted = client.post(
            "/api/v1/embed/tokens",
            json={"user_id": user["user_id"], "attributes": user["attributes"]},
            headers={"Authorization": f"Bearer {info.api_key}"},
        )
        auth = {"Authorization": f"Bearer {minted.json()['token']}"}
        query = {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
                 "dimensions": [{"column": "sales_region"}]}
        answer = client.post("/api/v1/embed/query", json={"query": query}, headers=auth)
        assert answer.status_code == 200, answer.text
        geo = client.get("/api/v1/embed/geo", params={"names": "Paris,Tokyo"}, headers=auth)
        assert geo.status_code == 200, geo.text
    runtime.close()
    print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
    """
)


def test_a_default_server_loads_no_optional_module(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    wrong = {m: why for m, why in NOT_LOADED.items() if m in loaded}
    assert not wrong, f"loaded at start though not needed: {wrong}"
