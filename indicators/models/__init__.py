"""What is measured: the catalogue, adoptions, targets, history, approved month values, supplied
benchmarks, the derived store and recompute requests (one Django app, label ``indicators``).

``catalogue`` (portfolios, indicators, categories, targets, history), ``adoptions`` (a
partnership's adoption of an indicator), ``values`` (month values, supplied benchmarks),
``derived`` (metrics, ranks, recompute requests), ``released`` (a partnership's rates as
published, which other areas' ranks use).
"""

from indicators.models.adoptions import LOCAL_TEXTS, SHARED_TEXTS, Adoption
from indicators.models.catalogue import (
    ChangeBasis,
    Frequency,
    HistoryEntry,
    Indicator,
    IndicatorCategory,
    IndicatorKind,
    Polarity,
    Portfolio,
    Target,
    TargetKind,
)
from indicators.models.derived import (
    DerivedMetric,
    DerivedRank,
    RecomputeRequest,
    RecomputeRun,
    RecomputeTouch,
)
from indicators.models.released import ReleasedRate
from indicators.models.values import (
    MonthValue,
    SuppliedBenchmark,
    ValueStatus,
)

__all__ = [
    "LOCAL_TEXTS",
    "SHARED_TEXTS",
    "Adoption",
    "ChangeBasis",
    "DerivedMetric",
    "DerivedRank",
    "Frequency",
    "HistoryEntry",
    "Indicator",
    "IndicatorCategory",
    "IndicatorKind",
    "MonthValue",
    "Polarity",
    "Portfolio",
    "RecomputeRequest",
    "RecomputeRun",
    "RecomputeTouch",
    "ReleasedRate",
    "SuppliedBenchmark",
    "Target",
    "TargetKind",
    "ValueStatus",
]
