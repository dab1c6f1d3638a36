"""@plotboard/node (clients/node): built with tsc, its own tests (node --test) run against a
running `plotboard demo`."""

from __future__ import annotations

import re

from tests.live_server import DemoServer, clean_env
from tests.sdk.npm import NODE_CLIENT, build_node_client, run


def test_the_node_helper_builds_with_type_declarations() -> None:
    build_node_client()
    dist = NODE_CLIENT / "dist"
    for name in ("index.js", "index.d.ts", "index.js.map"):
        assert (dist / name).is_file(), name
    declarations = (dist / "index.d.ts").read_text(encoding="utf-8")
    for name in ("class PlotboardClient", "class PlotboardError", "interface MintOptions"):
        assert name in declarations


def test_the_node_helpers_tests_pass_against_plotboard(demo_server: DemoServer) -> None:
    build_node_client()
    env = clean_env(PLOTBOARD_URL=demo_server.url, PLOTBOARD_API_KEY=demo_server.info["api_key"])
    result = run(["node", "--test", "--test-reporter=tap", "test/"], NODE_CLIENT, env)
    counts = dict(re.findall(r"^# (pass|fail|skipped|todo|cancelled) (\d+)$", result.stdout, re.M))
    assert counts == {"pass": "9", "fail": "0", "skipped": "0", "todo": "0", "cancelled": "0"}, (
        result.stdout[-3000:]
    )
