"""The docs name every setting, command, option and route the code has, and their links work."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest

from plotboard.app import create_app
from plotboard.cli import main
from plotboard.config import Settings
from tests.docs.examples import (
    DOCS,
    NOT_IN_GUIDE,
    RUNNABLE,
    TALKS_TO_SERVER,
    all_blocks,
    code_blocks,
    covered_names,
    guide_pages,
    named_examples,
)

PAGES = guide_pages()
ALL_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in PAGES)
ADMIN_SETUP = (DOCS / "admin-setup.md").read_text(encoding="utf-8")


def _default_text(value: Any) -> str | None:
    """How the settings table writes a default; None when it must say "not set"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _settings_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in ADMIN_SETUP.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"`PLOTBOARD_[A-Z_]+`", cells[0]):
            rows[cells[0].strip("`")] = cells
    return rows


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_with_its_default(name: str) -> None:
    env_name = f"PLOTBOARD_{name.upper()}"
    rows = _settings_rows()
    assert env_name in rows, f"docs/admin-setup.md has no settings row for {env_name}"
    _, key, default, meaning = rows[env_name]
    assert key == f"`{name}`", f"{env_name}: the config file key should be `{name}`"
    expected = _default_text(Settings.model_fields[name].default)
    if expected is None:
        assert default.startswith("not set"), f"{env_name}: the default is 'not set ...'"
    else:
        assert default.startswith(f"`{expected}`"), f"{env_name}: the default is `{expected}`"
    assert len(meaning) > 20, f"{env_name}: say what it is for"


def test_the_settings_table_has_no_setting_the_code_lacks() -> None:
    documented = {name.removeprefix("PLOTBOARD_").lower() for name in _settings_rows()}
    assert documented <= set(Settings.model_fields)


def test_the_config_file_variable_is_documented() -> None:
    assert "PLOTBOARD_CONFIG" in ADMIN_SETUP and "--config" in ADMIN_SETUP


def _commands(group: click.Group, prefix: str = "plotboard") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_and_option_is_documented(path: str, command: click.Command) -> None:
    assert path in ALL_TEXT, f"the docs never mention `{path}`"
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        for flag in [*param.opts, *param.secondary_opts]:
            if flag.startswith("--") and flag != "--help":
                assert flag in ALL_TEXT, f"the docs never mention `{path} {flag}`"


def test_the_version_flag_is_documented() -> None:
    assert "plotboard --version" in ALL_TEXT


