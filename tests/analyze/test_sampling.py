"""Sampling with the real threshold on PostgreSQL: a 250,000-row table and a view over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from plotboard.sources import SourcePool
from plotboard.sources.dialects import SourceConnection
from tests.analyze.conftest import DemoSource, profile_on
from tests.services import temporary_postgres_database

ROWS = 250_000


@pytest.fixture(scope="module")
def big(pool: SourcePool) -> Iterator[DemoSource]:
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE events AS SELECT g AS event_id, "
                    "(ARRAY['click','view','buy','share','save'])[1 + g % 5] AS kind, "
                    "CASE WHEN g % 10 < 3 THEN NULL ELSE g % 1000 END AS score, "
                    "DATE '2024-01-01' + (g % 366) AS happened_on "
                    "FROM generate_series(1, :n) AS g"
                ),
                {"n": ROWS},
            )
            conn.execute(sa.text("ALTER TABLE events ADD PRIMARY KEY (event_id)"))
            conn.execute(sa.text("CREATE VIEW events_view AS SELECT * FROM events"))
            conn.execute(sa.text("ANALYZE events"))
        engine.dispose()
        yield DemoSource("big-postgres", SourceConnection(kind="url", url=url), url)
    pool.remove("big-postgres")


@pytest.mark.parametrize(
    ("table", "method"), [("events", "TABLESAMPLE"), ("events_view", "random")]
)
def test_a_large_table_is_profiled_from_a_sample(
    pool: SourcePool, big: DemoSource, table: str, method: str
) -> None:
    profile = profile_on(pool, big, table)  # default threshold: 200,000 rows
    assert profile.sampled and profile.sample is not None and method in profile.sample
    assert profile.row_count == ROWS
    assert 70_000 < profile.rows_read < 130_000  # about 100,000 rows
    kind = profile.column("kind")
    assert kind is not None and kind.distinct == 5 and not kind.distinct_estimated
    assert {t.value for t in kind.top_values} == {"click", "view", "buy", "share", "save"}
    score = profile.column("score")
    assert score is not None and abs(score.null_fraction - 0.3) < 0.02
    assert score.min == 3 and score.max == 999
    event_id = profile.column("event_id")
    assert event_id is not None and event_id.unique and event_id.distinct == ROWS
