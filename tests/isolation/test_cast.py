"""The cast itself: two rounds for January 2017, each owned by its own partnership's agencies."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_each_round_is_owned_by_its_own_partnership(cast) -> None:
    for side in cast.values():
        owners = set(
            side.round.submissions.values_list("adoption__owner__partnership_id", flat=True)
        )
        assert owners == {side.partnership.id}
        assert side.draft.status == "draft" and side.approved.status == "approved"
    assert cast["bd"].round.pk != cast["barnet"].round.pk
