"""What a server of the default install loads: none of the optional extras' modules.

A worker's memory is one of the install's goals (docs/benchmarks.md, "Footprint"); a module
imported eagerly by mistake costs every worker. The demo is set up for real in a fresh
interpreter (store, data, the app under uvicorn) and answers a token, a tile and a map lookup
over HTTP, as `bench/footprint.py` measures it.
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
    "httpx": "the AI's model client, on its first question to a model",
}
# Parts of plotboard a server that answers tiles does not need until asked (module names).
NOT_LOADED_MODULES = {
    "plotboard.ai.builtin": "the built-in AI engine, on the first question (~7 MiB)",
    "plotboard.ai.llm": "the AI's model engine, on the first question",
    "plotboard.ai.ask": "the AI's question handling, on the first question",
    "plotboard.console.routes": "the admin console, on the first request under /admin (~3 MiB)",
    "plotboard.api.routes.admin_setup": "the admin API, on the first request under /api/v1/admin",
    "plotboard.api.routes.dashboards": "the embed dashboards' routes, on their first request",
    "sqlalchemy.dialects.mysql": "SQLAlchemy's MySQL dialect, with a MySQL or MariaDB source",
}

SCRIPT = textwrap.dedent(
    """
    import json, socket, sys, threading, time, urllib.request
    from pathlib import Path
    import uvicorn
    from plotboard.app import create_app
    from plotboard.config import Settings
    from plotboard.demo.setup import prepare_demo
    from plotboard.runtime import Runtime

    data = Path(sys.argv[1])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=data, demo_mode=True)
    runtime = Runtime(settings)
    info = prepare_demo(runtime, data, url)
    # asyncio and h11 named: uvicorn would pick uvloop and httptools when installed.
    config = uvicorn.Config(create_app(settings, runtime=runtime), port=port,
                            loop="asyncio", http="h11", log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    def call(path, token, body=None):
        request = urllib.request.Request(
            url + path, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    user = info.users[0]
    token = call("/api/v1/embed/tokens", info.api_key,
                 {"user_id": user["user_id"], "attributes": user["attributes"]})["token"]
    query = {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
             "dimensions": [{"column": "sales_region"}]}
    assert call("/api/v1/embed/query", token, {"query": query})["rows"]
    assert call("/api/v1/embed/geo?names=Paris,Tokyo", token)
    server.should_exit = True
    print(json.dumps(sorted(sys.modules)))
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
    modules = set(json.loads(result.stdout.splitlines()[-1]))
    loaded = {m.split(".")[0] for m in modules}
    wrong = {m: why for m, why in NOT_LOADED.items() if m in loaded}
    wrong |= {m: why for m, why in NOT_LOADED_MODULES.items() if m in modules}
    assert not wrong, f"loaded at start though not needed: {wrong}"
