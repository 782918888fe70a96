"""The monthly cycle: rounds and submissions, entry, review, reminders.

Owns ``workflow`` (both transition tables, the deadline) and ``validation`` (plain Python, no
Django), ``services`` (every write), ``allowed`` (what a user may do to a submission now: the
pages offer and the services accept by it), ``visibility`` (which rows each user may read),
``selectors`` and ``round_selectors`` (the pages' reads), ``forms`` and the views. May import
``indicators`` and ``csp``; never ``packs``, ``imports``, ``api`` or ``demo`` (they build on it).
"""
