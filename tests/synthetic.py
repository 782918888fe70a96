"""Synthetic month values in bulk, for tests that need a recompute long enough to interrupt.

The figures are made up (a noisy seasonal level per series); nothing asserts on them. Loaded
with COPY on PostgreSQL, so a few hundred thousand rows take seconds. Used by the recompute
fault tests and by the production stack (tests/production/stack.py), run there in a child
process with Django set up on the stack's database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

FIRST_MONTH = dt.date(2010, 4, 1)


def count_indicators(n: int) -> list[int]:
    """``n`` count indicators of the catalogue (adopted by no partnership); returns their ids."""
    from indicators.models import Indicator

    created = Indicator.objects.bulk_create(
        Indicator(
            code=f"synthetic-{i}",
            title=f"Synthetic indicator {i}",
            kind="count",
            polarity="down",
        )
        for i in range(n)
    )
    return [i.id for i in created]


def areas_with_values(
    *, areas: int, indicator_ids: Sequence[int], months: int, seed: int = 2016
) -> int:
    """Create ``areas`` areas (in no comparator group) with ``months`` monthly counts for each
    indicator from April 2010. Returns the number of month values written."""
    from django.db import connection

    from csp.models import Area
    from indicators.engine.periods import add_months

    rng = random.Random(seed)
    start = Area.objects.filter(code__startswith="E07").count()
    created = Area.objects.bulk_create(
        Area(code=f"E07{start + i:06d}", name=f"Synthetic area {start + i}") for i in range(areas)
    )
    month_list = [add_months(FIRST_MONTH, i) for i in range(months)]
    now = dt.datetime.now(dt.UTC)
    raw = connection.connection  # the psycopg connection: COPY is PostgreSQL only
    written = 0
    with (
        raw.cursor() as cursor,
        cursor.copy(
            "COPY indicators_monthvalue (indicator_id, area_id, month, status, value, "
            "reference_period, reason, is_estimated, updated_at) FROM STDIN"
        ) as copy,
    ):
        for indicator_id in indicator_ids:
            level = rng.randint(20, 2000)
            for area in created:
                base = level * rng.uniform(0.5, 1.5)
                for i, month in enumerate(month_list):
                    seasonal = 1 + 0.1 * ((month.month % 12) - 6) / 6
                    value = max(0, int(rng.gauss(base * seasonal * (1 + i / 600), base * 0.08)))
                    copy.write_row(
                        (indicator_id, area.id, month, "reported", value, "", "", False, now)
                    )
                    written += 1
    if not connection.in_atomic_block:
        raw.commit()
    return written
