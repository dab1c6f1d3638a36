"""docs/extending.md and `plotboard.extensions` list the same interfaces, and each is what the
code really calls (an implementation satisfies it)."""

from __future__ import annotations

import re
from pathlib import Path

from plotboard import extensions
from plotboard.ai.builtin import BuiltinEngine
from plotboard.ai.llm import LLMEngine
from plotboard.analyze import LLMDescriber, TemplateDescriber
from plotboard.cache import MemoryCache, RedisCache, make_cache
from plotboard.sources import kinds

DOC = Path(__file__).resolve().parents[1] / "docs" / "extending.md"


def _documented() -> set[str]:
    table = DOC.read_text(encoding="utf-8").split("## ")[0]
    return set(re.findall(r"^\| `(\w+)` \|", table, re.M))


def test_the_page_lists_every_extension_point_and_no_other() -> None:
    assert _documented() == set(extensions.EXTENSION_POINTS)
    assert set(extensions.__all__) == set(extensions.EXTENSION_POINTS) | {"EXTENSION_POINTS"}


def test_the_implementations_have_every_method_of_their_interface() -> None:
    implementations = {
        "Engine": (BuiltinEngine, LLMEngine),
        "ResultCache": (MemoryCache, RedisCache),
        "Describer": (TemplateDescriber, LLMDescriber),
        "DatabaseKind": tuple(type(k) for k in (*kinds.REGISTRY.values(), kinds.GENERIC)),
    }
    for name, classes in implementations.items():
        protocol = extensions.EXTENSION_POINTS[name]
        methods = {
            m for m in vars(protocol) if not m.startswith("_") and callable(vars(protocol)[m])
        }
        assert methods, name
        for cls in classes:
            missing = {m for m in methods if not callable(getattr(cls, m, None))}
            assert not missing, f"{cls.__name__} lacks {missing} of {name}"


def test_the_cache_the_server_makes_is_a_result_cache() -> None:
    cache = make_cache(None)
    cache.set("pb:q:x", b"1", 60)
    assert cache.get("pb:q:x") == b"1"
    cache.clear()
    assert cache.get("pb:q:x") is None