def _route_pattern(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _api_routes() -> list[str]:
    """`METHOD /path` of every public route, from the app's own OpenAPI description."""
    app = create_app(runtime=_NoRuntime())  # type: ignore[arg-type]
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return sorted(f"{method.upper()} {path}" for path, ops in paths.items() for method in ops)


class _NoRuntime:
    """Enough of a runtime to build the app without opening a store."""

    class settings:
        demo_mode = False

    def close(self) -> None:
        pass


def test_every_api_route_is_documented() -> None:
    # `GET /api/v1/x` or `GET|PUT /api/v1/x/{id}`, with or without a query string.
    mentions = re.findall(r"`((?:GET|POST|PUT|PATCH|DELETE)(?:\|[A-Z]+)*) (/[^`?\s]*)", ALL_TEXT)
    documented = {
        _route_pattern(f"{method} {path}")
        for methods, path in mentions
        for method in methods.split("|")
    }
    missing = [r for r in _api_routes() if _route_pattern(r) not in documented]
    assert not missing, f"routes the docs never mention as `METHOD /path`: {missing}"


def _slug(heading: str) -> str:
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s", "-", text)


def _anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return {_slug(h) for h in re.findall(r"^#{1,6}\s+(.*)$", text, re.M)}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_links_between_pages_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target, anchor in re.findall(r"\]\(([\w.-]*\.md)?(?:#([\w-]+))?\)", text):
        target_page = DOCS / target if target else page
        assert target_page.is_file(), f"{page.name}: link to missing page {target}"
        if anchor:
            assert anchor in _anchors(target_page), (
                f"{page.name}: no #{anchor} in {target_page.name}"
            )


def test_the_index_links_every_page() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        if page.name not in {"index.md", *NOT_IN_GUIDE}:
            assert f"]({page.name})" in index, f"index.md does not link {page.name}"


# --- the examples' catalogue --------------------------------------------------------------------


def test_every_example_that_talks_to_a_server_is_named() -> None:
    unnamed = [
        block.where
        for block in all_blocks()
        if block.name is None
        and block.language in RUNNABLE
        and any(word in block.code for word in TALKS_TO_SERVER)
    ]
    assert not unnamed, (
        "these examples talk to a server but have no `<!-- test: NAME -->` marker, so nothing "
        f"checks them: {unnamed}"
    )


def test_every_named_example_has_a_test() -> None:
    named, covered = set(named_examples()), covered_names()
    assert named - covered == set(), "examples in docs/ that no test runs"
    assert covered - named == set(), "tests of examples that are no longer in docs/"


def test_every_quoted_error_is_checked_against_the_code() -> None:
    """A page that quotes what a command prints must quote what it really prints today."""
    unchecked = [
        block.where
        for block in all_blocks()
        if block.name is None and block.language == "text" and "Error:" in block.code
    ]
    assert not unchecked, (
        "these blocks quote an error message but have no `<!-- test: NAME -->` marker, so "
        f"nothing compares them with what the code prints: {unchecked}"
    )


# Words that promise something for later. The guide describes what plotboard does now: a
# promise goes stale the day the feature lands (or never does), and readers can't tell which.
STALE = re.compile(
    r"\b(comes\s+next|coming\s+soon|will\s+follow|when\s[\w\s-]{1,30}\sships"
    r"|not\s+yet\s+(?:built|available)|in\s+a\s+(?:later|future)\s+(?:release|version))\b",
    re.I,
)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_guide_makes_no_promises_for_later(page: Path) -> None:
    found = [m.group(0) for m in STALE.finditer(page.read_text(encoding="utf-8"))]
    assert not found, f"{page.name} promises things for later: {found}"


# What the reader has exported before trying the examples: each page says where they come from
# (tests/docs/conftest.py's `reader_env` sets the same names).
READER_VARIABLES = frozenset(
    {
        "PLOTBOARD_URL",
        "PLOTBOARD_API_KEY",
        "PLOTBOARD_ADMIN_KEY",
        "ADMIN_EMAIL",
        "ADMIN_PASSWORD",
        "SOURCE_ID",
        "DEMO_DATABASE",
        "TOKEN",
    }
)
_USED = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_SET = re.compile(
    r"(?:^|[;&|(]\s*|\bexport\s+|\bfor\s+)([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+in\b)", re.M
)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_variable_an_example_uses_is_set_before(page: Path) -> None:
    """`$DASHBOARD_ID` in an example must be set by an earlier example, or the text before it
    must say where it comes from (`` `DASHBOARD_ID` is the `id` of ... ``)."""
    known = set(READER_VARIABLES)
    lines = page.read_text(encoding="utf-8").splitlines()
    prose_from = 0
    for block in code_blocks(page):
        prose = "\n".join(lines[prose_from : block.line - 1])
        known |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", prose))
        prose_from = block.line + block.code.count("\n") + 1
        if block.language not in ("bash", "sh", "shell"):
            continue
        code = re.sub(r"'[^']*'", "''", block.code)  # single quotes: not expanded by bash
        known |= set(_SET.findall(code))
        unknown = set(_USED.findall(code)) - known - {"HOME", "PATH", "PWD"}
        assert not unknown, f"{block.where} uses {sorted(unknown)}, which no earlier example sets"


def test_the_reader_variables_are_the_ones_the_tests_set() -> None:
    import inspect

    from tests.docs import conftest

    source = inspect.getsource(conftest.reader_env)
    assert set(re.findall(r"\b([A-Z_]+)=", source)) == READER_VARIABLES
