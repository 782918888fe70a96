"""The recompute: stored month values in, derived metrics and ranks out, through the pure engine.

``load`` (the bridge from the database to the engine), ``compute`` (the engine per series),
``write`` (the derived store), ``ranks``, ``run`` (one scope end to end), ``parallel`` and
``child`` (the full recompute fanned out over processes) and ``requests`` (the queue). Callers
outside use ``indicators.services``. May import ``indicators.engine``, ``indicators.models`` and
``csp``; never ``submissions``. Nothing here may import Django at package level: ``child`` is
imported by spawned processes before Django is set up.
"""
