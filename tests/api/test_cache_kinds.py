"""The AI's value lists and tile answers share the result cache but never an entry.

The AI reads each text column's values with a query of the same shape a user's tile may have
(count by that column, limit 51). Both are cached under keys made from the final SQL; the AI's
entries hold plain rows, a tile's the whole answer, so a shared key handed one the other's body.
"""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import Org
from tests.api.test_ai_api import ALICE, _ask, chatting  # noqa: F401 - fixture
from tests.api.test_query_api import demo_db  # noqa: F401 - fixture

VALUES_SHAPED = {
    "table": "employees",
    "dimensions": [{"column": "department"}],
    "measures": [{"agg": "count"}],
    "limit": 51,
}


def test_a_tile_shaped_like_the_ai_values_query_gets_its_own_answer(
    chatting: tuple[Org, str], demo_db: Path  # noqa: F811
) -> None:
    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    _ask(org, token, "how many employees by department")  # the AI reads the values first
    answer = org.embed(token, "POST", "/query", json={"query": VALUES_SHAPED})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [c["name"] for c in body["columns"]] == ["department", "count"]
    assert body["rows"] and all(len(row) == 2 for row in body["rows"])
    # And the other way round: a cached tile answer does not become the AI's value list.
    again = _ask(org, token, "how many employees in Engineering")
    assert again["tile"] is not None, again
