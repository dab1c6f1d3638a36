"""docs/sdks.md: the Python client's examples run against plotboard demo, the Node helper's
example type-checks against the built package, and the excerpts of the framework examples are
the examples' own code (which tests/sdk/test_examples.py runs)."""

from __future__ import annotations

import shutil
import tempfile
import textwrap
from datetime import datetime
from pathlib import Path

from tests.docs.examples import ROOT, all_blocks, around, covers, example, run_python
from tests.sdk.npm import NODE_CLIENT, build_node_client, run

PAGE = "sdks.md"


def page_blocks(language: str) -> list[str]:
    return [b.code for b in all_blocks() if b.path.name == PAGE and b.language == language]


@covers("sdk-python")
def test_sdk_python(reader_env: dict[str, str], workdir: Path) -> None:
    out = run_python(example("sdk-python"), reader_env, workdir).splitlines()
    around(datetime.fromisoformat(out[0]), 15 * 60)
    assert out[1:] == ["True alice North"]


@covers("sdk-python-async")
def test_sdk_python_async(reader_env: dict[str, str], workdir: Path) -> None:
    out = run_python(example("sdk-python-async"), reader_env, workdir)
    assert out.splitlines() == ["alice North", "bob South"]


@covers("sdk-python-errors")
def test_sdk_python_errors_print_as_documented(reader_env: dict[str, str], workdir: Path) -> None:
    out = run_python(example("sdk-python-errors"), reader_env, workdir)
    documented = next(code for code in page_blocks("text") if code.startswith("422 "))
    assert out == documented


def test_the_framework_excerpts_are_the_examples_code() -> None:
    sources = {
        "js": [ROOT / "examples/express/server.js"],
        "ts": [ROOT / "examples/nextjs/app/api/plotboard-token/route.ts"],
        "python": [ROOT / "examples/django/analytics/views.py"],
    }
    checked = 0
    for language, paths in sources.items():
        text = "\n".join(p.read_text(encoding="utf-8") for p in paths)
        for code in page_blocks(language):
            if "mintToken(user.id" in code or "def plotboard_token" in code:
                assert code in text, f"{PAGE}: this excerpt is not in {paths}:\n{code}"
                checked += 1
    assert checked == 3


def test_the_node_usage_example_type_checks(tmp_path: Path) -> None:
    build_node_client()
    usage = next(code for code in page_blocks("ts") if "new PlotboardClient(" in code)
    # Inside the package, so that `@plotboard/node` resolves to it (a self-reference); a folder
    # of its own, as another run may be checking at the same time in the same checkout.
    folder = Path(tempfile.mkdtemp(prefix=".docs-check-", dir=NODE_CLIENT))
    try:
        source = folder / "usage.mts"
        source.write_text(textwrap.dedent(usage) + "export { info, PlotboardError };\n")
        tsc = str(NODE_CLIENT / "node_modules" / ".bin" / "tsc")
        options = ["--noEmit", "--strict", "--module", "nodenext", "--target", "es2022"]
        run([tsc, *options, "--types", "node", str(source)], NODE_CLIENT)
    finally:
        shutil.rmtree(folder)
