"""Finding the documentation's examples and running them the way a reader would.

An example is a fenced code block of a guide page, preceded by a marker comment naming it:

    <!-- test: mint-token -->
    ```bash
    curl -s ...
    ```

Bash examples run in `bash` with the reader's environment variables set by the test. Every
`curl` whose output goes to the terminal also reports its HTTP status, so a test can check each
answer; a `curl` whose output is piped or captured is left exactly as written.

A test marks the examples it runs with `@covers("name", ...)`; tests/docs/test_reference.py
checks that every named example is covered and every server-facing example is named.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Pages in docs/ that others maintain and that are not part of the user guide.
NOT_IN_GUIDE = frozenset({"benchmarks.md"})
MARKER = re.compile(r"^<!--\s*test:\s*([a-z0-9][a-z0-9-]*)\s*-->\s*$")
FENCE = re.compile(r"^```(\S*)")
STATUS = re.compile(r"\n?<<<HTTP (\d{3})>>>\n")
# Blocks in these languages are programs a reader may run.
RUNNABLE = {"bash", "sh", "shell", "python", "py"}
# A runnable block that contains one of these talks to a server, so it must be tested.
TALKS_TO_SERVER = ("curl", "PlotboardClient", "httpx", "requests.", "$PLOTBOARD_URL")
F = TypeVar("F", bound=Callable[..., Any])
BASH_PRELUDE = """set -euo pipefail
curl() {
  if [ -p /dev/stdout ]; then
    command curl "$@"
  else
    command curl "$@" -w '\\n<<<HTTP %{http_code}>>>\\n'
  fi
}
"""


@dataclass(frozen=True)
class Example:
    name: str | None
    language: str
    code: str
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def code_blocks(path: Path) -> list[Example]:
    """Every fenced block of a Markdown file, named when a marker precedes it."""
    blocks: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    pending: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = MARKER.match(line.strip())
        fence = FENCE.match(line)
        if marker:
            pending = marker.group(1)
        elif fence:
            start = i
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append(Example(pending, fence.group(1), "\n".join(body) + "\n", path, start + 1))
            pending = None
        elif line.strip():
            pending = None  # a marker names only the block right after it
        i += 1
    return blocks


def guide_pages() -> list[Path]:
    """The user guide's pages."""
    return [p for p in sorted(DOCS.glob("*.md")) if p.name not in NOT_IN_GUIDE]


def all_blocks() -> list[Example]:
    return [block for path in guide_pages() for block in code_blocks(path)]


def named_examples() -> dict[str, Example]:
    examples: dict[str, Example] = {}
    for block in all_blocks():
        if block.name is None:
            continue
        if block.name in examples:
            raise AssertionError(
                f"example name '{block.name}' is used twice: {examples[block.name].where} and "
                f"{block.where}"
            )
        examples[block.name] = block
    return examples


@dataclass(frozen=True)
class Answer:
    """One `curl` call's output and HTTP status."""

    status: int
    text: str

    def json(self) -> Any:
        """The answer's JSON. An error body's `request_id` (new on every request, so the pages
        leave it out of the bodies they show) is checked here and dropped."""
        body = json.loads(self.text)
        if self.status >= 400 and isinstance(body, dict):
            request_id = body.pop("request_id", None)
            assert isinstance(request_id, str) and re.fullmatch(r"[0-9a-f]{32}", request_id), (
                f"an error body without a request_id: {self.text}"
            )
        return body


@dataclass(frozen=True)
class BashRun:
    answers: list[Answer]
    stdout: str
    stderr: str

    @property
    def answer(self) -> Answer:
        assert len(self.answers) == 1, f"expected one curl answer, got {self.answers}"
        return self.answers[0]


def run_bash(example: Example, env: Mapping[str, str], cwd: Path, stdin: str = "") -> BashRun:
    script = cwd / f"{example.name}.sh"
    script.write_text(BASH_PRELUDE + example.code, encoding="utf-8")
    out = cwd / f"{example.name}.out"
    with out.open("w", encoding="utf-8") as stdout:
        result = subprocess.run(
            ["bash", str(script)],
            env=dict(env),
            cwd=cwd,
            input=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    text = out.read_text(encoding="utf-8")
    assert result.returncode == 0, (
        f"{example.where} ({example.name}) exited with {result.returncode}\n"
        f"--- stdout ---\n{text}\n--- stderr ---\n{result.stderr}"
    )
    parts = STATUS.split(text)
    answers = [Answer(int(parts[i + 1]), parts[i]) for i in range(0, len(parts) - 1, 2)]
    return BashRun(answers, text, result.stderr)


def run_python(example: Example, env: Mapping[str, str], cwd: Path) -> str:
    """Run a Python example in a fresh interpreter, as a reader would; return its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", example.code],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, (
        f"{example.where} ({example.name}) exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result.stdout


def mint(api: httpx.Client, user_id: str = "alice", **body: object) -> str:
    """An embed token for `user_id`, minted with the client's API key."""
    answer = api.post("/api/v1/embed/tokens", json={"user_id": user_id, **body})
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


# --- which test covers which example --------------------------------------------------------


def covers(*names: str) -> Callable[[F], F]:
    """Mark a test as the one that runs (or checks) the named examples.

    The catalogue test reads these marks from the test files' source (`covered_names`), so it
    sees every test module without importing them.
    """

    def mark(test: F) -> F:
        return test

    return mark


def covered_names() -> set[str]:
    """Every name given to `@covers(...)` in tests/docs/test_*.py."""
    names: set[str] = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "covers"
            ):
                names.update(
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                )
    return names


_EXAMPLES: dict[str, Example] = {}


def example(name: str) -> Example:
    """The example named `name` in docs/."""
    if not _EXAMPLES:
        _EXAMPLES.update(named_examples())
    assert name in _EXAMPLES, f"no example named '{name}' in docs/ (its marker was removed?)"
    return _EXAMPLES[name]


def json_block(page: str, containing: str) -> Any:
    """The JSON example on `page` that contains `containing`."""
    blocks = [
        b
        for b in all_blocks()
        if b.path.name == page and b.language == "json" and containing in b.code
    ]
    assert len(blocks) == 1, f"{page}: expected one JSON example containing {containing!r}"
    return json.loads(blocks[0].code)


# --- checking answers, and setting the stage through the admin API ---------------------------


def around(moment: str | datetime, seconds: int) -> None:
    """`moment` is about `seconds` from now."""
    when = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    expected = datetime.now(UTC) + timedelta(seconds=seconds)
    assert abs((when - expected).total_seconds()) < 30, (moment, seconds)


def unique_user(prefix: str) -> str:
    """A user id nobody used yet: an empty workspace."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def find_origin(admin_api: httpx.Client, origin: str) -> str | None:
    origins = admin_api.get("/api/v1/admin/origins").json()["origins"]
    return next((o["id"] for o in origins if o["origin"] == origin), None)


def remove_origin(admin_api: httpx.Client, origin: str) -> None:
    origin_id = find_origin(admin_api, origin)
    if origin_id:
        assert admin_api.delete(f"/api/v1/admin/origins/{origin_id}").status_code == 204


def ensure_origin(admin_api: httpx.Client, origin: str) -> None:
    if not find_origin(admin_api, origin):
        assert admin_api.post("/api/v1/admin/origins", json={"origin": origin}).status_code == 201
