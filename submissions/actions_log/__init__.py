"""The action log: actions on an adopted indicator, carried from month to month until done.

``rules`` (plain Python: statuses, what is open in a month, what is overdue), ``services`` (the
only writers, each change audited with who made it), ``selectors`` (the entry form's panel, the
API's rows, the pack snapshot's records), ``forms`` and ``views`` (the entry form's inline panel).
"""
