"""The shared catalogue, month values and the derived store, and the recompute that fills it.

``engine`` is pure Python; ``recompute`` is reached only through ``services``; ``selectors``
reads the derived store. May import ``csp``; never ``submissions``.
"""
