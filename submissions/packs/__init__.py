"""The published packs: snapshot, publishing, pages, charts, PDF and exports.

A pack is read only from its frozen snapshot, never from live figures. May read ``cycle``'s
selectors and services and import ``indicators`` and ``csp``; never ``imports`` or ``demo``.
"""
