"""The full recompute's vectorised engine writes the rows the scalar reference writes, on the
demo (the seed's counts, snapshots, rolling figures, ratios and breakdowns; the last two stay on
the reference, so the test also shows the two paths mix)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from indicators.engine.vector import vectorisable
from indicators.recompute.compute import RecomputeReport, compute_rows
from indicators.recompute.load import catalogue_load, scope_sql, values_load

pytestmark = pytest.mark.django_db


def test_the_vectorised_full_recompute_gives_the_reference_rows() -> None:
    catalogue = catalogue_load(None)
    where, params = scope_sql(catalogue, None)
    taken = sum(
        vectorisable(catalogue.specs[ind], values)
        for (ind, _area), values in values_load(where, params, catalogue.category_codes)
    )
    assert taken > 0  # the demo has series the vectorised engine takes
    now = timezone.now()
    vector = compute_rows(catalogue, None, None, now, RecomputeReport())
    scalar = compute_rows(catalogue, None, None, now, RecomputeReport(), vectorised=False)
    assert len(vector[0]) == len(scalar[0]) > 0
    assert sorted(vector[0], key=repr) == sorted(scalar[0], key=repr)
    assert vector[1] == scalar[1]  # the rates the ranks are built from
