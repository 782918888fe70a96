"""The public face of the indicators app: the recompute and the month values store.

Everything outside ``indicators`` (the cycle, imports, packs, tasks, commands, the demo) calls
these names; the work is done in ``indicators.recompute`` (load, compute, write, ranks, requests,
the full recompute as a Celery chord, the release) and ``indicators.month_values``.
``metrics_recompute`` loads its inputs in a few set-based queries, calls the engine per series,
and writes the derived store in bulk; running it twice gives the same rows. ``rates_release``
records a partnership's rates as a published pack releases them: the only figures of it that
other areas' ranks use. ``series_inputs_load`` reads one series the same way (the commentary
draft's preview of an entry).
"""

from __future__ import annotations

from indicators.month_values import ApprovedFigure, latest_figure_month, month_values_store
from indicators.recompute.chord import RecomputeRefused, full_recompute_start, runs_sweep
from indicators.recompute.compute import METRIC_COLUMNS, METRIC_FIELDS, RecomputeReport
from indicators.recompute.load import SeriesInputs, series_inputs_load
from indicators.recompute.ranks import RANK_COLUMNS, ranks_recompute
from indicators.recompute.release import rates_release
from indicators.recompute.requests import (
    metrics_recompute_all,
    recompute_request,
    recompute_request_process,
    recompute_requests_sweep,
)
from indicators.recompute.run import (
    area_ids_for_codes,
    metrics_recompute,
    metrics_recompute_after_change,
)

__all__ = [
    "METRIC_COLUMNS",
    "METRIC_FIELDS",
    "RANK_COLUMNS",
    "ApprovedFigure",
    "RecomputeRefused",
    "RecomputeReport",
    "SeriesInputs",
    "area_ids_for_codes",
    "full_recompute_start",
    "latest_figure_month",
    "metrics_recompute",
    "metrics_recompute_after_change",
    "metrics_recompute_all",
    "month_values_store",
    "ranks_recompute",
    "rates_release",
    "recompute_request",
    "recompute_request_process",
    "recompute_requests_sweep",
    "runs_sweep",
    "series_inputs_load",
]
