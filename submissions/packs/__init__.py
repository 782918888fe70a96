"""The published packs: snapshot (typed and versioned in ``schema``), publishing, selectors,
pages, charts, PDF and exports.

A pack is read only from its frozen snapshot, never from live figures, through the typed
``schema.PackSnapshot`` whatever version it was stored in. May read ``cycle``'s selectors and
services and import ``indicators`` and ``csp``; never ``imports`` or ``demo``.
"""
