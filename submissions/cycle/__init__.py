"""The monthly cycle: rounds and submissions, entry, review, reminders.

Owns ``workflow`` (both transition tables) and ``validation`` (plain Python, no Django),
``services`` (every write), ``selectors`` (every read), ``forms`` and ``views``. May import
``indicators`` and ``csp``; never ``packs``, ``imports``, ``api`` or ``demo`` (they build on it).
"""
